package muxkit.net;

import java.nio.file.Path;

import jnr.ffi.Pointer;
import muxkit.ffi.LibMuxkit;
import muxkit.ffi.Native;
import muxkit.ffi.NativeIOException;

/** File descriptors as ints: pipes, socketpairs, eventfds, read, write, close. All nonblocking and close-on-exec. */
public final class Fds {
    private static final LibMuxkit LIB = Native.LIB;
    private static final int AF_UNIX = Native.constant("AF_UNIX");
    private static final int SOCK_STREAM = Native.constant("SOCK_STREAM");
    private static final int SOCK_FLAGS = Native.constant("SOCK_NONBLOCK") | Native.constant("SOCK_CLOEXEC");
    private static final int MSG_MORE = Native.constant("MSG_MORE"), MSG_NOSIGNAL = Native.constant("MSG_NOSIGNAL");

    private Fds() {}

    /** {read end, write end}. */
    public static int[] pipe() throws NativeIOException {
        int[] fds = new int[2];
        Native.check(LIB.mk_pipe2(fds, Native.O_NONBLOCK | Native.O_CLOEXEC), "pipe2", -1);
        return fds;
    }

    /** Two connected AF_UNIX stream sockets. */
    public static int[] socketPair() throws NativeIOException {
        int[] fds = new int[2];
        Native.check(LIB.mk_socketpair(AF_UNIX, SOCK_STREAM | SOCK_FLAGS, fds), "socketpair", -1);
        return fds;
    }

    public static int eventfd(int initial) throws NativeIOException {
        return Native.check(LIB.mk_eventfd(initial, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC), "eventfd", -1);
    }

    /** A regular file opened read-only (for study: select and poll call it always ready, epoll refuses it). */
    public static int openReadOnly(Path file) throws NativeIOException {
        return Native.check(LIB.mk_open(file.toString(), Native.constant("O_RDONLY")), "open(" + file + ")", -1);
    }

    /** Bytes read, 0 at end of stream, -1 when nothing is there now (EAGAIN). */
    public static int read(int fd, Pointer buf, int len) throws NativeIOException {
        long n = LIB.mk_read(fd, buf, len);
        if (n == -Native.EAGAIN) return -1;
        return (int) Native.check(n, "read", fd);
    }

    /** Bytes written, 0 when the fd cannot take any now (EAGAIN). */
    public static int write(int fd, Pointer buf, int len) throws NativeIOException {
        long n = LIB.mk_write(fd, buf, len);
        if (n == -Native.EAGAIN) return 0;
        return (int) Native.check(n, "write", fd);
    }

    /** {@link #read(int, Pointer, int)} into buf at offset, allocating nothing. */
    public static int read(int fd, Pointer buf, long offset, int len) throws NativeIOException {
        long n = LIB.mk_read(fd, buf.address() + offset, len);
        if (n == -Native.EAGAIN) return -1;
        return (int) Native.check(n, "read", fd);
    }

    /** {@link #write(int, Pointer, int)} from buf at offset, allocating nothing. */
    public static int write(int fd, Pointer buf, long offset, int len) throws NativeIOException {
        long n = LIB.mk_write(fd, buf.address() + offset, len);
        if (n == -Native.EAGAIN) return 0;
        return (int) Native.check(n, "write", fd);
    }

    /**
     * {@link #write(int, Pointer, long, int)} on a socket, telling the kernel more follows
     * (MSG_MORE) when more is true, so a response head and the body sendfile sends after it
     * leave in the same segments rather than the head alone.
     */
    public static int send(int fd, Pointer buf, long offset, int len, boolean more) throws NativeIOException {
        long n = LIB.mk_send(fd, buf.address() + offset, len, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
        if (n == -Native.EAGAIN) return 0;
        return (int) Native.check(n, "send", fd);
    }

    /** Bytes sent from file inFd at offset to socket outFd with sendfile(2); -1 when the socket is full, 0 at the file's end. */
    public static long sendfile(int outFd, int inFd, long offset, long count) throws NativeIOException {
        long n = LIB.mk_sendfile(outFd, inFd, offset, count);
        if (n == -Native.EAGAIN) return -1;
        return Native.check(n, "sendfile", outFd);
    }

    public static void dup2(int oldFd, int newFd) throws NativeIOException {
        Native.check(LIB.mk_dup2(oldFd, newFd), "dup2", newFd);
    }

    public static void close(int fd) throws NativeIOException {
        Native.check(LIB.mk_close(fd), "close", fd);
    }

    /** Closes every fd given, ignoring errors: for cleanup paths. */
    public static void closeQuietly(int... fds) {
        for (int fd : fds)
            if (fd >= 0) LIB.mk_close(fd);
    }
}
