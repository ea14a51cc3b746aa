/*
 * The scaling experiment of libevent's test/bench.c (and of Gammo et al., OLS 2004) in C, the
 * reference beside muxkit's Java backends (`muxkit scale --with-c`):
 *
 * N descriptors are registered for reading, A of them active. Each iteration writes one byte to A
 * of them, spread evenly; every read forwards a byte to the next descriptor until W writes have
 * been made. Waits use timeout 0, as libevent's EVLOOP_NONBLOCK does.
 *
 *   muxkit-scale select|poll|epoll|uring N A W ITERATIONS socketpair|eventfd [strict|dynamic] [churn]
 *   (select, strict: exits 3 if an fd reaches FD_SETSIZE, as libc's fd_set would overflow)
 *
 * churn: every event also changes the descriptor's interest, as a server does around a partial
 * write: a read makes it READ|WRITE, the WRITE event that follows makes it READ again. select and
 * poll change their arrays, epoll pays an epoll_ctl per change, uring queues the change for its
 * next wait (the shim's ring, driven as muxkit's uring backend drives it).
 *   -> backend=B fds=N active=A iteration_us_median=.. iteration_us_p99=.. wait_us_median=..
 *      events_per_wait=.. syscalls_per_iteration=.. reads=.. writes=.. received=..
 *
 * It starts one idle thread first (bench.h says why), so the gap to muxkit is the JVM and FFI
 * layer alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/io_uring.h>

#include "bench.h"
#include "../muxkit.h"

static int cmp_long(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static double percentile(long *v, long n, double p) {
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_long);
    long i = (long)(p * (double)(n - 1) + 0.5);
    return (double)v[i];
}

enum backend { SELECT, POLL, EPOLL, URING };
enum { R = 1, W = 2 };

static int n, *rd, *wr, *idx_of, maxfd;
static enum backend be;
static fd_mask *master, *work, *wmaster, *wwork;
static size_t words;
static struct pollfd *pfds;
static int ep;
static struct epoll_event *evs;
static long syscalls;
static int *interest;                 /* by descriptor index: R, or R|W while churning */
/* uring: the ring, the requests queued for the next wait, and per index the generation of its
 * poll, the slot of its queued (unsubmitted) ADD or -1, and whether a poll is in the kernel */
static void *ring;
static struct mk_uring_op *ops;
static int nops, *gen, *queued;
static char *armed;
static struct io_uring_cqe *cqes;

static uint32_t poll_events(int i) {
    return (interest[i] & R ? POLLIN | POLLRDHUP : 0) | (interest[i] & W ? POLLOUT : 0);
}

static void queue_add(int i) {
    queued[i] = nops;
    ops[nops++] = (struct mk_uring_op){ .user_data = ((uint64_t)gen[i] << 32) | (uint32_t)i, .fd = rd[i],
                                        .events = poll_events(i), .kind = MK_URING_ADD };
}

/* a new interest for descriptor i, as each backend takes it */
static void set_interest(int i, int want) {
    interest[i] = want;
    if (be == SELECT) {
        fd_mask bit = (fd_mask)(1UL << (rd[i] % NFDBITS));
        if (want & W) wmaster[rd[i] / NFDBITS] |= bit;
        else wmaster[rd[i] / NFDBITS] &= ~bit;
    } else if (be == POLL) {
        pfds[i].events = (short)poll_events(i);
    } else if (be == EPOLL) {
        struct epoll_event ev = { .events = poll_events(i), .data.fd = rd[i] };
        syscalls++;
        if (epoll_ctl(ep, EPOLL_CTL_MOD, rd[i], &ev) < 0)
            die("epoll_ctl");
    } else {
        uint64_t old = ((uint64_t)gen[i]++ << 32) | (uint32_t)i;
        if (queued[i] >= 0) {  /* not in the kernel yet: rewritten in place */
            ops[queued[i]].user_data = ((uint64_t)gen[i] << 32) | (uint32_t)i;
            ops[queued[i]].events = poll_events(i);
            return;
        }
        if (armed[i]) {
            ops[nops++] = (struct mk_uring_op){ .user_data = old, .fd = -1, .kind = MK_URING_REMOVE };
            armed[i] = 0;
        }
        queue_add(i);
    }
}

