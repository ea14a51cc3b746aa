package io.muxkit.ffi;

/**
 * The part of the shim a multiplexer calls, and all it may call: its wait, its registration calls,
 * its wakeup eventfd, and the fd check and close of its own fds. A multiplexer holds one of these,
 * the shim itself ({@link Native#muxSyscalls()}) or a decorator around it that writes each call down (io.muxkit.mux's
 * syscall trace), chosen once when it opens: so every syscall it makes is traced or none is.
 * Bitmap helpers (mk_fdset_*) and mk_uring_size are no syscalls; they are here because select and
 * uring need them too. Memory goes in as a native address ({@link NativeBuffer#address()}), so the
 * interface names no binding's types.
 */
public interface MuxSyscalls {
    int mk_fdset_bytes(int nfds);
    int mk_fdset_add(long set, int bytes, int fd);
    int mk_fdset_remove(long set, int bytes, int fd);
    int mk_select(int nfds, long readfds, long writefds, long timeoutNanos);
    int mk_fdset_ready(long readfds, long writefds, int nfds, long fds, long ops, int max);

    int mk_poll(long pollfds, int nfds, long timeoutNanos);

    int mk_epoll_create1(int flags);
    int mk_epoll_ctl(int epfd, int op, int fd, int events);
    int mk_epoll_wait(int epfd, long events, int max, long timeoutNanos);

    long mk_uring_size();
    int mk_uring_init(long ring, int entries, int cqEntries);
    int mk_uring_init_completion(long ring, int entries, int cqEntries);
    int mk_uring_buffers(long ring, long ringMemory, int entries, int group, long base, int size);
    void mk_uring_exit(long ring);
    int mk_uring_submit(long ring, long ops, int nops);
    int mk_uring_wait(long ring, long ops, int nops, long timeoutNanos, long cqes, int max);

    int mk_eventfd(int initval, int flags);
    int mk_eventfd_write(int fd, long value);
    long mk_eventfd_read(int fd);
    int mk_fd_flags(int fd);
    int mk_close(int fd);
}
