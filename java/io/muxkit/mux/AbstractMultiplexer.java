package io.muxkit.mux;

import static io.muxkit.ffi.Native.POLLERR;
import static io.muxkit.ffi.Native.POLLHUP;
import static io.muxkit.ffi.Native.POLLIN;
import static io.muxkit.ffi.Native.POLLNVAL;
import static io.muxkit.ffi.Native.POLLOUT;
import static io.muxkit.ffi.Native.POLLPRI;
import static io.muxkit.ffi.Native.POLLRDHUP;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;

/**
 * The rules every backend shares, written once: argument checks, the fd -> interest table,
 * masking readiness by interest, one entry per fd in the ready set, the EINTR retry with the time
 * left, the eventfd wakeup, stats. A backend supplies four small operations: add, change, remove
 * and waitOnce; it makes every syscall through {@link #lib}, the shim or, when the multiplexer
 * was opened with a trace, a {@link TracedSyscalls} around it.
 */
abstract class AbstractMultiplexer implements Multiplexer {
    private static final int UNREGISTERED = -1;

    /** What one wait came back with. */
    protected enum Wait {
        /** The kernel reported entries, and each was passed to {@link #ready} (all may have been masked out, or stale). */
        READY,
        /** The time passed with nothing to report. */
        TIMED_OUT,
        /** Ended by a signal before anything was reported: the wait is made again for the time that is left. */
        INTERRUPTED
    }

    static {
        // loaded now rather than at the first select, which may come with every fd in use: from a
        // directory of classes, loading one opens a file (EMFILE, then NoClassDefFoundError)
        Wait.values();
    }

    private final Backend backend;
    private final boolean edgeSupported;
    /** interest by fd, UNREGISTERED where none; grown by doubling. */
    private int[] interests = filled(new int[64]);
    private int registered;

    /** by fd: its index in readyFds, when the entry there is this fd's (so a second report of an fd in one batch joins the first) */
    private int[] readySlot = new int[64];
    private int[] readyFds = new int[64];
    private int[] readyOps = new int[64];
    private int readyCount;
    private boolean woken;  // the last select was ended by wakeup()
    private int completed;  // completions for the caller (a completion ring's) the last wait brought

    protected final int wakeFd;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicLong wakeups = new AtomicLong();
    private final Object wakeLock = new Object();
    private volatile Thread waiter;
    private volatile boolean changing;
    private volatile boolean closed;

    /** Every syscall the multiplexer made; a backend counts those of its own operations. */
    protected long syscalls;
    private long waits, events, interrupts, blockedNanos;
    /** The shim, or a decorator of it that writes each call down: chosen once, when the multiplexer opens. */
    protected final MuxSyscalls lib;
    /** Told of each wait; null (the usual case) costs one check per wait. */
    private WaitListener waitListener;
    /** lib when it is that decorator (fds' roles are named there), else null. */
    private final TracedSyscalls traced;

    protected AbstractMultiplexer(Backend backend, boolean edgeSupported, MuxSyscalls lib) throws IOException {
        this.backend = backend;
        this.edgeSupported = edgeSupported;
        this.lib = lib;
        this.traced = lib instanceof TracedSyscalls t ? t : null;
        this.wakeFd = Native.check(lib.mk_eventfd(0, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC), "eventfd", -1);
        syscalls++;
    }

    // ---- what a backend supplies ----

    /** Starts watching fd in the kernel or in the backend's own tables; a closed fd fails here (EBADF). */
    protected abstract void add(int fd, int interest) throws IOException;
    /** Changes a registered fd's interest; where the kernel is not asked now, a closed fd is reported by the next wait as ERROR. */
    protected abstract void change(int fd, int interest) throws IOException;
    /** Stops watching fd; must not fail for an fd that was closed meanwhile. */
    protected abstract void remove(int fd);
    /**
     * One wait, timeoutNanos -1 forever, 0 not at all, that passes each entry the kernel reports to
     * {@link #ready} and counts its syscalls. A failure other than EINTR is thrown.
     */
    protected abstract Wait waitOnce(long timeoutNanos) throws IOException;
    /** Releases the backend's kernel objects and memory. */
    protected abstract void release();

