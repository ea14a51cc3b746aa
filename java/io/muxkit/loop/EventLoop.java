package io.muxkit.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.muxkit.ffi.Faults;
import io.muxkit.mux.Multiplexer;
import io.muxkit.mux.MuxStats;
import io.muxkit.net.Fds;

/**
 * One thread's loop over one Multiplexer: fd -> handler found by array index, one-shot and
 * repeating timers, tasks handed in from other threads with one coalesced wakeup, and stop().
 * Everything but {@link #execute} and {@link #stop} is for the loop's own thread.
 *
 * <p>Each ready entry is checked again when its turn comes in a batch (as libuv and Redis do): an
 * fd closed by an earlier handler of the same batch is skipped, even if its number was reused
 * since (an accept in the same batch), and its ops are masked by the interest it has now.
 *
 * <p>Each handler, timer and task is timed (one clock read after it: it began where the one
 * before ended) for the loop's lag ({@link LoopMonitor}) and, when one is recorded, the timeline.
 */
public final class EventLoop implements AutoCloseable {
    private final Multiplexer mux;
    private final FdTable<Registration> handlers = new FdTable<>();
    private int[] firstFds = new int[0];      // dispatched before the others of each batch
    private long batch;                       // the batch of ready fds being dispatched
    private long[] closedInBatch = new long[256];  // by fd: the batch in which it was last closed
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSequence;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private ArrayDeque<Runnable> afterWait = new ArrayDeque<>(), afterWaitRunning = new ArrayDeque<>();
    private volatile boolean stopping;
    private volatile Thread thread;

    private final PrintStream log;
    private final LoopMonitor monitor;
    private final LoopLag lag;
    /** This thread's track of the timeline; null (no timeline) costs one check per event. */
    private TimelineRing ring;
    private boolean faultsOn;
    /** When the last handler, timer or task ended (or the wait returned): where the next one began. */
    private long last;
    private long bytesMoved;

    /** A handler and what its fd is, for the lag figures and the timeline ("conn", "listen", ...). */
    private record Registration(Handler handler, String role) {}

    /** The role of an fd registered without one. */
    public static final String FD = "fd";

    /** A loop over mux whose handler failures are reported on System.err. */
    public EventLoop(Multiplexer mux) {
        this(mux, System.err);
    }

    /** A loop over mux; an exception a handler or task throws is reported on log and the loop goes on. */
    public EventLoop(Multiplexer mux, PrintStream log) {
        this.mux = mux;
        this.log = log;
        this.monitor = LoopMonitor.installed();
        this.lag = monitor.newLag(log);
    }

    public Multiplexer multiplexer() {
        return mux;
    }

    /** Watches fd; handler is called with its ready ops. */
    public void register(int fd, int interest, Handler handler) throws IOException {
        register(fd, interest, handler, FD);
    }

    /** {@link #register}, naming what fd is (a constant such as "conn", "listen", "client") in lag warnings and the timeline. */
    public void register(int fd, int interest, Handler handler, String role) throws IOException {
        mux.register(fd, interest);
        handlers.put(fd, new Registration(handler, role));
    }

    /**
     * Watches fd like {@link #register}, and in each batch of ready fds dispatches it before
     * anything else, {@link #afterNextWait} tasks included: a file cache's inotify fd, drained
     * before the requests read in the batch before are served (see {@link #afterNextWait}).
     */
    public void registerFirst(int fd, int interest, Handler handler, String role) throws IOException {
        register(fd, interest, handler, role);
        firstFds = Arrays.copyOf(firstFds, firstFds.length + 1);
        firstFds[firstFds.length - 1] = fd;
    }

    /** Changes fd's interest; no syscall when it is already that. */
    public void setInterest(int fd, int interest) throws IOException {
        if (mux.interest(fd) != interest) mux.modify(fd, interest);
    }

