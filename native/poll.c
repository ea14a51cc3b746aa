#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

/* ppoll: the timeout reaches the kernel in nanoseconds, not rounded up to milliseconds */
int mk_poll(void *pollfds, int nfds, long timeout_ns) {
    struct timespec ts = { .tv_sec = timeout_ns / 1000000000L, .tv_nsec = timeout_ns % 1000000000L };
    return MK_SYSCALL(poll, ppoll((struct pollfd *)pollfds, (nfds_t)nfds, timeout_ns < 0 ? NULL : &ts, NULL));
}
