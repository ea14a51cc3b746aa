/*
 * io_uring with raw syscalls (no liburing), both ways muxkit uses it. Readiness: poll requests, one
 * per watched fd. Completion: multishot accept, multishot recv into a provided buffer ring, send,
 * cancel and close, each a request whose completion carries its result.
 *
 * The ring lives in caller-owned memory (struct mk_uring, in muxkit.h), so the shim keeps no state
 * of its own. Java queues requests (struct mk_uring_op) in a native array and crosses once per
 * wait: mk_uring_wait writes them as SQEs, submits and waits in one io_uring_enter, and copies the
 * completions out. The SQ and CQ heads and tails and the buffer ring's tail are shared with the
 * kernel: we read the kernel's side with acquire and publish ours with release, as liburing does.
 */
#define _GNU_SOURCE
#include "muxkit.h"

#include "uring_abi.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

size_t mk_uring_size(void) {
    return sizeof(struct mk_uring);
}

#define LOAD_ACQUIRE(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

static long enter(struct mk_uring *r, unsigned to_submit, unsigned min_complete, unsigned flags,
                  const void *arg, size_t argsz) {
    r->enters++;
    return MK_SYSCALL(io_uring_enter, syscall(SYS_io_uring_enter, r->enter_fd, to_submit, min_complete,
                                              flags | (r->registered_ring ? IORING_ENTER_REGISTERED_RING : 0), arg, argsz));
}

