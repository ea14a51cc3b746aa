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
import io.muxkit.ring.Ring;

/**
 * One thread's loop over one Multiplexer: fd -> handler found by array index, one-shot and
 * repeating timers, tasks handed in from other threads with one coalesced wakeup, and stop().
 * Everything but {@link #execute} and {@link #stop} is for the loop's own thread.
 *
 * <p>A loop opened on a completion {@link Ring} waits with the ring's one io_uring_enter a turn
 * and also hands out the ring's completions: an fd {@link #attach}ed with a {@link Completion}
 * has no readiness watched; its requests carry a tag in their user_data, each completion goes to
 * the Completion of that tag, and the ops it returns go to the fd's handler, as readiness would.
 * An fd's handler never sees a completion of a request made for an earlier fd of the same number:
 * completions are routed by tag, and a tag is reused only once its owner {@link #detach}es it,
 * after its last completion.
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
    private final Ring ring;  // null on a readiness loop
    private final FdTable<Registration> handlers = new FdTable<>();
    private final Attached attached = new Attached();  // the completion side: fds attached to the ring, by tag
    private long completionsHandled;
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
    private TimelineRing track;
    private boolean faultsOn;
    /** When the last handler, timer or task ended (or the wait returned): where the next one began. */
    private long last;
    private long bytesMoved;

    /** A handler and what its fd is, for the lag figures and the timeline ("conn", "listen", ...); tag: -1, or the fd is attached. */
    record Registration(Handler handler, String role, int tag) {}

    /** The role of an fd registered without one. */
    public static final String FD = "fd";

    /** A loop over mux whose handler failures are reported on System.err. */
    public EventLoop(Multiplexer mux) {
        this(mux, System.err);
    }

    /** A loop over mux; an exception a handler or task throws is reported on log and the loop goes on. */
    public EventLoop(Multiplexer mux, PrintStream log) {
        this(mux, null, log);
    }

    /** A loop on a completion ring, whose readiness (the wakeup, fds registered) is poll requests on the same ring. */
    public EventLoop(Ring ring, PrintStream log) throws IOException {
        this(openOn(ring), ring, log);
    }

    private EventLoop(Multiplexer mux, Ring ring, PrintStream log) {
        this.mux = mux;
        this.ring = ring;
        this.log = log;
        this.monitor = LoopMonitor.installed();
        this.lag = monitor.newLag(log);
    }

    private static Multiplexer openOn(Ring ring) throws IOException {
        try {
            return Multiplexer.on(ring);
        } catch (IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    public Multiplexer multiplexer() {
        return mux;
    }

    /** The completion ring this loop waits on, or null on a readiness loop. */
    public Ring ring() {
        return ring;
    }

    /** What the owner of an attached fd's requests does with their completions, on the loop's thread. */
    public interface Completion {
        /**
         * A completion of one of this owner's requests, as the kernel gave it (see {@link Ring}):
         * the ops to hand the fd's handler now (READ, WRITE, ERROR, HANGUP), 0 for none.
         */
        int completed(int kind, int result, int flags);

        /** A dispatch this owner {@link #raise}d is due: the ops to hand the handler, 0 when none is wanted now. */
        int raised();
    }

    /** Watches fd; handler is called with its ready ops. */
    public void register(int fd, int interest, Handler handler) throws IOException {
        register(fd, interest, handler, FD);
    }

    /** {@link #register}, naming what fd is (a constant such as "conn", "listen", "client") in lag warnings and the timeline. */
    public void register(int fd, int interest, Handler handler, String role) throws IOException {
        mux.register(fd, interest);
        handlers.put(fd, new Registration(handler, role, -1));
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

    /**
     * Makes fd's I/O go through the ring (no readiness is watched for it: a registration, such as
     * a connect's wait for WRITE, ends here): handler is called with the ops completion returns
     * for each completion of a request whose user_data carries the tag returned here
     * ({@link Ring#userData}). Completion-ring loops only.
     */
    public int attach(int fd, Completion completion, Handler handler, String role) {
        if (ring == null) throw new IllegalStateException("a readiness loop has no ring to attach fd " + fd + " to");
        if (mux.isRegistered(fd)) mux.unregister(fd);
        Registration r = attached.attach(fd, completion, handler, role);
        handlers.put(fd, r);
        return r.tag();
    }

    /** The owner of tag has no request in flight any more (its last completion came): the tag may be given out again. */
    public void detach(int tag) {
        attached.detach(tag);
    }

    /**
     * Completions handed out (and dispatches raised that did something), each timed as a dispatch:
     * on a completion loop, what readiness events are elsewhere. A snapshot from another thread.
     */
    public long completionsHandled() {
        return completionsHandled;
    }

    /**
     * Asks for the Completion of tag to be {@link Completion#raised} after the next wait, which
     * then does not block: for what the kernel will not report again (bytes a handler left unread,
     * a socket that may take more), as readiness reports a level again. Once until then.
     */
    public void raise(int tag) {
        attached.raise(tag);
    }

    /**
     * Stops watching fd and closes it (unregister first: epoll watches the file, not the number).
     * An attached fd is closed by the ring, after every request on it is cancelled, with the next
     * wait; its owner hears of their last completions, and then detaches.
     */
    public void close(int fd) {
        if (mux.isRegistered(fd)) mux.unregister(fd);
        Registration r = handlers.get(fd);
        handlers.remove(fd);
        if (r != null && r.tag >= 0) {
            ring.cancelAndClose(fd);
            markClosed(fd);
            return;
        }
        for (int i = 0; i < firstFds.length; i++) {
            if (firstFds[i] != fd) continue;
            firstFds[i] = firstFds[firstFds.length - 1];
            firstFds = Arrays.copyOf(firstFds, firstFds.length - 1);
            break;
        }
        markClosed(fd);
        Fds.closeQuietly(fd);
    }

    private void markClosed(int fd) {
        if (fd >= closedInBatch.length) closedInBatch = Arrays.copyOf(closedInBatch, Math.max(fd + 1, closedInBatch.length * 2));
        if (fd >= 0) closedInBatch[fd] = batch;
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
        if (track != null) track.counter(System.nanoTime(), series, v1, v2);
    }

    /** Records an instant on the timeline, if one is recorded: a refusal, an errno (0: none) on fd (-1: none). Loop thread. */
    public void mark(Timeline.Mark mark, int fd, int errno) {
        if (track != null) track.instant(System.nanoTime(), mark, fd, errno, 0);
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
                if (ring != null) {
                    if (attached.anyRaised()) runRaised();
                    dispatchCompletions();
                }
                runTimers();
                runTasks();
                lag.iteration(last - workStart);
                if (track != null) endIteration(turnStart, n);
            }
            long turnStart = last;
            runTasks();
            if (track != null && last != turnStart) endIteration(turnStart, 0);  // the last turn has no wait
        } finally {
            thread = null;
            stopping = false;  // so the loop can be run again; a stop() before run() still counts
        }
    }

    /** The first run() on a thread with a timeline recorded takes a track for it and listens to the waits. */
    private void startRecording() {
        Timeline timeline = monitor.timeline();
        if (timeline == null || track != null) return;
        track = timeline.ring(mux.backend().waitCall());
        mux.waitListener(track);
        faultsOn = Faults.active() != null;
    }

    private void endIteration(long turnStart, int ready) {
        if (faultsOn) {
            long injected = track.timeline.newFaults(Faults.injected());
            if (injected > 0) track.instant(last, Timeline.FAULT, -1, 0, injected);
        }
        track.iteration(turnStart, last, ready);
    }

    /** Closes the multiplexer (not the fds still registered: their owners close them). */
    @Override
    public void close() {
        mux.close();
    }

    private long timeoutNanos() {
        if (!tasks.isEmpty() || !afterWait.isEmpty() || attached.anyRaised()) return 0;
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
        if (r.tag >= 0) {  // an attached fd's owner asked for its readiness (a socket a sendfile found full)
            handOver(r.tag, complete(r.tag, Ring.POLL, current, 0), current, bytesBefore, true);
            return;
        }
        guard(r.handler, fd, current);
        long now = System.nanoTime(), took = now - last;
        if (took > lag.notable) lag.held(took, r.role, fd, current);
        if (track != null) track.dispatch(last, now, fd, r.role, current, bytesMoved - bytesBefore);
        last = now;
    }

    // ---- the completion side ----

    /** Each completion of the last wait goes to the owner of its tag; polls are the multiplexer's, acknowledgements nobody's. */
    private void dispatchCompletions() {
        int n = ring.completions();
        for (int i = 0; i < n; i++) {
            long userData = ring.userData(i);
            int kind = Ring.kind(userData);
            if (kind <= 0) continue;
            int tag = Ring.tag(userData);
            if (attached.owner(tag) == null) continue;
            long bytesBefore = bytesMoved;
            int ops = complete(tag, kind, ring.result(i), ring.flags(i));
            handOver(tag, ops, kind == Ring.SEND ? Multiplexer.WRITE : Multiplexer.READ, bytesBefore, true);
        }
    }

    /** The dispatches raised in the last turn; those raised now wait for the next. */
    private void runRaised() {
        int count = attached.takeRaised();
        for (int i = 0; i < count; i++) {
            int tag = attached.raisedTag(i);
            Completion owner = attached.owner(tag);
            if (owner == null) continue;
            long bytesBefore = bytesMoved;
            int ops;
            try {
                ops = owner.raised();
            } catch (Exception | Error e) {
                failed(e, "fd " + attached.fd(tag));
                ops = 0;
            }
            if (ops != 0) handOver(tag, ops, ops, bytesBefore, false);
        }
    }

    private int complete(int tag, int kind, int result, int flags) {
        try {
            return attached.owner(tag).completed(kind, result, flags);
        } catch (Exception | Error e) {
            failed(e, "fd " + attached.fd(tag));
            return 0;
        }
    }

    /**
     * The ops an owner returned go to its fd's handler, if the fd is still the one it was attached
     * as; the whole is timed as a dispatch (shown with what the completion was, when no ops went on).
     */
    private void handOver(int tag, int ops, int shownOps, long bytesBefore, boolean always) {
        int fd = attached.fd(tag);
        Registration r = attached.registration(tag);
        if (ops != 0 && r != null && handlers.get(fd) == r) guard(r.handler, fd, ops);
        if (!always && ops == 0) return;
        completionsHandled++;
        long now = System.nanoTime(), took = now - last;
        String role = r != null ? r.role : "closed";
        if (took > lag.notable) lag.held(took, role, fd, ops != 0 ? ops : shownOps);
        if (track != null) track.dispatch(last, now, fd, role, ops != 0 ? ops : shownOps, bytesMoved - bytesBefore);
        last = now;
    }

    /**
     * On the loop's thread, once attached fds were closed (a server shutting down): waits, up to
     * maxMillis, for the last completions of their requests, handing each to its owner, until no
     * tag is attached; then the memory those requests used may be freed.
     */
    public void settle(long maxMillis) throws IOException {
        if (ring == null) return;
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        while (attached.count() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            mux.select(Math.min(left, 50_000_000), TimeUnit.NANOSECONDS);
            batch++;
            dispatchCompletions();
        }
    }

    /** A timer or task, timed like a handler. */
    private void timed(Runnable task, byte kind, String what) {
        guard(task);
        long now = System.nanoTime(), took = now - last;
        if (took > lag.notable) lag.held(took, what, -1, 0);
        if (track != null) track.job(kind, last, now, what);
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
