/*
 * muxkit shim: the raw select(2), poll(2), epoll(7), io_uring and socket calls, one C function per syscall.
 *
 * Every function returns the syscall's result, or -errno on failure, so Java never reads the
 * thread-local errno (which the JVM may clobber before Java gets to it). No allocation, no global
 * state, no printing: policy lives in Java.
 */
#ifndef MUXKIT_H
#define MUXKIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MK_EXPORT __attribute__((visibility("default")))

/* constants.c: constants and struct layouts, looked up by name so Java never guesses them */
MK_EXPORT long mk_const(const char *name);       /* LONG_MIN when the name is unknown */
MK_EXPORT const char *mk_errno_name(int err);    /* "EBADF"; "E?" when unknown */
MK_EXPORT const char *mk_strerror(int err);      /* "Bad file descriptor" */

/* threads.c: tests interrupt one thread's wait (EINTR) */
MK_EXPORT int mk_gettid(void);
MK_EXPORT int mk_tgkill(int tid, int sig);

/* select.c: fd_set bitmaps of any size (as libevent's select backend), never written past `bytes` */
MK_EXPORT int mk_fdset_bytes(int nfds);          /* bytes an fd_set covering fds [0, nfds) needs */
MK_EXPORT int mk_fdset_add(void *set, int bytes, int fd);
MK_EXPORT int mk_fdset_remove(void *set, int bytes, int fd);
MK_EXPORT int mk_select(int nfds, void *readfds, void *writefds, long timeout_ns);  /* -1: forever */
MK_EXPORT int mk_fdset_ready(const void *readfds, const void *writefds, int nfds,
                             int *fds, int *ops, int max);

/* poll.c */
MK_EXPORT int mk_poll(void *pollfds, int nfds, long timeout_ns);  /* ppoll: -1 forever */

/* epoll.c: events is a caller-owned array of `max` packed struct epoll_event */
MK_EXPORT int mk_epoll_create1(int flags);
MK_EXPORT int mk_epoll_ctl(int epfd, int op, int fd, uint32_t events);
MK_EXPORT int mk_epoll_wait(int epfd, void *events, int max, long timeout_ns);  /* epoll_pwait2, else rounded up to ms */

/* uring.c: io_uring, both ways. Readiness: poll requests. Completion: multishot accept, multishot recv
 * into a provided buffer ring, send, cancel, close. The ring lives in caller-owned memory of
 * mk_uring_size() bytes (struct mk_uring, below: Java reads its counters by offset). Java queues
 * requests (struct mk_uring_op) in a native array; mk_uring_wait writes them as SQEs, submits and
 * waits in one io_uring_enter, and copies the completions out. */
