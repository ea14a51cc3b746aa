package io.muxkit.mux;

import java.io.IOException;

import io.muxkit.ffi.MuxSyscalls;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;

/**
 * epoll(7): the kernel keeps the interest set; epoll_wait fills a native array of packed
 * struct epoll_event (12 bytes on x86_64; size and offsets come from the shim), grown by doubling
 * whenever a wait fills it.
 */
final class EpollMultiplexer extends AbstractMultiplexer {
    private static final int SIZE = Native.EPOLL_EVENT_SIZE, EVENTS = Native.EPOLL_EVENT_EVENTS,
            DATA = Native.EPOLL_EVENT_DATA;
    private static final int ADD = Native.EPOLL_CTL_ADD, MOD = Native.EPOLL_CTL_MOD, DEL = Native.EPOLL_CTL_DEL;

    static {  // epoll(7): EPOLLIN is POLLIN and so on, so the base class maps both kinds of bits once
        if (Native.EPOLLIN != Native.POLLIN || Native.EPOLLPRI != Native.POLLPRI || Native.EPOLLOUT != Native.POLLOUT
                || Native.EPOLLERR != Native.POLLERR || Native.EPOLLHUP != Native.POLLHUP || Native.EPOLLRDHUP != Native.POLLRDHUP)
            throw new ExceptionInInitializerError("epoll's event bits differ from poll's on this platform");
    }

    private final int epfd;
    private NativeBuffer events;
    private int capacity = 64;

    EpollMultiplexer(MuxSyscalls lib) throws IOException {
        super(Backend.EPOLL, true, lib);
        int fd = lib.mk_epoll_create1(Native.EPOLL_CLOEXEC);
        try {
            epfd = Native.check(fd, "epoll_create1", -1);
            ctl(ADD, "epoll_ctl(ADD)", wakeFd, READ);  // ENOSPC at max_user_watches, the limit the probe provokes
        } catch (IOException | RuntimeException e) {
            if (fd >= 0) lib.mk_close(fd);
            closeWakeFd();
            throw e;
        }
        events = NativeMemory.allocate(64L * SIZE);
    }

    /**
     * EEXIST: the kernel still has this file from a registration whose DEL failed (ENOMEM): the
     * kernel's entry is taken over with MOD, so the set and the table agree again.
     */
    @Override
    protected void add(int fd, int interest) throws IOException {
        try {
            ctl(ADD, "epoll_ctl(ADD)", fd, interest);
        } catch (NativeIOException e) {
            if (e.errno() != Native.EEXIST) throw e;
            ctl(MOD, "epoll_ctl(MOD)", fd, interest);
        }
    }

    @Override
    protected void change(int fd, int interest) throws IOException {
        ctl(MOD, "epoll_ctl(MOD)", fd, interest);
    }

    /** EBADF or ENOENT: the fd was closed (and the kernel dropped it), or its number now names another file. */
    @Override
    protected void remove(int fd) {
        syscalls++;
        lib.mk_epoll_ctl(epfd, DEL, fd, 0);
    }

    @Override
    protected Wait waitOnce(long timeoutNanos) throws IOException {
        syscalls++;
        int n = lib.mk_epoll_wait(epfd, events.address(), capacity, timeoutNanos);
        if (n < 0) return failedWait(n, "epoll_wait");
        if (n == 0) return Wait.TIMED_OUT;
        for (int i = 0; i < n; i++) {
            long at = (long) i * SIZE;
            ready(events.getInt(at + DATA), readyOpsOf(events.getInt(at + EVENTS)));
        }
        if (n == capacity) {  // full: there may be more ready than fit, so the next wait gets room
            capacity *= 2;
            NativeMemory.free(events);
            events = NativeMemory.allocate((long) capacity * SIZE);
        }
        return Wait.READY;
    }

    @Override
    protected void release() {
        lib.mk_close(epfd);
        NativeMemory.free(events);
        events = null;
    }

    private void ctl(int op, String call, int fd, int interest) throws IOException {
        syscalls++;
        int mask = eventsOf(interest) | ((interest & EDGE) != 0 ? Native.EPOLLET : 0);
        Native.check(lib.mk_epoll_ctl(epfd, op, fd, mask), call, fd);
    }
}
