package io.muxkit.mux;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ring.Ring;
import io.muxkit.ring.RingSetup;

/**
 * One readiness multiplexer: select(2), poll(2), epoll(7) or io_uring's poll requests behind the same calls. Register fds
 * with an interest, call {@link #select} to wait until some are ready, then read the ready set
 * by index with {@link #readyFd} and {@link #readyOps} (no allocation per event).
 *
 * <pre>{@code
 * try (Multiplexer mux = Multiplexer.open(Backend.EPOLL)) {
 *     mux.register(fd, Multiplexer.READ);
 *     int n = mux.select(1000);               // -1 waits forever, 0 does not wait
 *     for (int i = 0; i < n; i++) {
 *         int ready = mux.readyFd(i), ops = mux.readyOps(i);
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <h2>Readiness</h2>
 * Level-triggered by default: a ready fd is reported by every {@link #select} until it is
 * drained. {@link #READ} and {@link #WRITE} are reported only when asked for; {@link #ERROR} and
 * {@link #HANGUP} are reported whatever the interest (select cannot tell a hangup from
 * readability: there a closed peer shows as READ and a read returns 0). One select reports each
 * fd at most once: where the kernel reports an fd twice in one wait (two completions of uring's
 * multishot EDGE poll), the entries are merged into one, with the ops of both.
 *
 * <h2>A closed fd still registered</h2>
 * It is reported where the kernel reports it. register checks the fd on every backend and fails
 * with EBADF. A modify of a closed fd on epoll fails at once (epoll_ctl's EBADF) and the fd is no
 * longer registered; on select, poll and uring a modify changes memory only, and the next select
 * reports the fd as {@link #ERROR} (select's EBADF, poll's POLLNVAL, the poll request's EBADF),
 * at every select until it is unregistered. Closed with no modify, the fd is reported the same way
 * by select and poll; epoll drops the closed file from its set by itself (when no other fd refers
 * to it) and reports nothing; uring's poll already in the kernel holds the file open and reports
 * nothing either (see below: unregister before close), one not yet submitted reports ERROR.
 *
 * <h2>What the caller must do</h2>
 * <ul>
 * <li><b>Unregister before close.</b> epoll watches the open file, not the number: a closed fd
 *     whose file is still open elsewhere (dup, fork) stays in the kernel's set, and a new fd
 *     that reuses the number is not registered. uring's poll request holds the file open: until
 *     it is unregistered, closing the fd does not close the file (the peer sees no FIN).
 *     {@link #unregister} works after close too, but only before close is it exact on every
 *     backend.</li>
 * <li><b>Treat readiness as a hint.</b> An fd reported ready may still give EAGAIN
 *     ({@link io.muxkit.ffi.Native#AGAIN}) when read or written: handle it every time. A
 *     {@link #wakeup()} makes select return with nothing ready.</li>
 * <li><b>With {@link #EDGE}, drain.</b> Edge-triggered registrations (epoll and uring) report a change
 *     once: read or write until EAGAIN, or no further event comes for what is left.</li>
 * <li><b>One thread at a time.</b> {@link #wakeup()} may be called from any thread. Everything
 *     else belongs to one thread at a time, and registrations must not change while another
 *     thread is inside {@link #select} (that throws IllegalStateException: an event loop hands
 *     such changes to its own thread). The ready set belongs to the thread that called select
 *     and is valid until its next select.</li>
 * <li><b>Only fds that can block.</b> Regular files are always ready for select and poll, and
 *     epoll refuses them (EPERM): read files directly, never through a multiplexer.</li>
 * <li><b>Close it.</b> {@link #close()} releases the kernel objects and native memory; it is
 *     idempotent, and every call after it but wakeup() throws IllegalStateException.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * select watches only fds below FD_SETSIZE (1024) unless opened with {@link FdSetMode#DYNAMIC};
 * poll, epoll and uring are limited by RLIMIT_NOFILE, epoll also by max_user_watches.
 *
 * <h2>What a call costs</h2>
 * register checks the fd with one fcntl on select, poll and uring, and is one epoll_ctl on epoll.
 * modify is one epoll_ctl on epoll and no syscall elsewhere: select and poll change their arrays,
 * uring queues a request that goes in with the next select. unregister is one epoll_ctl on epoll,
 * no syscall on select and poll, and on uring, for a poll already in the kernel, one io_uring_enter
 * that submits its cancellation at once (the request holds the file: close() right after must
 * really close it). A failed syscall throws {@link io.muxkit.ffi.NativeIOException} naming the
 * call, the fd and the errno.
 */
public interface Multiplexer extends AutoCloseable {
    /** Interest and readiness. */
    int READ = 1, WRITE = 2;
    /** Readiness only; reported whatever the interest. HANGUP: the peer closed (its side, or both). */
    int ERROR = 4, HANGUP = 8;
    /** Interest only, epoll and uring: edge-triggered (uring: a multishot poll). */
    int EDGE = 16;

    /** Opens the given backend; select's fd_set is {@link FdSetMode#STRICT}. */
    static Multiplexer open(Backend backend) throws IOException {
        return open(backend, FdSetMode.STRICT);
    }

