/*
 * The shim on its own, without the JVM: bounds of the fd_set helpers, the -errno convention, and
 * one round of each wait call. Run by CTest (mvn verify); build with -DMUXKIT_SANITIZE=ON to run
 * it under AddressSanitizer and UBSan.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/io_uring.h>

#include "../muxkit.h"

static int failures;

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                            \
        }                                                                          \
    } while (0)

static void fdset_bounds(void) {
    int bytes = mk_fdset_bytes(1024);
    CHECK(bytes == (int)sizeof(fd_set));
    unsigned char *set = calloc(1, (size_t)bytes);  /* exactly the size: ASan catches a byte past it */
    CHECK(mk_fdset_add(set, bytes, 1024) == -EINVAL);
    CHECK(mk_fdset_add(set, bytes, -1) == -EINVAL);
    CHECK(mk_fdset_add(set, bytes, INT_MAX) == -EINVAL);
    CHECK(mk_fdset_add(set, bytes, 1023) == 0);
    CHECK(mk_fdset_remove(set, bytes, 1024) == -EINVAL);
    int fds[4], ops[4];
    CHECK(mk_fdset_ready(set, NULL, 1024, fds, ops, 4) == 1 && fds[0] == 1023 && ops[0] == 1);
    free(set);

    int big = mk_fdset_bytes(5000);
    CHECK(big >= 5000 / 8 && big % 8 == 0);
    unsigned char *dyn = calloc(1, (size_t)big);
    CHECK(mk_fdset_add(dyn, big, 4999) == 0);
    CHECK(mk_fdset_ready(dyn, dyn, 5000, fds, ops, 4) == 1 && fds[0] == 4999 && ops[0] == 3);
    free(dyn);
}

static void errno_convention(void) {
    CHECK(mk_close(-1) == -EBADF);
    CHECK(mk_epoll_ctl(-1, EPOLL_CTL_ADD, 0, EPOLLIN) == -EBADF);
    CHECK(mk_bind(-1, "not an address", 0) == -EINVAL);
    CHECK(mk_const("NO_SUCH_CONSTANT") == LONG_MIN);
    CHECK(mk_const("sizeof(struct epoll_event)") == (long)sizeof(struct epoll_event));
    CHECK(strcmp(mk_errno_name(EBADF), "EBADF") == 0);
}

static void one_wait_each(void) {
    int p[2];
    CHECK(mk_pipe2(p, 0) == 0);
    CHECK(mk_write(p[1], "x", 1) == 1);

    int bytes = mk_fdset_bytes(p[0] + 1);
    unsigned char *rd = calloc(1, (size_t)bytes);
    mk_fdset_add(rd, bytes, p[0]);
    CHECK(mk_select(p[0] + 1, rd, NULL, 0) == 1);
    free(rd);

    struct pollfd pfd = { .fd = p[0], .events = POLLIN };
    CHECK(mk_poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN));

    int ep = mk_epoll_create1(0);
    CHECK(ep >= 0);
    CHECK(mk_epoll_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN) == 0);
    CHECK(mk_epoll_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN) == -EEXIST);
    struct epoll_event ev[2];
    CHECK(mk_epoll_wait(ep, ev, 2, 0) == 1 && ev[0].data.fd == p[0]);

    int efd = mk_eventfd(0, 0);
    CHECK(mk_eventfd_write(efd, 3) == 0 && mk_eventfd_read(efd) == 3);
    mk_close(efd);
    mk_close(ep);
    mk_close(p[0]);
    mk_close(p[1]);
}

/* the ring: a queued poll goes in with the wait and completes; a timeout expires; exit releases all */
static void uring_ring(void) {
    void *ring = calloc(1, mk_uring_size());
    int fd = mk_uring_init(ring, 4, 8);
    if (fd == -ENOSYS || fd == -EPERM) {  /* io_uring refused here: the Java side says so too */
        free(ring);
        return;
    }
    CHECK(fd >= 0);
    int p[2];
    CHECK(mk_pipe2(p, 0) == 0);
    struct mk_uring_op op = { .user_data = 42, .fd = p[0], .events = POLLIN, .kind = MK_URING_ADD };
    struct io_uring_cqe cqes[4];
    CHECK(mk_uring_wait(ring, &op, 1, 1000000, cqes, 4) == 0);  /* 1 ms: nothing ready */
    CHECK(mk_write(p[1], "x", 1) == 1);
    CHECK(mk_uring_wait(ring, NULL, 0, -1, cqes, 4) == 1 && cqes[0].user_data == 42 && (cqes[0].res & POLLIN));
    struct mk_uring_op remove = { .user_data = 42, .fd = -1, .kind = MK_URING_REMOVE };
    CHECK(mk_uring_submit(ring, &remove, 1) == 0);
    mk_uring_exit(ring);
    mk_uring_exit(ring);  /* idempotent */
    free(ring);
    mk_close(p[0]);
    mk_close(p[1]);
}