/* one wait with timeout 0; fills ready[] with descriptor indexes and ops[] with R|W, returns how many */
static int wait_once(int *ready, int *readyops) {
    int k = 0;
    if (be == SELECT) {
        syscalls++;
        memcpy(work, master, words * sizeof(fd_mask));
        memcpy(wwork, wmaster, words * sizeof(fd_mask));
        struct timeval tv = { 0, 0 };
        if (select(maxfd + 1, (fd_set *)work, (fd_set *)wwork, NULL, &tv) < 0)
            die("select");
        for (size_t w = 0; w < words; w++) {
            for (unsigned long bits = (unsigned long)(work[w] | wwork[w]); bits; bits &= bits - 1) {
                int fd = (int)(w * NFDBITS) + __builtin_ctzl(bits);
                fd_mask bit = (fd_mask)(1UL << (fd % NFDBITS));
                ready[k] = idx_of[fd];
                readyops[k++] = (work[w] & bit ? R : 0) | (wwork[w] & bit ? W : 0);
            }
        }
    } else if (be == POLL) {
        syscalls++;
        int r = poll(pfds, (nfds_t)n, 0);
        if (r < 0)
            die("poll");
        for (int i = 0; i < n && k < r; i++) {
            if (pfds[i].revents) {
                ready[k] = i;
                readyops[k++] = (pfds[i].revents & (POLLIN | POLLHUP) ? R : 0) | (pfds[i].revents & POLLOUT ? W : 0);
            }
        }
    } else if (be == EPOLL) {
        syscalls++;
        int r = epoll_wait(ep, evs, n, 0);
        if (r < 0)
            die("epoll_wait");
        for (int i = 0; i < r; i++) {
            ready[k] = idx_of[evs[i].data.fd];
            readyops[k++] = (evs[i].events & (EPOLLIN | EPOLLHUP) ? R : 0) | (evs[i].events & EPOLLOUT ? W : 0);
        }
    } else {
        long enters = *(long *)ring;
        int r = mk_uring_wait(ring, ops, nops, 0, cqes, n);
        syscalls += *(long *)ring - enters;
        if (r < 0)
            die("io_uring_enter");
        for (int j = 0; j < nops; j++) {
            if (ops[j].kind == MK_URING_REMOVE)
                continue;
            int i = (int)(uint32_t)ops[j].user_data;
            queued[i] = -1;
            armed[i] = 1;
        }
        nops = 0;
        for (int j = 0; j < r; j++) {
            if (cqes[j].user_data & MK_URING_REMOVE_TAG)
                continue;
            int i = (int)(uint32_t)cqes[j].user_data;
            if ((int)(cqes[j].user_data >> 32) != gen[i])
                continue;  /* a cancelled poll's */
            armed[i] = 0;
            ready[k] = i;
            readyops[k++] = (cqes[j].res & (POLLIN | POLLHUP) ? R : 0) | (cqes[j].res & POLLOUT ? W : 0);
            queue_add(i);  /* level-triggered: armed again with the next wait */
        }
    }
    return k;
}

