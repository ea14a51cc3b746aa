#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <sys/epoll.h>
#include <time.h>

int mk_epoll_create1(int flags) {
    return MK_RESULT(epoll_create1(flags));
}

/* data carries the fd number; the event is built here because its layout is packed on x86_64 */
int mk_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event ev = { .events = events, .data = { .u64 = 0 } };
    ev.data.fd = fd;
    return MK_SYSCALL(epoll_ctl, epoll_ctl(epfd, op, fd, &ev));
}

/*
 * epoll_pwait2 (Linux 5.11) takes a timespec; epoll_wait only milliseconds, so before 5.11 a
 * timeout is rounded up to the next millisecond (never early). A timeout of 0 or forever needs no
 * timespec and keeps the older call.
 */
int mk_epoll_wait(int epfd, void *events, int max, long timeout_ns) {
    if (timeout_ns > 0) {
        struct timespec ts = { .tv_sec = timeout_ns / 1000000000L, .tv_nsec = timeout_ns % 1000000000L };
        long rc = MK_SYSCALL(epoll_wait, epoll_pwait2(epfd, (struct epoll_event *)events, max, &ts, NULL));
        if (rc != -ENOSYS)
            return (int)rc;
    }
    long ms = timeout_ns <= 0 ? timeout_ns : (timeout_ns + 999999) / 1000000;
    return MK_SYSCALL(epoll_wait, epoll_wait(epfd, (struct epoll_event *)events, max, ms > 0x7fffffff ? 0x7fffffff : (int)ms));
}