struct mk_uring_op {                             /* a request Java queues for the next wait */
    uint64_t user_data;                          /* reported with its completions; REMOVE, CANCEL: the request to cancel */
    uint64_t addr;                               /* SEND: the bytes */
    int32_t fd;
    uint32_t events;                             /* POLL: poll(2) bits; SEND: bytes; RECV_MULTI: the most bytes, 0 none */
    int32_t kind;                                /* MK_URING_* */
    uint32_t arg;                                /* SEND: msg flags; RECV_MULTI: buffer group; BUFFER: buffer id */
};
enum {
    MK_URING_NOP = 0,                            /* dropped: no SQE */
    MK_URING_ADD = 1, MK_URING_ADD_MULTI = 2,    /* POLL_ADD, one-shot or multishot */
    MK_URING_REMOVE = 3,                         /* POLL_REMOVE of user_data */
    MK_URING_ACCEPT_MULTI = 4,                   /* multishot ACCEPT: a completion per connection */
    MK_URING_RECV_MULTI = 5,                     /* multishot RECV into buffers of group arg, ended after events bytes (6.16) */
    MK_URING_SEND = 6,                           /* SEND of events bytes at addr */
    MK_URING_CANCEL = 7,                         /* ASYNC_CANCEL of every request with user_data */
    MK_URING_CANCEL_CLOSE = 8,                   /* ASYNC_CANCEL of every request on fd, then (hard-linked) CLOSE of fd */
    MK_URING_BUFFER = 9,                         /* buffer arg goes back to the buffer ring: no SQE */
};
#define MK_URING_REMOVE_TAG (1ULL << 63)         /* user_data of an acknowledgement nobody waits for (REMOVE, CANCEL, CLOSE) */
#define MK_URING_KIND_SHIFT 56                   /* completion requests carry their kind (ACCEPT_MULTI, RECV_MULTI, SEND) here */
struct io_uring_sqe;
struct io_uring_cqe;
struct io_uring_buf;
struct mk_uring {
    long enters;                 /* io_uring_enter calls made */
    long submitted;              /* SQEs the kernel took */
    long taken;                  /* ops the last submit or wait put in the ring (all, unless it failed) */
    long sqes_written;           /* the SQEs those ops became (none for NOP and BUFFER, two for CANCEL_CLOSE) */
    long inflight;               /* requests submitted whose last completion has not been read */
    unsigned wait_nr;            /* a wait waits for this many completions (0 or 1: one), */
    unsigned min_wait_usec;      /* but no longer than this once one has come (IORING_FEAT_MIN_TIMEOUT, 6.12) */
    unsigned min_complete;       /* what the last wait's io_uring_enter waited for (0: it did not wait) */
    unsigned setup_flags;        /* the IORING_SETUP_* flags the kernel took */
    unsigned features;           /* IORING_FEAT_* */
    int registered_ring;         /* 1 when io_uring_enter goes through a registered ring fd (IORING_ENTER_REGISTERED_RING) */
    int owner;                   /* the thread (tid) that enabled the ring and registered its fd */
    int fd;
    int enter_fd;                /* fd, or its registered index */
    int disabled;                /* created IORING_SETUP_R_DISABLED: enabled by the first enter, on the thread that will submit */
    unsigned sq_entries, cq_entries;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned sq_local_tail;      /* SQEs written, not yet published to the kernel */
    void *sq_ring, *cq_ring;
    size_t sq_ring_bytes, cq_ring_bytes, sqes_bytes;
    struct io_uring_buf *bufs;   /* the provided buffer ring (mk_uring_buffers), or NULL */
    char *buf_base;
    unsigned buf_mask, buf_size;
    unsigned short buf_tail;     /* buffers written, published at the end of each queue */
};
MK_EXPORT size_t mk_uring_size(void);
MK_EXPORT int mk_uring_init(void *ring, unsigned entries, unsigned cq_entries);  /* readiness: ring fd or -errno */
MK_EXPORT int mk_uring_init_completion(void *ring, unsigned entries, unsigned cq_entries);  /* SINGLE_ISSUER, DEFER_TASKRUN... */
MK_EXPORT int mk_uring_buffers(void *ring, void *ring_memory, unsigned entries, unsigned group, void *base, unsigned size);
MK_EXPORT void mk_uring_exit(void *ring);
MK_EXPORT int mk_uring_submit(void *ring, const void *ops, int nops);           /* 0 or -errno; no wait */
MK_EXPORT int mk_uring_wait(void *ring, const void *ops, int nops, long timeout_ns, void *cqes, int max);

/* fds.c: descriptors of any kind */
MK_EXPORT int mk_open(const char *path, int flags);  /* O_CLOEXEC always added */
MK_EXPORT int mk_close(int fd);
MK_EXPORT int mk_dup2(int oldfd, int newfd);
MK_EXPORT int mk_fd_flags(int fd);               /* fcntl(F_GETFD): a cheap "is this fd open?" */
MK_EXPORT int mk_pipe2(int *fds, int flags);
MK_EXPORT int mk_eventfd(unsigned int initval, int flags);
MK_EXPORT int mk_eventfd_write(int fd, uint64_t value);
MK_EXPORT long mk_eventfd_read(int fd);          /* the counter; -EAGAIN when it is zero */
MK_EXPORT ssize_t mk_read(int fd, void *buf, size_t len);
MK_EXPORT ssize_t mk_write(int fd, const void *buf, size_t len);

/* net.c: sockets */
MK_EXPORT int mk_socket(int domain, int type, int protocol);
MK_EXPORT int mk_socketpair(int domain, int type, int *fds);
MK_EXPORT int mk_bind(int fd, const char *ip, int port);     /* IPv4 or IPv6 text address */
MK_EXPORT int mk_connect(int fd, const char *ip, int port);  /* -EINPROGRESS when nonblocking */
MK_EXPORT int mk_listen(int fd, int backlog);
MK_EXPORT int mk_accept4(int fd, int flags);
MK_EXPORT int mk_local_port(int fd);
MK_EXPORT int mk_peer_address(int fd, char *buf, int len);  /* "127.0.0.1:51234": its length, or -errno */
MK_EXPORT int mk_shutdown(int fd, int how);
MK_EXPORT int mk_setsockopt_int(int fd, int level, int name, int value);
MK_EXPORT int mk_getsockopt_int(int fd, int level, int name); /* value (>= 0) or -errno */
MK_EXPORT ssize_t mk_peek(int fd, void *buf, size_t len);  /* recv MSG_PEEK: read without taking */
MK_EXPORT ssize_t mk_send(int fd, const void *buf, size_t len, int flags);
MK_EXPORT ssize_t mk_sendfile(int out_fd, int in_fd, long offset, size_t count);