    /** Opens the given backend; fdSetMode matters only to select. */
    static Multiplexer open(Backend backend, FdSetMode fdSetMode) throws IOException {
        return open(backend, fdSetMode, null);
    }

    /** Opens the given backend, writing each syscall it makes to trace (null: no trace). */
    static Multiplexer open(Backend backend, FdSetMode fdSetMode, SyscallTrace trace) throws IOException {
        MuxSyscalls lib = TracedSyscalls.of(trace);  // the one place tracing is chosen
        switch (backend) {
            case SELECT: return new SelectMultiplexer(fdSetMode, lib);
            case POLL: return new PollMultiplexer(lib);
            case EPOLL: return new EpollMultiplexer(lib);
            case URING: return new UringMultiplexer(256, 4096, lib);
            default: throw new AssertionError(backend);
        }
    }

    /**
     * A completion ring ({@link Ring#completion}) whose syscalls are written to trace (null: none),
     * as a multiplexer's are: what an event loop on the completion path runs on, with {@link #on}.
     */
    static Ring openRing(RingSetup setup, SyscallTrace trace) throws IOException {
        return Ring.completion(TracedSyscalls.of(trace), setup);
    }

    /**
     * Readiness through the poll requests of a completion ring, beside its other requests, for the
     * fds that still need it (an event loop's wakeup, an inotify fd): its select is the ring's one
     * io_uring_enter a turn, and returns when any completion came, the ring's to read. Closing the
     * multiplexer closes the ring.
     */
    static Multiplexer on(Ring ring) throws IOException {
        return new UringMultiplexer(ring, ring.syscalls());
    }

    Backend backend();

    /**
     * Starts watching fd for interest (READ, WRITE, both, or 0 for errors and hangups only).
     *
     * @throws IllegalArgumentException a negative fd or unknown interest bits
     * @throws IllegalStateException the fd is registered already, or this multiplexer is closed
     * @throws FdLimitException the backend cannot hold this fd (select: fd >= FD_SETSIZE)
     * @throws io.muxkit.ffi.NativeIOException the kernel refused (EBADF for a closed fd, EPERM for a
     *         regular file under epoll, ENOSPC past max_user_watches, ...)
     */
    void register(int fd, int interest) throws IOException;

    /**
     * Changes the interest of a registered fd. If the kernel refuses, the fd is no longer registered.
     *
     * @throws IllegalArgumentException a negative fd or unknown interest bits
     * @throws IllegalStateException the fd is not registered, this multiplexer is closed, or another
     *         thread is inside {@link #select}
     * @throws io.muxkit.ffi.NativeIOException epoll only, the kernel refused (EBADF for a closed fd,
     *         ENOMEM); select, poll and uring make no syscall here, and report a closed fd at the
     *         next select as {@link #ERROR}
     */
    void modify(int fd, int interest) throws IOException;

    /** Stops watching fd. Works after the fd was closed (but close after unregister: epoll watches the open file, not the number). */
    void unregister(int fd);

    boolean isRegistered(int fd);

    /** The interest fd is registered with, or -1 when it is not registered. */
    int interest(int fd);

    /** How many fds are registered (not counting the internal wakeup fd). */
    int registeredCount();

    /**
     * Waits until a registered fd is ready, {@link #wakeup()} is called, or the timeout passes.
     * An interrupted wait (EINTR) is retried with the time that is left.
     *
     * @param timeoutMillis -1 waits forever, 0 does not wait
     * @return how many fds are ready, read with {@link #readyFd} and {@link #readyOps}; each fd at most once
     */
    int select(long timeoutMillis) throws IOException;

    /**
     * {@link #select(long)} with a timeout in any unit, carried to the kernel at its own precision
     * (pselect's and ppoll's timespec, epoll_pwait2, io_uring's timespec): a 200 µs wait is not
     * rounded up to a millisecond. Never returns early unless something is ready or woken.
     *
     * @param timeout -1 waits forever (whatever the unit), 0 does not wait
     */
    int select(long timeout, TimeUnit unit) throws IOException;

    /** The fd of the i-th ready entry of the last select, {@code 0 <= i < } its result. */
    int readyFd(int i);

    /** The ready bits of the i-th entry: READ and WRITE masked by interest, ERROR and HANGUP always. */
    int readyOps(int i);

    /** Makes the current or next select return at once. Any thread; never blocks; calls coalesce. */
    void wakeup();

    MuxStats stats();

    /** Names fd's role in a syscall trace ("listen :9000", "conn 127.0.0.1:51234"); nothing without one. */
    default void describe(int fd, String role) {}

    /** Tells listener of each wait syscall from now on (null: no one). Call on the thread that waits. */
    void waitListener(WaitListener listener);

    /** Whether syscalls are traced: callers name roles only then (a peer's address costs a syscall). */
    default boolean tracing() {
        return false;
    }

    /** Releases the kernel objects and native memory. Idempotent; later calls but wakeup() fail. */
    @Override
    void close();
}
