/*
 * fd_set bitmaps sized by the caller. glibc's FD_SET aborts (or, unfortified, writes out of
 * bounds) for fd >= FD_SETSIZE, so these use the same bit layout (fd_mask words, bit fd % NFDBITS)
 * but check against the real size of the caller's buffer: nothing is ever written outside it.
 */
#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <sys/select.h>
#include <time.h>

/* fd_mask is a signed long: shift an unsigned word of the same size, since 1L << 63 is undefined */
typedef unsigned long word_t;
_Static_assert(sizeof(word_t) == sizeof(fd_mask), "fd_set words are unsigned longs");
#define WORD(set, fd) (((word_t *)(set))[(fd) / NFDBITS])
#define BIT(fd) ((word_t)1 << ((fd) % NFDBITS))

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

/* pselect: the timeout is a timespec, so it reaches the kernel in nanoseconds (select's timeval has microseconds) */
int mk_select(int nfds, void *readfds, void *writefds, long timeout_ns) {
    struct timespec ts = { .tv_sec = timeout_ns / 1000000000L, .tv_nsec = timeout_ns % 1000000000L };
    return MK_SYSCALL(select, pselect(nfds, readfds, writefds, NULL, timeout_ns < 0 ? NULL : &ts, NULL));
}

/* Batches the scan of the result bitmaps: ops bit 1 = readable, bit 2 = writable. */
int mk_fdset_ready(const void *readfds, const void *writefds, int nfds, int *fds, int *ops, int max) {
    int n = 0;
    int words = (nfds + NFDBITS - 1) / NFDBITS;
    for (int w = 0; w < words && n < max; w++) {
        word_t r = readfds ? ((const word_t *)readfds)[w] : 0;
        word_t x = writefds ? ((const word_t *)writefds)[w] : 0;
        word_t any = r | x;
        while (any && n < max) {
            int bit = __builtin_ctzl(any);
            word_t m = (word_t)1 << bit;
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