/* files.c: the HTTP server's files, confined beneath a root */
MK_EXPORT int mk_open_dir(const char *path);
MK_EXPORT int mk_openat_beneath(int dirfd, const char *path, int flags, int mode, int resolve);
MK_EXPORT int mk_fstat(int fd, long *out);        /* out[8]: size, mtime s, kind, mtime ns, inode, links, ctime s, ctime ns */
MK_EXPORT int mk_fstatat(int dirfd, const char *name, long *out);
MK_EXPORT int mk_getdents(int dirfd, void *buf, int len);
MK_EXPORT int mk_inotify_init(void);             /* nonblocking, close-on-exec */
MK_EXPORT int mk_inotify_watch_fd(int ifd, int dirfd, uint32_t mask);
MK_EXPORT int mk_inotify_rm_watch(int ifd, int wd);
MK_EXPORT int mk_fsync(int fd);
MK_EXPORT ssize_t mk_pread(int fd, void *buf, size_t len, long offset);
MK_EXPORT int mk_open_tmpfile(int dirfd, int mode);
MK_EXPORT int mk_link_fd(int fd, int dirfd, const char *name);
MK_EXPORT int mk_renameat(int dirfd, const char *from, const char *to);
MK_EXPORT int mk_unlinkat(int dirfd, const char *name);

/* a syscall's result, or -errno read at once, before anything else can change it */
#define MK_RESULT(call) mk_result((long)(call))
static inline long mk_result(long rc) {
    extern int *__errno_location(void);
    return rc < 0 ? -*__errno_location() : rc;
}

/* faults.c: fault injection (MUXKIT_FAULTS), at the one result point below */
#define MK_CALLS(X) X(read) X(write) X(send) X(sendfile) X(accept4) X(connect) X(select) X(poll) \
    X(epoll_wait) X(epoll_ctl) X(openat2) X(open_tmpfile) X(fstat) X(getdents) X(fsync) X(renameat) X(linkat) \
    X(eventfd) X(pipe2) X(socket) X(inotify_init) X(inotify_add_watch) X(io_uring_setup) X(io_uring_enter) X(io_uring_cqe)
enum mk_call {
#define MK_ENUM(name) MK_CALL_##name,
    MK_CALLS(MK_ENUM)
#undef MK_ENUM
    MK_CALL_COUNT
};
extern int mk_faults_active;
long mk_fault(int call);                         /* -errno to inject now, or 0 */
size_t mk_fault_len(int call, size_t len);       /* len, or fewer bytes to move now */
int mk_fault_cqe(int kind);                      /* -errno to put in a completion of that kind now, or 0 */
MK_EXPORT const char *mk_faults_error(void);     /* why MUXKIT_FAULTS was refused, or NULL */
MK_EXPORT const char *mk_faults_description(void); /* the rules in force, or NULL when none */
MK_EXPORT long mk_faults_seed(void);
MK_EXPORT long mk_faults_injected(void);         /* faults injected so far, every call counted */

/* The result point of every syscall that can fail by injection: the injected -errno (the call is
 * then not made, as when the kernel fails it), else the call's result or -errno. */
#define MK_SYSCALL(name, call) ({ \
        long mk_fault_ = __builtin_expect(mk_faults_active, 0) ? mk_fault(MK_CALL_##name) : 0; \
        mk_fault_ ? mk_fault_ : mk_result((long)(call)); })
/* len, or (injected SHORT) fewer bytes, for a read, write, send or sendfile */
#define MK_LEN(name, len) (__builtin_expect(mk_faults_active, 0) ? mk_fault_len(MK_CALL_##name, (len)) : (len))
/* Nonblocking I/O is retried on EINTR (no byte moved, nothing to wait for): a signal is not an error. */
#define MK_RETRY_EINTR(expr) ({ long mk_rc_; do mk_rc_ = (expr); while (mk_rc_ == -EINTR); mk_rc_; })

#endif