    /** Stops watching fd and closes it (unregister first: epoll watches the file, not the number). */
    public void close(int fd) {
        if (mux.isRegistered(fd)) mux.unregister(fd);
        handlers.remove(fd);
        for (int i = 0; i < firstFds.length; i++) {
            if (firstFds[i] != fd) continue;
            firstFds[i] = firstFds[firstFds.length - 1];
            firstFds = Arrays.copyOf(firstFds, firstFds.length - 1);
            break;
        }
        if (fd >= closedInBatch.length) closedInBatch = Arrays.copyOf(closedInBatch, Math.max(fd + 1, closedInBatch.length * 2));
        if (fd >= 0) closedInBatch[fd] = batch;
        Fds.closeQuietly(fd);
    }

    public Timer schedule(long delayMillis, Runnable task) {
        return schedule(delayMillis, TimeUnit.MILLISECONDS, task);
    }

    /** Runs task once after delay, never before: the wait's timeout reaches the kernel in nanoseconds. */
    public Timer schedule(long delay, TimeUnit unit, Runnable task) {
        return add(task, unit.toNanos(delay), 0);
    }

    public Timer scheduleRepeating(long periodMillis, Runnable task) {
        return scheduleRepeating(periodMillis, TimeUnit.MILLISECONDS, task);
    }

    public Timer scheduleRepeating(long period, TimeUnit unit, Runnable task) {
        if (period <= 0) throw new IllegalArgumentException("period must be positive, not " + period);
        return add(task, unit.toNanos(period), unit.toNanos(period));
    }

    /** Longer than this (about 73 years) is "never": capped, so that the clock plus a delay cannot overflow into the past. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;

    private Timer add(Runnable task, long delayNanos, long periodNanos) {
        Timer t = new Timer(task, System.nanoTime() + Math.min(delayNanos, MAX_DELAY_NANOS),
                Math.min(periodNanos, MAX_DELAY_NANOS), timerSequence++);
        timers.add(t);
        return t;
    }

    /** Runs task on the loop's thread, soon. Any thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) mux.wakeup();
    }

    /**
     * Runs task after the next wait, once the fds registered with {@link #registerFirst} have been
     * dispatched, and before the other ready fds; the wait does not block while such a task is
     * pending. Loop thread only. Whatever was read in this batch is then older than that wait: a
     * file cache serves a request read now only after it, so that an inotify event queued before
     * the request arrived has been drained.
     */
    public void afterNextWait(Runnable task) {
        afterWait.add(task);
    }

    /** The batch of ready fds being dispatched now: it counts the waits. */
    public long batch() {
        return batch;
    }

    /** Makes run() return after the current iteration. Any thread. */
    public void stop() {
        stopping = true;
        mux.wakeup();
    }

    public MuxStats stats() {
        return mux.stats();
    }

    /** The stream layer counts the bytes it moves, so that a dispatch's slice says how many it moved. Loop thread. */
    public void countBytes(long n) {
        bytesMoved += n;
    }

    /** Records a counter's values on the timeline, if one is recorded (v2 for a series of two). Loop thread. */
    public void counter(Timeline.Series series, long v1, long v2) {
        if (ring != null) ring.counter(System.nanoTime(), series, v1, v2);
    }

    /** Records an instant on the timeline, if one is recorded: a refusal, an errno (0: none) on fd (-1: none). Loop thread. */
    public void mark(Timeline.Mark mark, int fd, int errno) {
        if (ring != null) ring.instant(System.nanoTime(), mark, fd, errno, 0);
    }

    /** Runs until stop(); may be called again after it returned. */
    public void run() throws IOException {
        thread = Thread.currentThread();
        startRecording();
        last = System.nanoTime();
        try {
            while (!stopping) {
                long turnStart = last;
                int n = mux.select(timeoutNanos(), TimeUnit.NANOSECONDS);
                long workStart = last = System.nanoTime();
                batch++;
                if (firstFds.length > 0)
                    for (int i = 0; i < n; i++) if (isFirst(mux.readyFd(i))) dispatch(mux.readyFd(i), mux.readyOps(i));
                if (!afterWait.isEmpty()) runAfterWait();
                for (int i = 0; i < n; i++) if (firstFds.length == 0 || !isFirst(mux.readyFd(i))) dispatch(mux.readyFd(i), mux.readyOps(i));
                runTimers();
                runTasks();
                lag.iteration(last - workStart);
                if (ring != null) endIteration(turnStart, n);
            }
            long turnStart = last;
            runTasks();
            if (ring != null && last != turnStart) endIteration(turnStart, 0);  // the last turn has no wait
        } finally {
            thread = null;
            stopping = false;  // so the loop can be run again; a stop() before run() still counts
        }
    }

