/*
 * The scaling experiment of libevent's test/bench.c (and of Gammo et al., OLS 2004) in C, the
 * reference beside muxkit's Java backends (`muxkit scale --with-c`):
 *
 * N descriptors are registered for reading, A of them active. Each iteration writes one byte to A
 * of them, spread evenly; every read forwards a byte to the next descriptor until W writes have
 * been made. Waits use timeout 0, as libevent's EVLOOP_NONBLOCK does.
 *
 *   muxkit-scale select|poll|epoll N A W ITERATIONS socketpair|eventfd [strict|dynamic]
 *   (select, strict: exits 3 if an fd reaches FD_SETSIZE, as libc's fd_set would overflow)
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

#include "bench.h"

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

enum backend { SELECT, POLL, EPOLL };

static int n, *rd, *wr, *idx_of, maxfd;
static enum backend be;
static fd_mask *master, *work;
static size_t words;
static struct pollfd *pfds;
static int ep;
static struct epoll_event *evs;
static long syscalls;

/* one wait with timeout 0; fills ready[] with descriptor indexes, returns how many */
static int wait_once(int *ready) {
    int k = 0;
    syscalls++;
    if (be == SELECT) {
        memcpy(work, master, words * sizeof(fd_mask));
        struct timeval tv = { 0, 0 };
        if (select(maxfd + 1, (fd_set *)work, NULL, NULL, &tv) < 0)
            die("select");
        for (size_t w = 0; w < words; w++)
            for (unsigned long bits = (unsigned long)work[w]; bits; bits &= bits - 1)
                ready[k++] = idx_of[(int)(w * NFDBITS) + __builtin_ctzl(bits)];
    } else if (be == POLL) {
        int r = poll(pfds, (nfds_t)n, 0);
        if (r < 0)
            die("poll");
        for (int i = 0; i < n && k < r; i++)
            if (pfds[i].revents)
                ready[k++] = i;
    } else {
        int r = epoll_wait(ep, evs, n, 0);
        if (r < 0)
            die("epoll_wait");
        for (int i = 0; i < r; i++)
            ready[k++] = idx_of[evs[i].data.fd];
    }
    return k;
}

int main(int argc, char **argv) {
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: %s select|poll|epoll N ACTIVE WRITES ITERATIONS socketpair|eventfd [strict|dynamic]\n", argv[0]);
        return 2;
    }
    int strict = argc == 7 || strcmp(argv[7], "strict") == 0;
    start_idle_thread();
    be = strcmp(argv[1], "select") == 0 ? SELECT : strcmp(argv[1], "poll") == 0 ? POLL : EPOLL;
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
    if (be == SELECT) {
        master = calloc(words, sizeof *master);
        work = calloc(words, sizeof *work);
        for (int i = 0; i < n; i++)
            master[rd[i] / NFDBITS] |= (fd_mask)(1UL << (rd[i] % NFDBITS));
    } else if (be == POLL) {
        pfds = calloc((size_t)n, sizeof *pfds);
        for (int i = 0; i < n; i++)
            pfds[i] = (struct pollfd){ .fd = rd[i], .events = POLLIN };
    } else {
        ep = epoll_create1(EPOLL_CLOEXEC);
        evs = calloc((size_t)n, sizeof *evs);
        for (int i = 0; i < n; i++) {
            struct epoll_event ev = { .events = EPOLLIN, .data.fd = rd[i] };
            if (epoll_ctl(ep, EPOLL_CTL_ADD, rd[i], &ev) < 0)
                die("epoll_ctl");
        }
    }
    int *ready = calloc((size_t)n, sizeof *ready);
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
            int k = wait_once(ready);
            if (nwaits < wait_cap)
                wait_ns[nwaits] = now_ns() - w0;
            nwaits++;
            events += k;
            for (int j = 0; j < k; j++) {
                int i = ready[j];
                long got;
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
    printf("backend=c-%s fds=%d active=%d iteration_us_median=%.3f iteration_us_p99=%.3f wait_us_median=%.3f "
           "events_per_wait=%.3f syscalls_per_iteration=%.1f reads=%ld writes=%ld received=%ld\n",
           argv[1], n, active, percentile(iter_ns, iterations, 0.5) / 1000, percentile(iter_ns, iterations, 0.99) / 1000,
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
    free(iter_ns);
    free(wait_ns);
    return 0;
}
