package io.muxkit.net;

import io.muxkit.ffi.LibMuxkit;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;

/** Nonblocking TCP sockets as fds: listen, accept, connect, options. Addresses are text (IPv4 or IPv6). */
public final class Sockets {
    private static final LibMuxkit LIB = Native.syscalls();
    private static final int SOCK_FLAGS = Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC;

    private Sockets() {}

    /** A listening socket on host:port (port 0 picks one: see {@link #localPort}). reusePort lets several loops share the port. */
    public static int listen(String host, int port, boolean reusePort, int backlog) throws NativeIOException {
        int fd = Native.check(LIB.mk_socket(family(host), Native.SOCK_STREAM | SOCK_FLAGS, 0), "socket", -1);
        try {
            setOption(fd, Native.SOL_SOCKET, Native.SO_REUSEADDR, "setsockopt(SO_REUSEADDR)");
            if (reusePort) setOption(fd, Native.SOL_SOCKET, Native.SO_REUSEPORT, "setsockopt(SO_REUSEPORT)");
            Native.check(LIB.mk_bind(fd, host, port), "bind(" + host + ":" + port + ")", fd);
            Native.check(LIB.mk_listen(fd, backlog), "listen", fd);
            return fd;
        } catch (NativeIOException e) {
            LIB.mk_close(fd);
            throw e;
        }
    }

    /** A new nonblocking connection, or {@link Native#AGAIN} when none is pending. EMFILE and the like are thrown. */
    public static int accept(int listenFd) throws NativeIOException {
        return (int) Native.ioResult(LIB.mk_accept4(listenFd, SOCK_FLAGS), "accept4", listenFd);
    }

    /** Starts a nonblocking connect; the fd becomes writable when it completes (then check {@link #connectError}). */
    public static int connect(String host, int port) throws NativeIOException {
        int fd = Native.check(LIB.mk_socket(family(host), Native.SOCK_STREAM | SOCK_FLAGS, 0), "socket", -1);
        int rc = LIB.mk_connect(fd, host, port);
        if (rc < 0 && rc != -Native.EINPROGRESS) {
            LIB.mk_close(fd);
            Native.check(rc, "connect(" + host + ":" + port + ")", -1);
        }
        return fd;
    }

    /** 0 when the connect succeeded, else its errno (SO_ERROR). */
    public static int connectError(int fd) throws NativeIOException {
        return Native.check(LIB.mk_getsockopt_int(fd, Native.SOL_SOCKET, Native.SO_ERROR), "getsockopt(SO_ERROR)", fd);
    }

    /** "127.0.0.1:51234": the peer's address (one getpeername), for traces and logs. */
    public static String peerAddress(int fd) throws NativeIOException {
        byte[] buf = new byte[64];
        int n = Native.check(LIB.mk_peer_address(fd, buf, buf.length), "getpeername", fd);
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@link #peerAddress}, or whenGone when the peer has gone already (ENOTCONN). */
    public static String peerAddress(int fd, String whenGone) {
        try {
            return peerAddress(fd);
        } catch (NativeIOException gone) {
            return whenGone;
        }
    }

    public static int localPort(int fd) throws NativeIOException {
        return Native.check(LIB.mk_local_port(fd), "getsockname", fd);
    }

    /** Sends FIN after what is queued (shutdown(SHUT_WR)); the fd can still be read. */
    public static void shutdownOutput(int fd) throws NativeIOException {
        Native.check(LIB.mk_shutdown(fd, Native.SHUT_WR), "shutdown(SHUT_WR)", fd);
    }

    public static void setNoDelay(int fd) throws NativeIOException {
        setOption(fd, Native.IPPROTO_TCP, Native.TCP_NODELAY, "setsockopt(TCP_NODELAY)");
    }

    private static void setOption(int fd, int level, int name, String call) throws NativeIOException {
        Native.check(LIB.mk_setsockopt_int(fd, level, name, 1), call, fd);
    }

    private static int family(String host) {
        return host.indexOf(':') >= 0 ? Native.AF_INET6 : Native.AF_INET;
    }
}
