#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <sys/epoll.h>

int mk_epoll_create1(int flags) {
    return MK_RESULT(epoll_create1(flags));
}

/* data carries the fd number; the event is built here because its layout is packed on x86_64 */
int mk_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event ev = { .events = events, .data = { .u64 = 0 } };
    ev.data.fd = fd;
    return MK_SYSCALL(epoll_ctl, epoll_ctl(epfd, op, fd, &ev));
}

int mk_epoll_wait(int epfd, void *events, int max, int timeout_ms) {
    return MK_SYSCALL(epoll_wait, epoll_wait(epfd, (struct epoll_event *)events, max, timeout_ms));
}
