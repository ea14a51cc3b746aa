/*
 * The C side of the wait benchmark: the same loop muxkit's Java backends run, without the JVM.
 * N eventfds (one fd each, so N can reach 10000 under a 20000 limit) are registered for reading,
 * one of them holds a count (level-triggered, so it stays ready), and each iteration does what one Multiplexer.select(0) does: wait with timeout 0 and
 * collect the ready set.
 *
 *   muxkit-waitloop select|poll|epoll N ITERATIONS   ->   prints "backend N ns_per_call"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s select|poll|epoll N ITERATIONS\n", argv[0]);
        return 2;
    }
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
        if (maxfd >= FD_SETSIZE) {
            fprintf(stderr, "select: fd %d >= FD_SETSIZE %d\n", maxfd, FD_SETSIZE);
            return 1;
        }
        fd_set master, work;
        FD_ZERO(&master);
        for (int i = 0; i < n; i++)
            FD_SET(rfds[i], &master);
        start = now_ns();
        for (long it = 0; it < iterations; it++) {
            memcpy(&work, &master, sizeof work);
            struct timeval tv = { 0, 0 };
            ready += select(maxfd + 1, &work, NULL, NULL, &tv);
            for (int fd = 0; fd <= maxfd; fd++)
                if (FD_ISSET(fd, &work))
                    sink += fd;
        }
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
    } else {
        fprintf(stderr, "unknown backend %s\n", backend);
        return 2;
    }
    long elapsed = now_ns() - start;
    if (ready != iterations) {
        fprintf(stderr, "expected 1 ready per call, saw %ld in %ld calls\n", ready, iterations);
        return 1;
    }
    printf("%s %d %.1f\n", backend, n, (double)elapsed / (double)iterations);
    return 0;
}
