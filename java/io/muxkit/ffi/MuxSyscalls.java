package io.muxkit.ffi;

import jnr.ffi.annotations.IgnoreError;

/**
 * The part of the shim a multiplexer calls, and all it may call: its wait, its registration calls,
 * its wakeup eventfd, and the fd check and close of its own fds. A multiplexer holds one of these,
 * {@link Native#LIB} itself or a decorator around it that writes each call down (io.muxkit.mux's
 * syscall trace), chosen once when it opens: so every syscall it makes is traced or none is.
 * Bitmap helpers (mk_fdset_*) and mk_uring_size are no syscalls; they are here because select and
 * uring need them too. Memory goes in as a native address ({@link NativeBuffer#address()}), so the
 * interface names no binding's types; the annotations are jnr-ffi's, which loads this interface
 * directly (the FFM binding implements it and ignores them).
 */
public interface MuxSyscalls {
    @IgnoreError int mk_fdset_bytes(int nfds);
    @IgnoreError int mk_fdset_add(long set, int bytes, int fd);
    @IgnoreError int mk_fdset_remove(long set, int bytes, int fd);
    @IgnoreError int mk_select(int nfds, long readfds, long writefds, long timeoutNanos);
    @IgnoreError int mk_fdset_ready(long readfds, long writefds, int nfds, long fds, long ops, int max);

    @IgnoreError int mk_poll(long pollfds, int nfds, long timeoutNanos);

    @IgnoreError int mk_epoll_create1(int flags);
    @IgnoreError int mk_epoll_ctl(int epfd, int op, int fd, int events);
    @IgnoreError int mk_epoll_wait(int epfd, long events, int max, long timeoutNanos);

    @IgnoreError long mk_uring_size();
    @IgnoreError int mk_uring_init(long ring, int entries, int cqEntries);
    @IgnoreError int mk_uring_init_completion(long ring, int entries, int cqEntries);
    @IgnoreError int mk_uring_buffers(long ring, long ringMemory, int entries, int group, long base, int size);
    @IgnoreError void mk_uring_exit(long ring);
    @IgnoreError int mk_uring_submit(long ring, long ops, int nops);
    @IgnoreError int mk_uring_wait(long ring, long ops, int nops, long timeoutNanos, long cqes, int max);

    @IgnoreError int mk_eventfd(int initval, int flags);
    @IgnoreError int mk_eventfd_write(int fd, long value);
    @IgnoreError long mk_eventfd_read(int fd);
    @IgnoreError int mk_fd_flags(int fd);
    @IgnoreError int mk_close(int fd);
}
