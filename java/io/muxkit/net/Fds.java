package io.muxkit.net;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import io.muxkit.ffi.LibMuxkit;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;

/**
 * File descriptors as ints: pipes, socketpairs, eventfds, read, write, close. All nonblocking and
 * close-on-exec. Reads and writes return {@link Native#AGAIN} (-1) when the fd cannot take or give
 * a byte now; a read returns 0 at the end of the stream.
 */
public final class Fds {
    private static final LibMuxkit LIB = Native.syscalls();
    private static final int SOCK_FLAGS = Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC;

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
        Native.check(LIB.mk_socketpair(Native.AF_UNIX, Native.SOCK_STREAM | SOCK_FLAGS, fds), "socketpair", -1);
        return fds;
    }

    public static int eventfd(int initial) throws NativeIOException {
        return Native.check(LIB.mk_eventfd(initial, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC), "eventfd", -1);
    }

    /** Adds value to an eventfd's counter, making it readable. */
    public static void eventfdWrite(int fd, long value) throws NativeIOException {
        Native.check(LIB.mk_eventfd_write(fd, value), "eventfd_write", fd);
    }

    /** Reads and resets an eventfd's counter: its value, or {@link Native#AGAIN} when it is zero. */
    public static long eventfdRead(int fd) throws NativeIOException {
        return Native.ioResult(LIB.mk_eventfd_read(fd), "eventfd_read", fd);
    }

    /** A regular file opened read-only (for study: select and poll call it always ready, epoll refuses it). */
    public static int openReadOnly(Path file) throws NativeIOException {
        return Native.check(LIB.mk_open(file.toString(), Native.O_RDONLY), "open(" + file + ")", -1);
    }

    /** Bytes read into buf, 0 at the end of the stream, {@link Native#AGAIN} when nothing is there now. */
    public static int read(int fd, NativeBuffer buf, int len) throws NativeIOException {
        return read(fd, buf, 0, len);
    }

    /** Bytes written from buf, {@link Native#AGAIN} when the fd cannot take any now. */
    public static int write(int fd, NativeBuffer buf, int len) throws NativeIOException {
        return write(fd, buf, 0, len);
    }

    /** {@link #read(int, NativeBuffer, int)} into buf at offset, allocating nothing. */
    public static int read(int fd, NativeBuffer buf, long offset, int len) throws NativeIOException {
        return (int) Native.ioResult(LIB.mk_read(fd, buf.address(offset, len), len), "read", fd);
    }

    /** Like {@link #read(int, NativeBuffer, int)}, but the bytes stay queued in the socket (MSG_PEEK): a later read gets them again. */
    public static int peek(int fd, NativeBuffer buf, int len) throws NativeIOException {
        return (int) Native.ioResult(LIB.mk_peek(fd, buf.address(0, len), len), "recv(MSG_PEEK)", fd);
    }

    /** {@link #write(int, NativeBuffer, int)} from buf at offset, allocating nothing. */
    public static int write(int fd, NativeBuffer buf, long offset, int len) throws NativeIOException {
        return (int) Native.ioResult(LIB.mk_write(fd, buf.address(offset, len), len), "write", fd);
    }

    /** Reads into dst[off, off + len): simple, but it copies; the NativeBuffer forms allocate nothing. */
    public static int read(int fd, byte[] dst, int off, int len) throws NativeIOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        byte[] into = off == 0 ? dst : new byte[len];
        int n = (int) Native.ioResult(LIB.mk_read(fd, into, len), "read", fd);
        if (into != dst && n > 0) System.arraycopy(into, 0, dst, off, n);
        return n;
    }

    /** Writes src[off, off + len): simple, but it copies; the NativeBuffer forms allocate nothing. */
    public static int write(int fd, byte[] src, int off, int len) throws NativeIOException {
        Objects.checkFromIndexSize(off, len, src.length);
        byte[] from = off == 0 ? src : Arrays.copyOfRange(src, off, off + len);
        return (int) Native.ioResult(LIB.mk_write(fd, from, len), "write", fd);
    }

    /**
     * {@link #write(int, NativeBuffer, long, int)} on a socket, telling the kernel more follows
     * (MSG_MORE) when more is true, so a response head and the body sendfile sends after it
     * leave in the same segments rather than the head alone.
     */
    public static int send(int fd, NativeBuffer buf, long offset, int len, boolean more) throws NativeIOException {
        int flags = Native.MSG_NOSIGNAL | (more ? Native.MSG_MORE : 0);
        return (int) Native.ioResult(LIB.mk_send(fd, buf.address(offset, len), len, flags), "send", fd);
    }

    /** Bytes sent from file inFd at offset to socket outFd (sendfile(2)): {@link Native#AGAIN} when the socket is full, 0 at the file's end. */
    public static long sendfile(int outFd, int inFd, long offset, long count) throws NativeIOException {
        return Native.ioResult(LIB.mk_sendfile(outFd, inFd, offset, count), "sendfile", outFd);
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
