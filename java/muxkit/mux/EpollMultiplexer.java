package muxkit.mux;

import java.io.IOException;

import jnr.ffi.Pointer;
import muxkit.ffi.Native;

/**
 * epoll(7): the kernel keeps the interest set; epoll_wait fills a native array of packed
 * struct epoll_event (12 bytes on x86_64; size and offsets come from the shim), grown by doubling
 * whenever a wait fills it.
 */
final class EpollMultiplexer extends AbstractMultiplexer {
    private static final int SIZE = Native.EPOLL_EVENT_SIZE, EVENTS = Native.EPOLL_EVENT_EVENTS,
            DATA = Native.EPOLL_EVENT_DATA;
    private static final int EPOLLIN = Native.constant("EPOLLIN"), EPOLLPRI = Native.constant("EPOLLPRI"),
            EPOLLOUT = Native.constant("EPOLLOUT"), EPOLLERR = Native.constant("EPOLLERR"),
            EPOLLHUP = Native.constant("EPOLLHUP"), EPOLLRDHUP = Native.constant("EPOLLRDHUP"),
            EPOLLET = Native.constant("EPOLLET");
    private static final int ADD = Native.constant("EPOLL_CTL_ADD"), MOD = Native.constant("EPOLL_CTL_MOD"),
            DEL = Native.constant("EPOLL_CTL_DEL");

    private final int epfd;
    private Pointer events = Native.allocate(64L * SIZE);
    private int capacity = 64;

    EpollMultiplexer() throws IOException {
        super(Backend.EPOLL, true);
        int fd = LIB.mk_epoll_create1(Native.constant("EPOLL_CLOEXEC"));
        if (fd < 0) {
            LIB.mk_close(wakeFd);
            Native.check(fd, "epoll_create1", -1);
        }
        epfd = fd;
        ctl(ADD, "epoll_ctl(ADD)", wakeFd, READ);
    }

    @Override
    protected void add(int fd, int interest) throws IOException {
        ctl(ADD, "epoll_ctl(ADD)", fd, interest);
    }

    @Override
    protected void change(int fd, int interest) throws IOException {
        ctl(MOD, "epoll_ctl(MOD)", fd, interest);
    }

    /** EBADF or ENOENT: the fd was closed (and the kernel dropped it), or its number now names another file. */
    @Override
    protected void remove(int fd) {
        syscalls++;
        LIB.mk_epoll_ctl(epfd, DEL, fd, 0);
    }

    @Override
    protected int waitOnce(int timeoutMillis) {
        return LIB.mk_epoll_wait(epfd, events, capacity, timeoutMillis);
    }

    @Override
    protected void collect(int n) {
        for (int i = 0; i < n; i++) {
            long at = (long) i * SIZE;
            int ev = events.getInt(at + EVENTS);
            int ops = ((ev & (EPOLLIN | EPOLLPRI)) != 0 ? READ : 0)
                    | ((ev & EPOLLOUT) != 0 ? WRITE : 0)
                    | ((ev & EPOLLERR) != 0 ? ERROR : 0)
                    | ((ev & (EPOLLHUP | EPOLLRDHUP)) != 0 ? HANGUP : 0);
            ready(events.getInt(at + DATA), ops);
        }
        if (n == capacity) {  // full: there may be more ready than fit, so the next wait gets room
            capacity *= 2;
            events = Native.allocate((long) capacity * SIZE);
        }
    }

    @Override
    protected String waitCall() {
        return "epoll_wait";
    }

    @Override
    protected void release() {
        LIB.mk_close(epfd);
        events = null;
    }

    private void ctl(int op, String call, int fd, int interest) throws IOException {
        syscalls++;
        int mask = ((interest & READ) != 0 ? EPOLLIN | EPOLLRDHUP : 0)
                | ((interest & WRITE) != 0 ? EPOLLOUT : 0)
                | ((interest & EDGE) != 0 ? EPOLLET : 0);
        Native.check(LIB.mk_epoll_ctl(epfd, op, fd, mask), call, fd);
    }
}