static long reg(struct mk_uring *r, unsigned op, void *arg, unsigned n) {
    return MK_RESULT(syscall(SYS_io_uring_register, r->fd, op, arg, n));
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
 * Sets up a ring of `entries` SQEs and `cq_entries` CQEs with the first set of flags the kernel
 * takes (a kernel refuses flags it does not know with EINVAL): the ring fd, or -errno (ENOSYS: no
 * io_uring; EPERM: io_uring_disabled or a seccomp filter; ENOMEM: RLIMIT_MEMLOCK on old kernels;
 * EOPNOTSUPP: a kernel without FEAT_NODROP or EXT_ARG, which muxkit needs).
 */
static int setup(struct mk_uring *r, unsigned entries, unsigned cq_entries, const unsigned *tries, int ntries) {
    memset(r, 0, sizeof *r);
    r->fd = r->enter_fd = -1;
    struct io_uring_params p;
    long fd = -EINVAL;
    for (int i = 0; i < ntries && fd == -EINVAL; i++) {
        memset(&p, 0, sizeof p);
        p.flags = tries[i];
        p.cq_entries = cq_entries;
        fd = MK_SYSCALL(io_uring_setup, syscall(SYS_io_uring_setup, entries, &p));
        r->setup_flags = tries[i];
    }
    if (fd < 0)
        return (int)fd;
    r->fd = r->enter_fd = (int)fd;
    r->features = p.features;
    r->disabled = (r->setup_flags & IORING_SETUP_R_DISABLED) != 0;
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

/* Readiness (poll requests, any thread may submit). COOP_TASKRUN: a poll's completion waits for
 * our next entry into the kernel instead of interrupting us (TASKRUN_FLAG says when one waits);
 * 5.19 and later, else set up without. */
int mk_uring_init(void *ring, unsigned entries, unsigned cq_entries) {
    static const unsigned tries[] = {
        IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
        IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL,
    };
    return setup(ring, entries, cq_entries, tries, 2);
}

/*
 * Completion, for one event loop's thread: SINGLE_ISSUER and DEFER_TASKRUN (6.1; completions are
 * posted only when that thread enters with GETEVENTS, liburing's recommended mode for one thread),
 * else COOP_TASKRUN; CLAMP, so a CQ sized for many connections is cut to the kernel's most rather
 * than refused. With SINGLE_ISSUER the ring starts disabled: the first io_uring_enter enables it,
 * on the thread that will submit (which may not be the one that set it up), and registers the ring
 * fd there. setup_flags says what the kernel took.
 */
int mk_uring_init_completion(void *ring, unsigned entries, unsigned cq_entries) {
    enum { BASE = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL,
           COOP = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
           SINGLE = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_R_DISABLED };
    static const unsigned tries[] = {
        BASE | SINGLE | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
        BASE | SINGLE | COOP,
        BASE | COOP,
        BASE,
    };
    return setup(ring, entries, cq_entries, tries, 4);
}

/* On the first enter of a ring set up disabled: enable it for this thread, and register its fd. */
static long enable(struct mk_uring *r) {
    if (!r->disabled)
        return 0;
    long rc = reg(r, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
    if (rc < 0)
        return rc;
    r->disabled = 0;
    r->owner = (int)syscall(SYS_gettid);
    struct io_uring_rsrc_update update = { .offset = -1U, .data = (uint64_t)r->fd };
    if (reg(r, IORING_REGISTER_RING_FDS, &update, 1) == 1) {  /* else io_uring_enter takes the plain fd */
        r->enter_fd = (int)update.offset;
        r->registered_ring = 1;
    }
    return 0;
}

/* Buffer `bid` goes back to the end of the buffer ring; published at the end of the queue. */
static void give_back(struct mk_uring *r, unsigned bid) {
    struct io_uring_buf *b = &r->bufs[r->buf_tail & r->buf_mask];
    b->addr = (uint64_t)(uintptr_t)(r->buf_base + (size_t)bid * r->buf_size);
    b->len = r->buf_size;
    b->bid = (unsigned short)bid;
    r->buf_tail++;
}

static void publish_buffers(struct mk_uring *r) {
    if (r->bufs)
        STORE_RELEASE(&((struct io_uring_buf_ring *)r->bufs)->tail, r->buf_tail);
}

/*
 * Registers a provided buffer ring (IORING_REGISTER_PBUF_RING, 5.19) of `entries` buffers of `size`
 * bytes at base, buffer i at base + i * size, as buffer group `group`, and hands every buffer to the
 * kernel. ring_memory holds entries struct io_uring_buf and is page-aligned; the caller keeps it and
 * base alive until the ring is gone. 0, or -errno (EINVAL: entries not a power of two up to 32768).
 */
int mk_uring_buffers(void *ring, void *ring_memory, unsigned entries, unsigned group, void *base, unsigned size) {
    struct mk_uring *r = ring;
    if (entries == 0 || entries > 32768 || (entries & (entries - 1)) || size == 0 || r->bufs)
        return -EINVAL;
    struct io_uring_buf_reg reg_arg = { .ring_addr = (uint64_t)(uintptr_t)ring_memory, .ring_entries = entries, .bgid = (unsigned short)group };
    long rc = reg(r, IORING_REGISTER_PBUF_RING, &reg_arg, 1);
    if (rc < 0)
        return (int)rc;
    r->bufs = ring_memory;
    r->buf_base = base;
    r->buf_size = size;
    r->buf_mask = entries - 1;
    r->buf_tail = 0;
    for (unsigned bid = 0; bid < entries; bid++)
        give_back(r, bid);
    publish_buffers(r);
    return 0;
}

/*
 * Unmaps the rings and closes the ring fd: the kernel cancels every request still in flight. The
 * registration of the ring fd belongs to the thread that made it (its index means another ring on
 * any other thread): only that thread drops it; elsewhere it holds the ring open until that thread exits.
 */
void mk_uring_exit(void *ring) {
    struct mk_uring *r = ring;
    if (r->fd < 0)
        return;
    if (r->registered_ring && r->owner == (int)syscall(SYS_gettid)) {
        struct io_uring_rsrc_update update = { .offset = (unsigned)r->enter_fd };
        reg(r, IORING_UNREGISTER_RING_FDS, &update, 1);
        r->registered_ring = 0;
    }
    unmap(r);
    close(r->fd);
    r->fd = r->enter_fd = -1;
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

static struct io_uring_sqe *next_sqe(struct mk_uring *r) {
    unsigned index = r->sq_local_tail & *r->sq_mask;
    struct io_uring_sqe *sqe = &r->sqes[index];
    memset(sqe, 0, sizeof *sqe);
    r->sq_array[index] = index;
    r->sq_local_tail++;
    r->inflight++;  /* each SQE ends with one completion without F_MORE */
    return sqe;
}

/* The next SQE, zeroed, for opcode on fd; its completion carries user_data (as liburing's io_uring_prep_rw). */
static struct io_uring_sqe *prep(struct mk_uring *r, unsigned char opcode, int fd, unsigned long long user_data) {
    struct io_uring_sqe *sqe = next_sqe(r);
    sqe->opcode = opcode;
    sqe->fd = fd;
    sqe->user_data = user_data;
    return sqe;
}

/* Writes one op as its SQEs (none for NOP and BUFFER; two for CANCEL_CLOSE). */
static void write_op(struct mk_uring *r, const struct mk_uring_op *op) {
    struct io_uring_sqe *sqe;
    switch (op->kind) {
    case MK_URING_ADD:
    case MK_URING_ADD_MULTI:
        sqe = prep(r, IORING_OP_POLL_ADD, op->fd, op->user_data);
        sqe->poll32_events = op->events;
        sqe->len = op->kind == MK_URING_ADD_MULTI ? IORING_POLL_ADD_MULTI : 0;
        break;
    case MK_URING_REMOVE:
        sqe = prep(r, IORING_OP_POLL_REMOVE, -1, MK_URING_REMOVE_TAG);
        sqe->addr = op->user_data;       /* the request to cancel */
        break;
    case MK_URING_ACCEPT_MULTI:          /* 5.19: a completion per connection, F_MORE while it goes on */
        sqe = prep(r, IORING_OP_ACCEPT, op->fd, op->user_data);
        sqe->ioprio = IORING_ACCEPT_MULTISHOT;
        sqe->accept_flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
        break;
    case MK_URING_RECV_MULTI:            /* 6.0: a completion per buffer filled from the group, up to events bytes in all */
        sqe = prep(r, IORING_OP_RECV, op->fd, op->user_data);
        sqe->ioprio = IORING_RECV_MULTISHOT;
        sqe->flags = IOSQE_BUFFER_SELECT;
        sqe->buf_group = (unsigned short)op->arg;
        sqe->file_index = op->events;    /* optlen since 6.16: end after that many bytes (0: none) */
        break;
    case MK_URING_SEND:
        sqe = prep(r, IORING_OP_SEND, op->fd, op->user_data);
        sqe->addr = op->addr;
        sqe->len = op->events;
        sqe->msg_flags = op->arg;
        break;
    case MK_URING_CANCEL:
        sqe = prep(r, IORING_OP_ASYNC_CANCEL, -1, MK_URING_REMOVE_TAG);
        sqe->addr = op->user_data;
        sqe->cancel_flags = IORING_ASYNC_CANCEL_ALL | op->arg;  /* arg: IORING_ASYNC_CANCEL_ANY cancels everything */
        break;
    case MK_URING_CANCEL_CLOSE:          /* the fd stays open (its number taken) until every request on it is cancelled */
        sqe = prep(r, IORING_OP_ASYNC_CANCEL, op->fd, MK_URING_REMOVE_TAG);
        sqe->cancel_flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
        sqe->flags = IOSQE_IO_HARDLINK;  /* the close runs whatever the cancel found */
        prep(r, IORING_OP_CLOSE, op->fd, MK_URING_REMOVE_TAG);
        break;
    case MK_URING_BUFFER:
        if (r->bufs && op->arg <= r->buf_mask)
            give_back(r, op->arg);
        break;
    default:                             /* MK_URING_NOP: a request dropped before it went in */
        break;
    }
}

static unsigned sqes_of(int kind) {
    return kind == MK_URING_CANCEL_CLOSE ? 2 : kind == MK_URING_NOP || kind == MK_URING_BUFFER ? 0 : 1;
}

/* Writes the ops as SQEs, flushing whenever the submission queue is full: 0, or -errno. */
static long queue(struct mk_uring *r, const struct mk_uring_op *ops, int nops) {
    r->taken = r->sqes_written = 0;
    long rc = 0;
    for (int i = 0; i < nops; i++) {
        if (r->sq_entries - unsubmitted(r) < sqes_of(ops[i].kind)) {
            long flushed = flush(r);
            if (r->sq_entries - unsubmitted(r) < sqes_of(ops[i].kind)) {
                rc = flushed < 0 ? flushed : -EBUSY;  /* the kernel takes none: the rest stay with the caller */
                break;
            }
        }
        write_op(r, &ops[i]);
        r->taken++;
        r->sqes_written += sqes_of(ops[i].kind);
    }
    STORE_RELEASE(r->sq_tail, r->sq_local_tail);
    publish_buffers(r);
    return rc;
}

/* A completion of a request under test gets the error a rule of MUXKIT_FAULTS gives it (io_uring_cqe:ECONNRESET...). */
static void inject(struct io_uring_cqe *c) {
    if ((int64_t)c->user_data < 0 || c->res < 0)
        return;
    int kind = (int)(c->user_data >> MK_URING_KIND_SHIFT) & 0x7f;
    int err = mk_fault_cqe(kind);
    if (!err)
        return;
    if (kind == MK_URING_ACCEPT_MULTI)
        close(c->res);  /* the connection it brought is refused, as when accept fails */
    c->res = err;
}

/* Copies up to max completions into cqes (struct io_uring_cqe), advancing the CQ head. */
static int reap(struct mk_uring *r, void *cqes, int max) {
    unsigned head = *r->cq_head, tail = LOAD_ACQUIRE(r->cq_tail);
    int n = 0;
    for (; head != tail && n < max; head++, n++) {
        struct io_uring_cqe *c = (struct io_uring_cqe *)cqes + n;
        memcpy(c, &r->cqes[head & *r->cq_mask], sizeof(struct io_uring_cqe));
        if (!(c->flags & IORING_CQE_F_MORE))
            r->inflight--;
        if (__builtin_expect(mk_faults_active, 0))
            inject(c);
    }
    STORE_RELEASE(r->cq_head, head);
    return n;
}

/* Submits the ops without waiting: 0, or -errno (ops the ring did not take stay the caller's). */
int mk_uring_submit(void *ring, const void *ops, int nops) {
    struct mk_uring *r = ring;
    long rc = enable(r);
    if (rc == 0)
        rc = queue(r, ops, nops);
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
    long rc = enable(r);
    if (rc == 0)
        rc = queue(r, ops, nops);
    if (rc < 0)
        return (int)rc;
    unsigned to_submit = unsubmitted(r);
    int completed = LOAD_ACQUIRE(r->cq_tail) != *r->cq_head;
    /* completions the kernel holds for us: overflowed, or waiting for us to run its task work */
    int held = LOAD_ACQUIRE(r->sq_flags) & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN);
    r->min_complete = 0;
    if (completed || timeout_ns == 0) {
        if (to_submit || held)
            rc = MK_RETRY_EINTR(enter(r, to_submit, 0, IORING_ENTER_GETEVENTS, NULL, 0));
    } else {
        /* a batch: wait for wait_nr completions, but once min_wait_usec has passed, for any one. With
         * DEFER_TASKRUN the kernel then wakes this thread once per batch, not once per completion. The
         * min wait needs a finite overall timeout (with none it would return empty when it expires). */
        unsigned nr = r->wait_nr > 1 && (r->features & IORING_FEAT_MIN_TIMEOUT) && r->min_wait_usec ? r->wait_nr : 1;
        r->min_complete = nr;
        long wait_ns = nr > 1 && timeout_ns < 0 ? 3600L * 1000000000L : timeout_ns;
        struct __kernel_timespec ts = { .tv_sec = wait_ns / 1000000000L, .tv_nsec = wait_ns % 1000000000L };
        struct io_uring_getevents_arg arg = { .ts = wait_ns < 0 ? 0 : (uint64_t)(uintptr_t)&ts };
        arg.pad = nr > 1 ? r->min_wait_usec : 0;  /* min_wait_usec since 6.12, in what older headers call pad */
        rc = enter(r, to_submit, nr, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof arg);
        if (rc == -ETIME)
            rc = 0;
    }
    if (rc < 0)
        return (int)rc;
    r->submitted += rc;
    return reap(r, cqes, max);
}
