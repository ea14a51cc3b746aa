/*
 * fd_set bitmaps sized by the caller. glibc's FD_SET aborts (or, unfortified, writes out of
 * bounds) for fd >= FD_SETSIZE, so these use the same bit layout (fd_mask words, bit fd % NFDBITS)
 * but check against the real size of the caller's buffer: nothing is ever written outside it.
 */
#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <sys/select.h>

#define WORD(set, fd) (((fd_mask *)(set))[(fd) / NFDBITS])
#define BIT(fd) ((fd_mask)1 << ((fd) % NFDBITS))

int mk_fdset_bytes(int nfds) {
    if (nfds < 0)
        return -EINVAL;
    int words = (nfds + NFDBITS - 1) / NFDBITS;
    int bytes = words * (int)sizeof(fd_mask);
    return bytes < (int)sizeof(fd_set) ? (int)sizeof(fd_set) : bytes;
}

int mk_fdset_add(void *set, int bytes, int fd) {
    if (fd < 0 || fd >= bytes * 8)
        return -EINVAL;
    WORD(set, fd) |= BIT(fd);
    return 0;
}

int mk_fdset_remove(void *set, int bytes, int fd) {
    if (fd < 0 || fd >= bytes * 8)
        return -EINVAL;
    WORD(set, fd) &= ~BIT(fd);
    return 0;
}

int mk_select(int nfds, void *readfds, void *writefds, long timeout_ms) {
    struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    return MK_RESULT(select(nfds, readfds, writefds, NULL, timeout_ms < 0 ? NULL : &tv));
}

/* Batches the scan of the result bitmaps: ops bit 1 = readable, bit 2 = writable. */
int mk_fdset_ready(const void *readfds, const void *writefds, int nfds, int *fds, int *ops, int max) {
    int n = 0;
    int words = (nfds + NFDBITS - 1) / NFDBITS;
    for (int w = 0; w < words && n < max; w++) {
        fd_mask r = readfds ? ((const fd_mask *)readfds)[w] : 0;
        fd_mask x = writefds ? ((const fd_mask *)writefds)[w] : 0;
        fd_mask any = r | x;
        while (any && n < max) {
            int bit = __builtin_ctzl((unsigned long)any);
            fd_mask m = (fd_mask)1 << bit;
            int fd = w * NFDBITS + bit;
            if (fd >= nfds)
                return n;
            fds[n] = fd;
            ops[n] = ((r & m) ? 1 : 0) | ((x & m) ? 2 : 0);
            n++;
            any &= ~m;
        }
    }
    return n;
}
