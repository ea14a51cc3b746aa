/*
 * The C side of the wait benchmark: the same loop muxkit's Java backends run, without the JVM.
 * N eventfds (one fd each, so N can reach 10000 under a 20000 limit) are registered for reading,
 * one of them holds a count (level-triggered, so it stays ready), and each iteration does what one Multiplexer.select(0) does: wait with timeout 0 and
 * collect the ready set.
 *
 *   muxkit-waitloop select|poll|epoll|uring N ITERATIONS [threaded]   ->   prints "backend N ns_per_call"
 *
 * "threaded" starts one idle thread first. That matters: in a single-threaded process the kernel
 * looks fds up without touching their reference counts (fdget's fast path), in a process with
 * threads (every JVM) it takes and drops a reference per fd per call, so select and poll cost
 * more per fd there whatever the language.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <linux/io_uring.h>

#include "bench.h"
#include "../muxkit.h"

int main(int argc, char **argv) {
    if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "threaded") != 0)) {
        fprintf(stderr, "usage: %s select|poll|epoll|uring N ITERATIONS [threaded]\n", argv[0]);
        return 2;
    }
    if (argc == 5)
        start_idle_thread();
    const char *backend = argv[1];
    int n = atoi(argv[2]);
    long iterations = atol(argv[3]);
    int *rfds = calloc((size_t)n, sizeof *rfds);
    int maxfd = 0;
    for (int i = 0; i < n; i++) {
        rfds[i] = eventfd(i == n / 2 ? 1 : 0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (rfds[i] < 0)
            die("eventfd");
        if (rfds[i] > maxfd)
            maxfd = rfds[i];
    }
    volatile int sink = 0;
    long start = 0, ready = 0;

    if (strcmp(backend, "select") == 0) {
        /* bitmaps sized to the highest fd, as muxkit's select backend sizes them past FD_SETSIZE */
        size_t words = (size_t)maxfd / NFDBITS + 1, bytes = words * sizeof(fd_mask);
        if (bytes < sizeof(fd_set))
            bytes = sizeof(fd_set);
        fd_mask *master = calloc(1, bytes), *work = calloc(1, bytes);
        for (int i = 0; i < n; i++)
            master[rfds[i] / NFDBITS] |= (fd_mask)(1UL << (rfds[i] % NFDBITS));
        start = now_ns();
        for (long it = 0; it < iterations; it++) {
            memcpy(work, master, bytes);
            struct timeval tv = { 0, 0 };
            ready += select(maxfd + 1, (fd_set *)work, NULL, NULL, &tv);
            for (size_t w = 0; w < words; w++)
                for (unsigned long bits = (unsigned long)work[w]; bits; bits &= bits - 1)
                    sink += (int)(w * NFDBITS) + __builtin_ctzl(bits);
        }
        free(master);
        free(work);
    } else if (strcmp(backend, "poll") == 0) {
        struct pollfd *pfds = calloc((size_t)n, sizeof *pfds);
        for (int i = 0; i < n; i++)
            pfds[i] = (struct pollfd){ .fd = rfds[i], .events = POLLIN | POLLRDHUP };
        start = now_ns();
        for (long it = 0; it < iterations; it++) {
            ready += poll(pfds, (nfds_t)n, 0);
            for (int i = 0; i < n; i++)
                if (pfds[i].revents)
                    sink += pfds[i].fd;
        }
        free(pfds);
    } else if (strcmp(backend, "epoll") == 0) {
        int ep = epoll_create1(EPOLL_CLOEXEC);
        for (int i = 0; i < n; i++) {
            struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = rfds[i] };
            if (epoll_ctl(ep, EPOLL_CTL_ADD, rfds[i], &ev) < 0)
                die("epoll_ctl");
        }
        struct epoll_event events[64];
        start = now_ns();
        for (long it = 0; it < iterations; it++) {
            int k = epoll_wait(ep, events, 64, 0);
            ready += k;
            for (int i = 0; i < k; i++)
                sink += events[i].data.fd;
        }
    } else if (strcmp(backend, "uring") == 0) {
        /* the shim's ring, as muxkit's uring backend drives it: a one-shot poll per fd, the ready
         * one re-armed after each completion and submitted with the next wait */
        void *ring = calloc(1, mk_uring_size());
        if (mk_uring_init(ring, 256, 4096) < 0)
            die("io_uring_setup");
        struct mk_uring_op *ops = calloc((size_t)n, sizeof *ops);
        for (int i = 0; i < n; i++)
            ops[i] = (struct mk_uring_op){ .user_data = (uint64_t)rfds[i], .fd = rfds[i],
                                           .events = POLLIN | POLLRDHUP, .kind = MK_URING_ADD };
        struct io_uring_cqe cqes[64];
        int nops = n;
        start = now_ns();
        for (long it = 0; it < iterations; it++) {
            int k = mk_uring_wait(ring, ops, nops, 0, cqes, 64);
            if (k < 0)
                die("io_uring_enter");
            ready += k;
            nops = 0;
            for (int i = 0; i < k; i++) {
                sink += (int)cqes[i].user_data;
                ops[nops++] = (struct mk_uring_op){ .user_data = cqes[i].user_data, .fd = (int)cqes[i].user_data,
                                                    .events = POLLIN | POLLRDHUP, .kind = MK_URING_ADD };
            }
        }
        mk_uring_exit(ring);
        free(ring);
        free(ops);
    } else {
        fprintf(stderr, "unknown backend %s\n", backend);
        return 2;
    }
    long elapsed = now_ns() - start;
    free(rfds);
    if (ready != iterations) {
        fprintf(stderr, "expected 1 ready per call, saw %ld in %ld calls\n", ready, iterations);
        return 1;
    }
    printf("%s %d %.1f\n", backend, n, (double)elapsed / (double)iterations);
    return 0;
}
