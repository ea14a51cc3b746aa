/*
 * io_uring's poll requests as a readiness multiplexer, with raw syscalls (no liburing).
 *
 * The ring lives in caller-owned memory (struct mk_uring, MK_URING_SIZE bytes), so the shim keeps
 * no state of its own. Java queues requests (struct mk_uring_op) in a native array and crosses once
 * per wait: mk_uring_wait puts them in the submission queue, submits and waits in one
 * io_uring_enter, and copies the completions out. The SQ and CQ heads and tails are shared with the
 * kernel: we read the kernel's side with acquire and publish ours with release, as liburing does.
 */
#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct mk_uring {
    long enters;                 /* io_uring_enter calls made (read by Java for stats) */
    long submitted;              /* SQEs the kernel took */
    long taken;                  /* ops the last submit or wait put in the ring (all, unless it failed) */
    int fd;
    unsigned features;
    unsigned sq_entries, cq_entries;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned sq_local_tail;      /* SQEs written, not yet published to the kernel */
    void *sq_ring, *cq_ring;
    size_t sq_ring_bytes, cq_ring_bytes, sqes_bytes;
};

size_t mk_uring_size(void) {
    return sizeof(struct mk_uring);
}

#define LOAD_ACQUIRE(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

static long enter(struct mk_uring *r, unsigned to_submit, unsigned min_complete, unsigned flags,
                  const void *arg, size_t argsz) {
    r->enters++;
    return MK_SYSCALL(io_uring_enter, syscall(SYS_io_uring_enter, r->fd, to_submit, min_complete, flags, arg, argsz));
}

static void unmap(struct mk_uring *r) {
    if (r->sqes && r->sqes != MAP_FAILED)
        munmap(r->sqes, r->sqes_bytes);
    if (r->cq_ring && r->cq_ring != MAP_FAILED && r->cq_ring != r->sq_ring)
        munmap(r->cq_ring, r->cq_ring_bytes);
    if (r->sq_ring && r->sq_ring != MAP_FAILED)
        munmap(r->sq_ring, r->sq_ring_bytes);
    r->sqes = NULL;
    r->cq_ring = r->sq_ring = NULL;
}

/*
 * Sets up a ring of `entries` SQEs and `cq_entries` CQEs: the ring fd, or -errno (ENOSYS: no
 * io_uring; EPERM: io_uring_disabled or a seccomp filter; ENOMEM: RLIMIT_MEMLOCK on old kernels;
 * EOPNOTSUPP/EINVAL: a kernel without FEAT_NODROP or EXT_ARG, which this backend needs).
 */
