package io.muxkit.ffi;

import java.io.IOException;

/**
 * A syscall failed: names the call, the fd and the errno, e.g.
 * {@code epoll_ctl(ADD, fd=17): EBADF (Bad file descriptor)}.
 */
public class NativeIOException extends IOException {
    private final String call;
    private final int fd;
    private final int errno;

    public NativeIOException(String call, int fd, int errno) {
        super(describe(call, fd) + ": " + Native.errnoName(errno) + " (" + Native.strerror(errno) + ")");
        this.call = call;
        this.fd = fd;
        this.errno = errno;
    }

    /** {@code epoll_ctl(ADD)} and fd 17 read {@code epoll_ctl(ADD, fd=17)}; {@code read} reads {@code read(fd=17)}. */
    private static String describe(String call, int fd) {
        if (fd < 0) return call;
        return call.endsWith(")") ? call.substring(0, call.length() - 1) + ", fd=" + fd + ")" : call + "(fd=" + fd + ")";
    }

    /** The call as named in the message, without the fd, e.g. {@code epoll_ctl(ADD)} or {@code poll}. */
    public String call() { return call; }
    /** The fd the call was about, or -1. */
    public int fd() { return fd; }
    /** The positive errno value. */
    public int errno() { return errno; }
    /** The errno's symbolic name, e.g. {@code EMFILE}. */
    public String errnoName() { return Native.errnoName(errno); }
}
