package io.muxkit.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The layouts and constants Java takes from the shim, and the -errno convention. */
class NativeLayoutTest {
    private final LibMuxkit lib = Native.LIB;

    @Test
    void epollEventIsPackedTwelveBytesOnX86_64() {
        assertEquals(12, Native.EPOLL_EVENT_SIZE);
        assertEquals(0, Native.EPOLL_EVENT_EVENTS);
        assertEquals(4, Native.EPOLL_EVENT_DATA);
    }

    @Test
    void pollfdLayout() {
        assertEquals(8, Native.POLLFD_SIZE);
        assertEquals(0, Native.POLLFD_FD);
        assertEquals(4, Native.POLLFD_EVENTS);
        assertEquals(6, Native.POLLFD_REVENTS);
    }

    @Test
    void fdSetSizeAndBitmapSizes() {
        assertEquals(1024, Native.FD_SETSIZE);
        assertEquals(128, lib.mk_fdset_bytes(1024));
        assertEquals(128, lib.mk_fdset_bytes(1), "never smaller than an fd_set");
        assertEquals(2504, lib.mk_fdset_bytes(20_000), "rounded up to whole 8-byte words");
        assertEquals(-Native.EINVAL, lib.mk_fdset_bytes(-1));
    }

    @Test
    void fdSetNeverWritesOutsideItsBuffer() {
        int bytes = lib.mk_fdset_bytes(1024);
        NativeBuffer guarded = NativeMemory.allocate(bytes + 64);
        long set = guarded.address();  // an fd_set of `bytes`, then 64 guard bytes
        assertEquals(-Native.EINVAL, lib.mk_fdset_add(set, bytes, 1024));
        assertEquals(-Native.EINVAL, lib.mk_fdset_add(set, bytes, 100_000));
        assertEquals(-Native.EINVAL, lib.mk_fdset_add(set, bytes, -1));
        for (int i = 0; i < 64; i++) assertEquals(0, guarded.getByte(bytes + i), "guard byte " + i);
        assertEquals(0, lib.mk_fdset_add(set, bytes, 1023));
        assertEquals(0, lib.mk_fdset_add(set, bytes, 0));
        assertEquals(1L << 63, guarded.getLong(bytes - 8));
        assertEquals(1L, guarded.getLong(0));
        NativeMemory.free(guarded);
    }

    @Test
    void fdSetReadyCollectsBitsInOrder() {
        int bytes = lib.mk_fdset_bytes(1024);
        NativeBuffer rd = NativeMemory.allocate(bytes), wr = NativeMemory.allocate(bytes);
        NativeBuffer fds = NativeMemory.allocate(4 * 8), ops = NativeMemory.allocate(4 * 8);
        lib.mk_fdset_add(rd.address(), bytes, 3);
        lib.mk_fdset_add(rd.address(), bytes, 700);
        lib.mk_fdset_add(wr.address(), bytes, 700);
        lib.mk_fdset_add(wr.address(), bytes, 64);
        assertEquals(3, lib.mk_fdset_ready(rd.address(), wr.address(), 1024, fds.address(), ops.address(), 8));
        assertEquals(3, fds.getInt(0));
        assertEquals(1, ops.getInt(0));
        assertEquals(64, fds.getInt(4));
        assertEquals(2, ops.getInt(4));
        assertEquals(700, fds.getInt(8));
        assertEquals(3, ops.getInt(8));
        assertEquals(1, lib.mk_fdset_ready(rd.address(), wr.address(), 1024, fds.address(), ops.address(), 1), "stops at max");
        assertEquals(2, lib.mk_fdset_ready(rd.address(), wr.address(), 700, fds.address(), ops.address(), 8), "stops at nfds");
        for (NativeBuffer p : new NativeBuffer[] { rd, wr, fds, ops }) NativeMemory.free(p);
    }

    @Test
    void failedCallsReturnMinusErrnoAndBecomeOneExceptionType() {
        assertEquals(-Native.EBADF, lib.mk_close(-1));
        NativeIOException e = assertThrows(NativeIOException.class,
                () -> Native.check(lib.mk_epoll_ctl(-1, Native.constant("EPOLL_CTL_ADD"), 17, 1), "epoll_ctl(ADD)", 17));
        assertEquals("epoll_ctl(ADD, fd=17): EBADF (Bad file descriptor)", e.getMessage());
        assertEquals(Native.EBADF, e.errno());
        assertEquals("EBADF", e.errnoName());
        NativeIOException read = new NativeIOException("read", 5, Native.EAGAIN);
        assertEquals("read(fd=5): EAGAIN (Resource temporarily unavailable)", read.getMessage());
    }

    @Test
    void unknownConstantsFailLoudly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Native.constant("NOPE"));
        assertTrue(e.getMessage().contains("NOPE"));
    }

    @Test
    void bindRefusesBadAddressesAndPortsBeforeTheKernel() throws NativeIOException {
        int fd = Native.check(lib.mk_socket(Native.constant("AF_INET"), Native.constant("SOCK_STREAM"), 0), "socket", -1);
        try {
            assertEquals(-Native.EINVAL, lib.mk_bind(fd, "not-an-ip", 0));
            assertEquals(-Native.EINVAL, lib.mk_bind(fd, "127.0.0.1", 70000));
            assertEquals(0, lib.mk_bind(fd, "127.0.0.1", 0));
            assertTrue(lib.mk_local_port(fd) > 0, "an ephemeral port, in host byte order");
        } finally {
            lib.mk_close(fd);
        }
    }
}
