package io.muxkit.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.muxkit.mux.WaitListener;

/**
 * The last N events of one loop thread, in primitive arrays filled in place: recording allocates
 * nothing (labels are constant strings, stored by reference). An event is recorded when it ends,
 * so a slice comes after the slices within it; the oldest are overwritten first. Written by its
 * loop's thread only; {@link Timeline} reads it, from another thread too while the loop runs.
 */
final class TimelineRing extends EventColumns implements WaitListener {
    static final byte ITERATION = 0, WAIT = 1, DISPATCH = 2, TIMER = 3, TASK = 4, COUNTER = 5, INSTANT = 6;

    final Timeline timeline;
    final int tid;
    final String threadName;
    final String waitCall;
    /** Events recorded so far (the ring holds the last capacity of them); published with release for a reader on another thread. */
    private long count;
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(TimelineRing.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    TimelineRing(Timeline timeline, int tid, String threadName, String waitCall, int capacity) {
        super(capacity);
        this.timeline = timeline;
        this.tid = tid;
        this.threadName = threadName;
        this.waitCall = waitCall;
    }

    int capacity() {
        return kind.length;
    }

    /** Events recorded so far, as another thread may read it. */
    long count() {
        return (long) COUNT.getAcquire(this);
    }

    private int slot() {
        return (int) (count % kind.length);
    }

    private void publish() {
        COUNT.setRelease(this, count + 1);
    }

    @Override
    public void waited(long startNanos, long endNanos, long timeoutNanos, int ready, int registered, long submitted, int completed) {
        int i = slot();
        kind[i] = WAIT;
        start[i] = startNanos;
        end[i] = endNanos;
        x[i] = timeoutNanos;
        a[i] = ready;
        b[i] = registered;
        y[i] = submitted;
        fd[i] = completed;
        publish();
    }

    void iteration(long startNanos, long endNanos, int ready) {
        int i = slot();
        kind[i] = ITERATION;
        start[i] = startNanos;
        end[i] = endNanos;
        a[i] = ready;
        publish();
    }

    void dispatch(long startNanos, long endNanos, int fd, String role, int ops, long bytes) {
        int i = slot();
        kind[i] = DISPATCH;
        start[i] = startNanos;
        end[i] = endNanos;
        this.fd[i] = fd;
        label[i] = role;
        a[i] = ops;
        x[i] = bytes;
        publish();
    }

    /** A timer or task (kind TIMER or TASK) named name. */
    void job(byte kind, long startNanos, long endNanos, String name) {
        int i = slot();
        this.kind[i] = kind;
        start[i] = startNanos;
        end[i] = endNanos;
        label[i] = name;
        publish();
    }

    void counter(long atNanos, Timeline.Series series, long v1, long v2) {
        int i = slot();
        kind[i] = COUNTER;
        start[i] = end[i] = atNanos;
        label[i] = series;
        x[i] = v1;
        y[i] = v2;
        publish();
    }

    /** fd -1, errno 0, count 0: none. */
    void instant(long atNanos, Timeline.Mark mark, int fd, int errno, long count) {
        int i = slot();
        kind[i] = INSTANT;
        start[i] = end[i] = atNanos;
        label[i] = mark;
        this.fd[i] = fd;
        a[i] = errno;
        x[i] = count;
        publish();
    }
}