    /** poll(2)'s revents (or epoll's events, the same bits) in Multiplexer terms. */
    protected static int readyOpsOf(int events) {
        return ((events & (POLLIN | POLLPRI)) != 0 ? READ : 0)
                | ((events & POLLOUT) != 0 ? WRITE : 0)
                | ((events & (POLLERR | POLLNVAL)) != 0 ? ERROR : 0)
                | ((events & (POLLHUP | POLLRDHUP)) != 0 ? HANGUP : 0);
    }

    /** Interest as poll(2) events (epoll's are the same bits). POLLRDHUP only with READ: a peer's half-close matters to a reader, and would spin a writer. */
    protected static int eventsOf(int interest) {
        return ((interest & READ) != 0 ? POLLIN | POLLRDHUP : 0) | ((interest & WRITE) != 0 ? POLLOUT : 0);
    }

    /** Requests handed to the kernel in batches (io_uring's SQEs); none on the other backends. */
    protected long submissions() {
        return 0;
    }

    /** Completions the last wait read (io_uring's CQEs), or -1 on a backend without them. */
    protected int lastCompletions() {
        return -1;
    }

    /** A wait that returned -errno: INTERRUPTED for EINTR, else thrown as call's failure. */
    protected static Wait failedWait(int rc, String call) throws NativeIOException {
        if (rc == -Native.EINTR) return Wait.INTERRUPTED;
        throw new NativeIOException(call, -1, -rc);
    }

    // ---- registration ----

    @Override
    public final Backend backend() {
        return backend;
    }

    @Override
    public final void register(int fd, int interest) throws IOException {
        checkUsable(fd, interest);
        beginChange();
        try {
            if (isRegistered(fd))
                throw new IllegalStateException("fd " + fd + " is already registered; use modify()");
            add(fd, interest);
            if (fd >= interests.length) {
                interests = filled(Arrays.copyOf(interests, Math.max(fd + 1, interests.length * 2)), interests.length);
                readySlot = Arrays.copyOf(readySlot, interests.length);
            }
            interests[fd] = interest;
            registered++;
        } finally {
            changing = false;
        }
    }

    @Override
    public final void modify(int fd, int interest) throws IOException {
        checkUsable(fd, interest);
        beginChange();
        try {
            requireRegistered(fd);
            change(fd, interest);
            interests[fd] = interest;
        } catch (IOException | RuntimeException e) {
            // the kernel and our table could now disagree: drop the fd rather than keep a stale key
            if (isRegistered(fd)) {
                forget(fd);
                remove(fd);
            }
            throw e;
        } finally {
            changing = false;
        }
    }

    @Override
    public final void unregister(int fd) {
        checkOpen();
        beginChange();
        try {
            requireRegistered(fd);
            forget(fd);
            remove(fd);
            if (traced != null) traced.role(fd, null);  // its number may be reused
        } finally {
            changing = false;
        }
    }

    @Override
    public final void describe(int fd, String role) {
        if (traced != null) traced.role(fd, role);
    }

    @Override
    public final void waitListener(WaitListener listener) {
        this.waitListener = listener;
    }

    @Override
    public final boolean tracing() {
        return traced != null;
    }

    /**
     * Claims the registration tables, or throws if another thread is inside select(). With
     * select's side (waiter set, then changing read) this is Dekker's handshake on two volatiles:
     * either the change sees the waiter and is refused, or the wait sees the change and lets it end
     * before it reads the tables (uring's queued requests are such a table).
     */
    private void beginChange() {
        changing = true;
        Thread w = waiter;
        if (w != null && w != Thread.currentThread()) {
            changing = false;
            throw new IllegalStateException("registration changed while thread '" + w.getName()
                    + "' is inside select(): make changes on that thread (an event loop's execute())");
        }
    }

