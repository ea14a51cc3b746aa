package io.muxkit.mux;

import java.io.IOException;

/**
 * One readiness multiplexer: select(2), poll(2) or epoll(7) behind the same calls.
 *
 * <p>Level-triggered: a ready fd is reported by every {@link #select} until it is drained.
 * epoll also takes {@link #EDGE} per registration (edge-triggered: reported once per change,
 * so the caller must read or write until EAGAIN).
 *
 * <p>Threads: {@link #wakeup()} may be called from any thread; everything else from one thread
 * at a time, and never while another thread is inside {@link #select} (an event loop hands such
 * changes to its own thread). The ready set belongs to the thread that called select.
 */
public interface Multiplexer extends AutoCloseable {
    /** Interest and readiness. */
    int READ = 1, WRITE = 2;
    /** Readiness only; reported whatever the interest. HANGUP: the peer closed (its side, or both). */
    int ERROR = 4, HANGUP = 8;
    /** Interest only, epoll only: edge-triggered. */
    int EDGE = 16;

    /** Opens the given backend; select's fd_set is {@link FdSetMode#STRICT}. */
    static Multiplexer open(Backend backend) throws IOException {
        return open(backend, FdSetMode.STRICT);
    }

    /** Opens the given backend; fdSetMode matters only to select. */
    static Multiplexer open(Backend backend, FdSetMode fdSetMode) throws IOException {
        switch (backend) {
            case SELECT: return new SelectMultiplexer(fdSetMode);
            case POLL: return new PollMultiplexer();
            case EPOLL: return new EpollMultiplexer();
            default: throw new AssertionError(backend);
        }
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

    /** Changes the interest of a registered fd. If the kernel refuses, the fd is no longer registered. */
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
     * @return how many fds are ready, read with {@link #readyFd} and {@link #readyOps}
     */
    int select(long timeoutMillis) throws IOException;

    /** The fd of the i-th ready entry of the last select, 0 <= i < its result. */
    int readyFd(int i);

    /** The ready bits of the i-th entry: READ and WRITE masked by interest, ERROR and HANGUP always. */
    int readyOps(int i);

    /** Makes the current or next select return at once. Any thread; never blocks; calls coalesce. */
    void wakeup();

    MuxStats stats();

    /** Releases the kernel objects and native memory. Idempotent; later calls but wakeup() fail. */
    @Override
    void close();
}