int mk_uring_init(void *ring, unsigned entries, unsigned cq_entries) {
    struct mk_uring *r = ring;
    memset(r, 0, sizeof *r);
    r->fd = -1;
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    /* COOP_TASKRUN: a poll's completion waits for our next entry into the kernel instead of
     * interrupting us (TASKRUN_FLAG says when one waits); 5.19 and later, else set up without */
    p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
    p.cq_entries = cq_entries;
    long fd = MK_SYSCALL(io_uring_setup, syscall(SYS_io_uring_setup, entries, &p));
    if (fd == -EINVAL) {
        memset(&p, 0, sizeof p);
        p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
        p.cq_entries = cq_entries;
        fd = MK_SYSCALL(io_uring_setup, syscall(SYS_io_uring_setup, entries, &p));
    }
    if (fd < 0)
        return (int)fd;
    r->fd = (int)fd;
    r->features = p.features;
    if (!(p.features & IORING_FEAT_NODROP) || !(p.features & IORING_FEAT_EXT_ARG)) {
        close(r->fd);
        r->fd = -1;
        return -EOPNOTSUPP;
    }
    r->sq_ring_bytes = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    r->cq_ring_bytes = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if (p.features & IORING_FEAT_SINGLE_MMAP) {
        if (r->cq_ring_bytes > r->sq_ring_bytes)
            r->sq_ring_bytes = r->cq_ring_bytes;
        r->cq_ring_bytes = r->sq_ring_bytes;
    }
    int err = 0;
    r->sq_ring = mmap(NULL, r->sq_ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
    if (r->sq_ring == MAP_FAILED)
        err = -errno;
    if (!err) {
        r->cq_ring = (p.features & IORING_FEAT_SINGLE_MMAP) ? r->sq_ring
                : mmap(NULL, r->cq_ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
        if (r->cq_ring == MAP_FAILED)
            err = -errno;
    }
    if (!err) {
        r->sqes_bytes = p.sq_entries * sizeof(struct io_uring_sqe);
        r->sqes = mmap(NULL, r->sqes_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
        if (r->sqes == MAP_FAILED)
            err = -errno;
    }
    if (err) {
        unmap(r);
        close(r->fd);
        r->fd = -1;
        return err;
    }
    char *sq = r->sq_ring, *cq = r->cq_ring;
    r->sq_head = (unsigned *)(sq + p.sq_off.head);
    r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
    r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    r->sq_flags = (unsigned *)(sq + p.sq_off.flags);
    r->sq_array = (unsigned *)(sq + p.sq_off.array);
    r->cq_head = (unsigned *)(cq + p.cq_off.head);
    r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
    r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    r->sq_entries = p.sq_entries;
    r->cq_entries = p.cq_entries;
    r->sq_local_tail = *r->sq_tail;
    return r->fd;
}

/* Unmaps the rings and closes the ring fd: the kernel cancels every request still in flight. */
void mk_uring_exit(void *ring) {
    struct mk_uring *r = ring;
    if (r->fd < 0)
        return;
    unmap(r);
    close(r->fd);
    r->fd = -1;
}

/* SQEs written but not yet taken by the kernel */
static unsigned unsubmitted(struct mk_uring *r) {
    return r->sq_local_tail - LOAD_ACQUIRE(r->sq_head);
}

/* Publishes the written SQEs and hands them to the kernel without waiting (the queue is full). */
static long flush(struct mk_uring *r) {
    STORE_RELEASE(r->sq_tail, r->sq_local_tail);
    long rc = MK_RETRY_EINTR(enter(r, unsubmitted(r), 0, 0, NULL, 0));
    if (rc > 0)
        r->submitted += rc;
    return rc;
}

/* Writes the ops as SQEs, flushing whenever the submission queue is full: 0, or -errno. */
static long queue(struct mk_uring *r, const struct mk_uring_op *ops, int nops) {
    r->taken = 0;
    for (int i = 0; i < nops; i++) {
        if (unsubmitted(r) == r->sq_entries) {
            long rc = flush(r);
            if (unsubmitted(r) == r->sq_entries)
                return rc < 0 ? rc : -EBUSY;  /* the kernel takes none: the rest stay with the caller */
        }
        unsigned index = r->sq_local_tail & *r->sq_mask;
        struct io_uring_sqe *sqe = &r->sqes[index];
        memset(sqe, 0, sizeof *sqe);
        const struct mk_uring_op *op = &ops[i];
        if (op->kind == MK_URING_REMOVE) {
            sqe->opcode = IORING_OP_POLL_REMOVE;
            sqe->fd = -1;
            sqe->addr = op->user_data;       /* the request to cancel */
            sqe->user_data = MK_URING_REMOVE_TAG;
        } else {
            sqe->opcode = IORING_OP_POLL_ADD;
            sqe->fd = op->fd;
            sqe->poll32_events = op->events;
            sqe->len = op->kind == MK_URING_ADD_MULTI ? IORING_POLL_ADD_MULTI : 0;
            sqe->user_data = op->user_data;
        }
        r->sq_array[index] = index;
        r->sq_local_tail++;
        r->taken++;
    }
    STORE_RELEASE(r->sq_tail, r->sq_local_tail);
    return 0;
}

/* Copies up to max completions into cqes (struct io_uring_cqe), advancing the CQ head. */
static int reap(struct mk_uring *r, void *cqes, int max) {
    unsigned head = *r->cq_head, tail = LOAD_ACQUIRE(r->cq_tail);
    int n = 0;
    for (; head != tail && n < max; head++, n++)
        memcpy((struct io_uring_cqe *)cqes + n, &r->cqes[head & *r->cq_mask], sizeof(struct io_uring_cqe));
    STORE_RELEASE(r->cq_head, head);
    return n;
}

/* Submits the ops without waiting: 0, or -errno (ops the ring did not take stay the caller's). */
int mk_uring_submit(void *ring, const void *ops, int nops) {
    struct mk_uring *r = ring;
    long rc = queue(r, ops, nops);
    if (rc == 0 && unsubmitted(r) > 0)
        rc = flush(r);
    return rc < 0 ? (int)rc : 0;
}

/*
 * Submits the ops, waits up to timeout_ns (-1: forever; 0: not at all) for a completion, and copies
 * up to max completions into cqes. Returns how many, or -errno: then nothing was copied, and what
 * the kernel completed stays in the queue for the next call (EINTR: interrupted while waiting; the
 * ops were submitted all the same). One io_uring_enter at most, unless the submission queue filled;
 * none when there is nothing to submit and completions are already there (or no wait is wanted),
 * since the completion queue is read from shared memory.
 */
int mk_uring_wait(void *ring, const void *ops, int nops, long timeout_ns, void *cqes, int max) {
    struct mk_uring *r = ring;
    long rc = queue(r, ops, nops);
    if (rc < 0)
        return (int)rc;
    unsigned to_submit = unsubmitted(r);
    int completed = LOAD_ACQUIRE(r->cq_tail) != *r->cq_head;
    /* completions the kernel holds for us: overflowed, or waiting for us to run its task work */
    int held = LOAD_ACQUIRE(r->sq_flags) & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN);
    if (completed || timeout_ns == 0) {
        if (to_submit || held)
            rc = MK_RETRY_EINTR(enter(r, to_submit, 0, IORING_ENTER_GETEVENTS, NULL, 0));
    } else {
        struct __kernel_timespec ts = { .tv_sec = timeout_ns / 1000000000L, .tv_nsec = timeout_ns % 1000000000L };
        struct io_uring_getevents_arg arg = { .ts = timeout_ns < 0 ? 0 : (uint64_t)(uintptr_t)&ts };
        rc = enter(r, to_submit, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof arg);
        if (rc == -ETIME)
            rc = 0;
    }
    if (rc < 0)
        return (int)rc;
    r->submitted += rc;
    return reap(r, cqes, max);
}