    /** The first run() on a thread with a timeline recorded takes a track for it and listens to the waits. */
    private void startRecording() {
        Timeline timeline = monitor.timeline();
        if (timeline == null || ring != null) return;
        ring = timeline.ring(mux.backend().waitCall());
        mux.waitListener(ring);
        faultsOn = Faults.active() != null;
    }

    private void endIteration(long turnStart, int ready) {
        if (faultsOn) {
            long injected = ring.timeline.newFaults(Faults.injected());
            if (injected > 0) ring.instant(last, Timeline.FAULT, -1, 0, injected);
        }
        ring.iteration(turnStart, last, ready);
    }

    /** Closes the multiplexer (not the fds still registered: their owners close them). */
    @Override
    public void close() {
        mux.close();
    }

    private long timeoutNanos() {
        if (!tasks.isEmpty() || !afterWait.isEmpty()) return 0;
        Timer next = timers.peek();
        if (next == null) return -1;
        return Math.max(0, next.dueNanos - System.nanoTime());
    }

    private void runTimers() {
        if (timers.isEmpty()) return;  // the common case for a server: no clock read per iteration
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.dueNanos <= now) {
            timers.poll();
            if (t.cancelled) continue;
            timed(t.task, TimelineRing.TIMER, "timer");
            if (t.periodNanos > 0 && !t.cancelled) {
                t.dueNanos = Math.max(t.dueNanos + t.periodNanos, now);  // no burst to catch up after a stall
                timers.add(t);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) timed(task, TimelineRing.TASK, "task");
    }

    /** The tasks deferred before this wait; those they defer in turn wait for the next one. */
    private void runAfterWait() {
        ArrayDeque<Runnable> now = afterWait;
        afterWait = afterWaitRunning;
        afterWaitRunning = now;
        Runnable task;
        while ((task = now.poll()) != null) timed(task, TimelineRing.TASK, "task");
    }

    private boolean isFirst(int fd) {
        for (int first : firstFds) if (first == fd) return true;
        return false;
    }

    /** One ready entry, checked against what earlier handlers of the batch did. */
    private void dispatch(int fd, int ops) {
        if (fd < closedInBatch.length && closedInBatch[fd] == batch) return;  // closed (and maybe reused) in this batch
        Registration r = handlers.get(fd);
        int interest = mux.interest(fd);
        if (r == null || interest < 0) return;
        int current = ops & (interest | Multiplexer.ERROR | Multiplexer.HANGUP);
        if (current == 0) return;
        long bytesBefore = bytesMoved;
        guard(r.handler, fd, current);
        long now = System.nanoTime(), took = now - last;
        if (took > lag.notable) lag.held(took, r.role, fd, current);
        if (ring != null) ring.dispatch(last, now, fd, r.role, current, bytesMoved - bytesBefore);
        last = now;
    }

    /** A timer or task, timed like a handler. */
    private void timed(Runnable task, byte kind, String what) {
        guard(task);
        long now = System.nanoTime(), took = now - last;
        if (took > lag.notable) lag.held(took, what, -1, 0);
        if (ring != null) ring.job(kind, last, now, what);
        last = now;
    }

    private void guard(Handler h, int fd, int ops) {
        try {
            h.ready(fd, ops);
        } catch (Exception | Error e) {
            failed(e, "fd " + fd);
        }
    }

    private void guard(Runnable task) {
        try {
            task.run();
        } catch (Exception | Error e) {
            failed(e, "task");
        }
    }

    private void failed(Throwable e, String where) {
        if (e instanceof VirtualMachineError vm) throw vm;  // an exception in a handler is printed and the loop goes on
        log.println("muxkit: event loop " + where + ": " + e);
    }
}
