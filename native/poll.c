#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <poll.h>

int mk_poll(void *pollfds, int nfds, int timeout_ms) {
    return MK_SYSCALL(poll, poll((struct pollfd *)pollfds, (nfds_t)nfds, timeout_ms));
}