int main(int argc, char **argv) {
    if (argc < 7 || argc > 9) {
        fprintf(stderr, "usage: %s select|poll|epoll|uring N ACTIVE WRITES ITERATIONS socketpair|eventfd [strict|dynamic] [churn]\n", argv[0]);
        return 2;
    }
    int strict = argc == 7 || strcmp(argv[7], "strict") == 0;
    int churn = argc == 9 && strcmp(argv[8], "churn") == 0;
    start_idle_thread();
    be = strcmp(argv[1], "select") == 0 ? SELECT : strcmp(argv[1], "poll") == 0 ? POLL
            : strcmp(argv[1], "epoll") == 0 ? EPOLL : URING;
    n = atoi(argv[2]);
    int active = atoi(argv[3]), nwrites = atoi(argv[4]), iterations = atoi(argv[5]);
    int eventfds = strcmp(argv[6], "eventfd") == 0;
    if (n < 1 || active < 1 || active > n || nwrites < 0 || iterations < 1)
        return 2;
    rd = calloc((size_t)n, sizeof *rd);
    wr = calloc((size_t)n, sizeof *wr);
    for (int i = 0; i < n; i++) {
        if (eventfds) {
            rd[i] = wr[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (rd[i] < 0)
                die("eventfd");
        } else {
            int sv[2];
            if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
                die("socketpair");
            rd[i] = sv[0];
            wr[i] = sv[1];
        }
        if (rd[i] > maxfd)
            maxfd = rd[i];
        if (wr[i] > maxfd)
            maxfd = wr[i];
    }
    if (be == SELECT && strict && maxfd >= FD_SETSIZE) {
        printf("select cannot watch fd %d: fd_set holds only fds below FD_SETSIZE (%d)\n", maxfd, FD_SETSIZE);
        return 3;
    }
    idx_of = calloc((size_t)maxfd + 1, sizeof *idx_of);
    for (int i = 0; i < n; i++)
        idx_of[rd[i]] = i;
    words = (size_t)maxfd / NFDBITS + 1;
    interest = calloc((size_t)n, sizeof *interest);
    for (int i = 0; i < n; i++)
        interest[i] = R;
    if (be == SELECT) {
        master = calloc(words, sizeof *master);
        work = calloc(words, sizeof *work);
        wmaster = calloc(words, sizeof *wmaster);
        wwork = calloc(words, sizeof *wwork);
        for (int i = 0; i < n; i++)
            master[rd[i] / NFDBITS] |= (fd_mask)(1UL << (rd[i] % NFDBITS));
    } else if (be == POLL) {
        pfds = calloc((size_t)n, sizeof *pfds);
        for (int i = 0; i < n; i++)
            pfds[i] = (struct pollfd){ .fd = rd[i], .events = POLLIN };
    } else if (be == URING) {
        ring = calloc(1, mk_uring_size());
        if (mk_uring_init(ring, 256, 4096) < 0)
            die("io_uring_setup");
        ops = calloc(2 * (size_t)n + 1, sizeof *ops);
        cqes = calloc((size_t)n, sizeof *cqes);
        gen = calloc((size_t)n, sizeof *gen);
        queued = calloc((size_t)n, sizeof *queued);
        armed = calloc((size_t)n, 1);
        for (int i = 0; i < n; i++)
            queue_add(i);
    } else {
        ep = epoll_create1(EPOLL_CLOEXEC);
        evs = calloc((size_t)n, sizeof *evs);
        for (int i = 0; i < n; i++) {
            struct epoll_event ev = { .events = EPOLLIN, .data.fd = rd[i] };
            if (epoll_ctl(ep, EPOLL_CTL_ADD, rd[i], &ev) < 0)
                die("epoll_ctl");
        }
    }
    int *ready = calloc((size_t)n, sizeof *ready), *readyops = calloc((size_t)n, sizeof *readyops);
    long *iter_ns = calloc((size_t)iterations, sizeof *iter_ns);
    long wait_cap = 1 << 20, nwaits = 0, events = 0, reads_total = 0, writes_total = 0, received = 0;
    long *wait_ns = calloc((size_t)wait_cap, sizeof *wait_ns);
    int space = n / active;
    char byte = 'e';
    syscalls = 0;
    for (int it = 0; it < iterations; it++) {
        long count = 0, fired = active, writes = nwrites;
        long t0 = now_ns();
        for (int i = 0; i < active; i++) {
            uint64_t one = 1;
            syscalls++;
            writes_total++;
            if ((eventfds ? write(wr[i * space], &one, 8) : write(wr[i * space], &byte, 1)) < 0)
                die("write");
        }
        while (count < fired) {
            long w0 = now_ns();
            int k = wait_once(ready, readyops);
            if (nwaits < wait_cap)
                wait_ns[nwaits] = now_ns() - w0;
            nwaits++;
            events += k;
            for (int j = 0; j < k; j++) {
                int i = ready[j];
                long got;
                if (churn) {  /* a read starts a partial write (READ|WRITE); the WRITE event ends it */
                    int want = readyops[j] & R ? R | W : R;
                    if (want != interest[i])
                        set_interest(i, want);
                    if (!(readyops[j] & R))
                        continue;
                }
                syscalls++;
                reads_total++;
                if (eventfds) {
                    uint64_t v;
                    got = read(rd[i], &v, 8) == 8 ? (long)v : 0;
                } else {
                    char b[64];
                    got = read(rd[i], b, sizeof b);
                    if (got < 0)
                        got = 0;
                }
                count += got;
                received += got;
                for (long g = 0; g < got && writes > 0; g++) {
                    uint64_t one = 1;
                    int next = (i + 1) % n;
                    syscalls++;
                    writes_total++;
                    if ((eventfds ? write(wr[next], &one, 8) : write(wr[next], &byte, 1)) < 0)
                        die("write");
                    writes--;
                    fired++;
                }
            }
        }
        iter_ns[it] = now_ns() - t0;
    }
    long measured = nwaits < wait_cap ? nwaits : wait_cap;
    printf("backend=c-%s%s fds=%d active=%d iteration_us_median=%.3f iteration_us_p99=%.3f wait_us_median=%.3f "
           "events_per_wait=%.3f syscalls_per_iteration=%.1f reads=%ld writes=%ld received=%ld\n",
           argv[1], churn ? "-churn" : "", n, active, percentile(iter_ns, iterations, 0.5) / 1000, percentile(iter_ns, iterations, 0.99) / 1000,
           percentile(wait_ns, measured, 0.5) / 1000, nwaits ? (double)events / (double)nwaits : 0,
           (double)syscalls / iterations, reads_total, writes_total, received);
    free(rd);
    free(wr);
    free(idx_of);
    free(master);
    free(work);
    free(pfds);
    free(evs);
    free(ready);
    free(readyops);
    free(interest);
    free(wmaster);
    free(wwork);
    if (ring) {
        mk_uring_exit(ring);
        free(ring);
    }
    free(ops);
    free(cqes);
    free(gen);
    free(queued);
    free(armed);
    free(iter_ns);
    free(wait_ns);
    return 0;
}
