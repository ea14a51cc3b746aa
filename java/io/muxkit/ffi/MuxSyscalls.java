package io.muxkit.ffi;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;

/**
 * The part of the shim a multiplexer calls, and all it may call: its wait, its registration calls,
 * its wakeup eventfd, and the fd check and close of its own fds. A multiplexer holds one of these,
 * {@link Native#LIB} itself or a decorator around it that writes each call down (io.muxkit.mux's
 * syscall trace), chosen once when it opens: so every syscall it makes is traced or none is.
 * Bitmap helpers (mk_fdset_*) and mk_uring_size are no syscalls; they are here because select and
 * uring need them too.
 */
public interface MuxSyscalls {
    @IgnoreError int mk_fdset_bytes(int nfds);
    @IgnoreError int mk_fdset_add(Pointer set, int bytes, int fd);
    @IgnoreError int mk_fdset_remove(Pointer set, int bytes, int fd);
    @IgnoreError int mk_select(int nfds, Pointer readfds, Pointer writefds, long timeoutNanos);
    @IgnoreError int mk_fdset_ready(Pointer readfds, Pointer writefds, int nfds, Pointer fds, Pointer ops, int max);

    @IgnoreError int mk_poll(Pointer pollfds, int nfds, long timeoutNanos);

    @IgnoreError int mk_epoll_create1(int flags);
    @IgnoreError int mk_epoll_ctl(int epfd, int op, int fd, int events);
    @IgnoreError int mk_epoll_wait(int epfd, Pointer events, int max, long timeoutNanos);

    @IgnoreError long mk_uring_size();
    @IgnoreError int mk_uring_init(Pointer ring, int entries, int cqEntries);
    @IgnoreError void mk_uring_exit(Pointer ring);
    @IgnoreError int mk_uring_submit(Pointer ring, Pointer ops, int nops);
    @IgnoreError int mk_uring_wait(Pointer ring, Pointer ops, int nops, long timeoutNanos, Pointer cqes, int max);

    @IgnoreError int mk_eventfd(int initval, int flags);
    @IgnoreError int mk_eventfd_write(int fd, long value);
    @IgnoreError long mk_eventfd_read(int fd);
    @IgnoreError int mk_fd_flags(int fd);
    @IgnoreError int mk_close(int fd);
}