    @Override
    public final boolean isRegistered(int fd) {
        return fd >= 0 && fd < interests.length && interests[fd] != UNREGISTERED;
    }

    @Override
    public final int registeredCount() {
        return registered;
    }

    @Override
    public final int interest(int fd) {
        return isRegistered(fd) ? interests[fd] : UNREGISTERED;
    }

    /** Backends whose kernel call takes any number (select, poll, uring) check at register that it is an open fd (one fcntl). */
    protected final void requireOpenFd(int fd, String call) throws NativeIOException {
        Native.check(fdFlags(fd), call, fd);
    }

    protected final boolean isOpen(int fd) {
        return fdFlags(fd) >= 0;
    }

    private int fdFlags(int fd) {
        syscalls++;
        return lib.mk_fd_flags(fd);
    }

    /** Highest fd registered (or the wakeup fd), scanning down from `from`. */
    protected final int highestFd(int from) {
        for (int fd = Math.min(from, interests.length - 1); fd >= 0; fd--)
            if (interests[fd] != UNREGISTERED || fd == wakeFd) return fd;
        return wakeFd;
    }

    private void forget(int fd) {
        interests[fd] = UNREGISTERED;
        registered--;
    }

    private void checkUsable(int fd, int interest) {
        checkOpen();
        if (fd < 0)
            throw new IllegalArgumentException("fd must be >= 0, not " + fd);
        if (fd == wakeFd)
            throw new IllegalArgumentException("fd " + fd + " is this multiplexer's own wakeup eventfd");
        int allowed = READ | WRITE | (edgeSupported ? EDGE : 0);
        if ((interest & ~allowed) != 0) {
            throw new IllegalArgumentException((interest & EDGE) != 0 && !edgeSupported
                    ? "EDGE (edge-triggered) needs the epoll or uring backend, not " + backend.id()
                    : "unknown interest bits 0x" + Integer.toHexString(interest & ~allowed)
                      + " for fd " + fd + ": use READ, WRITE" + (edgeSupported ? ", EDGE" : ""));
        }
    }

    private void requireRegistered(int fd) {
        if (!isRegistered(fd))
            throw new IllegalStateException("fd " + fd + " is not registered");
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(backend.id() + " multiplexer is closed");
    }

    // ---- waiting ----

