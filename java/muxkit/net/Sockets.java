package muxkit.net;

import muxkit.ffi.LibMuxkit;
import muxkit.ffi.Native;
import muxkit.ffi.NativeIOException;

/** Nonblocking TCP sockets as fds: listen, accept, connect, options. Addresses are text (IPv4 or IPv6). */
public final class Sockets {
    private static final LibMuxkit LIB = Native.LIB;
    private static final int AF_INET = Native.constant("AF_INET"), AF_INET6 = Native.constant("AF_INET6");
    private static final int SOCK_STREAM = Native.constant("SOCK_STREAM");
    private static final int SOCK_FLAGS = Native.constant("SOCK_NONBLOCK") | Native.constant("SOCK_CLOEXEC");
    private static final int SOL_SOCKET = Native.constant("SOL_SOCKET"), SO_ERROR = Native.constant("SO_ERROR"),
            SO_REUSEADDR = Native.constant("SO_REUSEADDR"), SO_REUSEPORT = Native.constant("SO_REUSEPORT");
    private static final int IPPROTO_TCP = Native.constant("IPPROTO_TCP"), TCP_NODELAY = Native.constant("TCP_NODELAY");

    private Sockets() {}

    /** A listening socket on host:port (port 0 picks one: see {@link #localPort}). reusePort lets several loops share the port. */
    public static int listen(String host, int port, boolean reusePort, int backlog) throws NativeIOException {
        int fd = Native.check(LIB.mk_socket(family(host), SOCK_STREAM | SOCK_FLAGS, 0), "socket", -1);
        try {
            Native.check(LIB.mk_setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1), "setsockopt(SO_REUSEADDR)", fd);
            if (reusePort)
                Native.check(LIB.mk_setsockopt_int(fd, SOL_SOCKET, SO_REUSEPORT, 1), "setsockopt(SO_REUSEPORT)", fd);
            Native.check(LIB.mk_bind(fd, host, port), "bind(" + host + ":" + port + ")", fd);
            Native.check(LIB.mk_listen(fd, backlog), "listen", fd);
            return fd;
        } catch (NativeIOException e) {
            LIB.mk_close(fd);
            throw e;
        }
    }

    /** A new nonblocking connection, or -1 when none is pending. EMFILE and the like are thrown. */
    public static int accept(int listenFd) throws NativeIOException {
        int fd = LIB.mk_accept4(listenFd, SOCK_FLAGS);
        if (fd == -Native.EAGAIN) return -1;
        return Native.check(fd, "accept4", listenFd);
    }

    /** Starts a nonblocking connect; the fd becomes writable when it completes (then check {@link #connectError}). */
    public static int connect(String host, int port) throws NativeIOException {
        int fd = Native.check(LIB.mk_socket(family(host), SOCK_STREAM | SOCK_FLAGS, 0), "socket", -1);
        int rc = LIB.mk_connect(fd, host, port);
        if (rc < 0 && rc != -Native.EINPROGRESS) {
            LIB.mk_close(fd);
            Native.check(rc, "connect(" + host + ":" + port + ")", -1);
        }
        return fd;
    }

    /** 0 when the connect succeeded, else its errno (SO_ERROR). */
    public static int connectError(int fd) throws NativeIOException {
        return Native.check(LIB.mk_getsockopt_int(fd, SOL_SOCKET, SO_ERROR), "getsockopt(SO_ERROR)", fd);
    }

    public static int localPort(int fd) throws NativeIOException {
        return Native.check(LIB.mk_local_port(fd), "getsockname", fd);
    }

    public static void setNoDelay(int fd) throws NativeIOException {
        Native.check(LIB.mk_setsockopt_int(fd, IPPROTO_TCP, TCP_NODELAY, 1), "setsockopt(TCP_NODELAY)", fd);
    }

    private static int family(String host) {
        return host.indexOf(':') >= 0 ? AF_INET6 : AF_INET;
    }
}