/* the completion ring: a multishot recv fills a provided buffer, a send goes out, a buffer comes
 * back, and a cancel-and-close ends the recv and closes the fd (the peer reads end of file) */
static void uring_completion(void) {
    void *ring = calloc(1, mk_uring_size());
    int fd = mk_uring_init_completion(ring, 8, 64);
    if (fd == -ENOSYS || fd == -EPERM) {
        free(ring);
        return;
    }
    CHECK(fd >= 0);
    void *bufring = aligned_alloc(4096, 4096);
    char *bufs = calloc(4, 64);
    CHECK(mk_uring_buffers(ring, bufring, 4, 3, bufs, 64) == 0);
    int sv[2];
    CHECK(mk_socketpair(AF_UNIX, SOCK_STREAM, sv) == 0);
    uint64_t recv_tag = ((uint64_t)MK_URING_RECV_MULTI << MK_URING_KIND_SHIFT) | (uint32_t)sv[0];
    uint64_t send_tag = ((uint64_t)MK_URING_SEND << MK_URING_KIND_SHIFT) | (uint32_t)sv[0];
    struct mk_uring_op recv = { .user_data = recv_tag, .fd = sv[0], .kind = MK_URING_RECV_MULTI, .arg = 3 };
    struct io_uring_cqe cqes[8];
    CHECK(mk_uring_wait(ring, &recv, 1, 1000000, cqes, 8) == 0);  /* armed, nothing yet */
    CHECK(mk_write(sv[1], "hello", 5) == 5);
    CHECK(mk_uring_wait(ring, NULL, 0, -1, cqes, 8) == 1);
    CHECK(cqes[0].user_data == recv_tag && cqes[0].res == 5);
    CHECK((cqes[0].flags & IORING_CQE_F_MORE) && (cqes[0].flags & IORING_CQE_F_BUFFER));
    unsigned bid = cqes[0].flags >> IORING_CQE_BUFFER_SHIFT;
    CHECK(bid < 4 && memcmp(bufs + bid * 64, "hello", 5) == 0);
    struct mk_uring_op ops[2] = {
        { .user_data = send_tag, .addr = (uint64_t)(uintptr_t)(bufs + bid * 64), .fd = sv[0], .events = 5, .kind = MK_URING_SEND },
        { .kind = MK_URING_BUFFER, .arg = bid },
    };
    CHECK(mk_uring_wait(ring, ops, 2, -1, cqes, 8) == 1 && cqes[0].user_data == send_tag && cqes[0].res == 5);
    char back[8];
    CHECK(mk_read(sv[1], back, sizeof back) == 5 && memcmp(back, "hello", 5) == 0);
    struct mk_uring_op close_op = { .fd = sv[0], .kind = MK_URING_CANCEL_CLOSE };
    int n = mk_uring_wait(ring, &close_op, 1, -1, cqes, 8), ended = 0;
    for (int i = 0; i < n; i++) ended |= cqes[i].user_data == recv_tag && cqes[i].res == -ECANCELED;
    while (!ended && (n = mk_uring_wait(ring, NULL, 0, 100000000, cqes, 8)) > 0)
        for (int i = 0; i < n; i++) ended |= cqes[i].user_data == recv_tag && cqes[i].res == -ECANCELED;
    CHECK(ended);
    CHECK(mk_read(sv[1], back, sizeof back) == 0);  /* closed by the ring: end of file */
    mk_uring_exit(ring);
    free(ring);
    free(bufring);
    free(bufs);
    mk_close(sv[1]);
}

int main(void) {
    fdset_bounds();
    errno_convention();
    one_wait_each();
    uring_ring();
    uring_completion();
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("shim_test: all checks passed\n");
    return 0;
}