    @Override
    public final int select(long timeoutMillis) throws IOException {
        return select(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public final int select(long timeout, TimeUnit unit) throws IOException {
        checkOpen();
        if (timeout < -1)
            throw new IllegalArgumentException("timeout must be -1 (forever), 0 (no wait) or positive, not " + timeout);
        long nanos = timeout == -1 ? -1 : Math.min(unit.toNanos(timeout), Long.MAX_VALUE / 4);  // a deadline that cannot overflow
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        readyCount = 0;
        woken = false;
        completed = 0;
        waiter = Thread.currentThread();
        while (changing) Thread.onSpinWait();  // a change that began before we came in ends first
        try {
            while (true) {
                Wait w;
                WaitListener listener = waitListener;
                if (nanos == 0 && listener == null) {
                    w = waitOnce(0);  // cannot block: not timed, which keeps the busiest path to one crossing
                } else {
                    int before = readyCount + completed;
                    long submittedBefore = listener != null ? submissions() : 0, start = System.nanoTime();
                    w = waitOnce(nanos);
                    long end = System.nanoTime();
                    if (nanos != 0) blockedNanos += end - start;
                    if (listener != null)
                        listener.waited(start, end, nanos, readyCount + completed - before, registered, submissions() - submittedBefore, lastCompletions());
                }
                waits++;
                if (w == Wait.INTERRUPTED) interrupts++;
                else if (readyCount > 0 || woken || completed > 0 || nanos == 0 || w == Wait.TIMED_OUT) break;
                // interrupted, or all the kernel reported was masked out or stale (not a reason to
                // return early): wait again for the time that is left
                if (nanos > 0 && (nanos = deadline - System.nanoTime()) <= 0) {
                    if (w != Wait.INTERRUPTED) break;
                    nanos = 0;  // the interrupted wait reported nothing: one last look, without waiting
                }
            }
        } finally {
            waiter = null;
        }
        events += readyCount;
        return readyCount;
    }

    /**
     * Called by waitOnce for each entry the kernel reported, with bits already in Multiplexer terms.
     * An fd reported twice in one batch (two completions of uring's multishot poll) keeps one entry,
     * with the ops of both.
     */
    protected final void ready(int fd, int ops) {
        if (fd == wakeFd) {
            drainWakeup();
            return;
        }
        if (!isRegistered(fd)) return;
        int masked = (ops & interests[fd] & (READ | WRITE)) | (ops & (ERROR | HANGUP));
        if (masked == 0) return;
        int slot = readySlot[fd];
        if (slot < readyCount && readyFds[slot] == fd) {
            readyOps[slot] |= masked;
            return;
        }
        if (readyCount == readyFds.length) {
            readyFds = Arrays.copyOf(readyFds, readyCount * 2);
            readyOps = Arrays.copyOf(readyOps, readyCount * 2);
        }
        readySlot[fd] = readyCount;
        readyFds[readyCount] = fd;
        readyOps[readyCount] = masked;
        readyCount++;
    }

    /**
     * Called by waitOnce for each thing the kernel reported for the caller other than readiness (a
     * completion ring's completions): select returns, as after a wakeup, even with no fd ready, and
     * a wait listener counts them with the ready entries.
     */
    protected final void completionArrived() {
        completed++;
    }

    @Override
    public final int readyFd(int i) {
        return readyFds[Objects.checkIndex(i, readyCount)];
    }

    @Override
    public final int readyOps(int i) {
        return readyOps[Objects.checkIndex(i, readyCount)];
    }

    @Override
    public final void wakeup() {
        if (closed || !wakeupPending.compareAndSet(false, true)) return;
        wakeups.incrementAndGet();
        // the lock keeps close() from freeing the eventfd's number between the check and the write,
        // which would write into whatever file took the number; held only for one nonblocking write
        synchronized (wakeLock) {
            if (closed) return;
            lib.mk_eventfd_write(wakeFd, 1);  // cannot fill: the counter is drained at each wake
        }
    }

    private void drainWakeup() {
        woken = true;
        // read, then clear: cleared first, a wakeup() in between would write a count this read then
        // swallowed, leaving the flag set with nothing to wake on, and every later wakeup() a no-op.
        // This way a wakeup() in between finds the flag still set and is part of this wake.
        lib.mk_eventfd_read(wakeFd);
        wakeupPending.set(false);
        syscalls++;
    }

    @Override
    public final MuxStats stats() {
        return new MuxStats(backend, registered, waits, syscalls + wakeups.get(), submissions(), events, interrupts,
                wakeups.get(), blockedNanos);
    }

    /**
     * Releases everything at once (kernel objects, native memory). Refused while another thread
     * is inside select(), which would then wait on freed memory: wake it and close on its thread.
     */
    @Override
    public final void close() {
        if (closed) return;
        Thread w = waiter;
        if (w != null && w != Thread.currentThread())
            throw new IllegalStateException("close() while thread '" + w.getName() + "' is inside select(): "
                    + "wakeup() it and close on that thread");
        closed = true;
        release();
        closeWakeFd();
    }

    /** Closes the wakeup eventfd; for close(), and for a backend's constructor that fails after super(). */
    protected final void closeWakeFd() {
        synchronized (wakeLock) {
            lib.mk_close(wakeFd);
        }
    }

    @Override
    public String toString() {
        return backend.id() + " multiplexer (" + registered + " fds" + (closed ? ", closed" : "") + ")";
    }

    private static int[] filled(int[] a) {
        return filled(a, 0);
    }

    private static int[] filled(int[] a, int from) {
        Arrays.fill(a, from, a.length, UNREGISTERED);
        return a;
    }
}
