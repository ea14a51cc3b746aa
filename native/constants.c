/* Constants and struct layouts by name, and errno names: so Java never guesses a number or an offset. */
#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/inotify.h>
#include <linux/openat2.h>
#include "uring_abi.h"

#define C(x) { #x, (long)(x) }

/* Exactly the names Java's Native class asks for (NativeLayoutTest checks each one resolves). */
static const struct { const char *name; long value; } constants[] = {
    C(FD_SETSIZE),
    { "sizeof(struct epoll_event)", sizeof(struct epoll_event) },
    { "offsetof(struct epoll_event, events)", offsetof(struct epoll_event, events) },
    { "offsetof(struct epoll_event, data)", offsetof(struct epoll_event, data) },
    { "sizeof(struct pollfd)", sizeof(struct pollfd) },
    { "offsetof(struct pollfd, fd)", offsetof(struct pollfd, fd) },
    { "offsetof(struct pollfd, events)", offsetof(struct pollfd, events) },
    { "offsetof(struct pollfd, revents)", offsetof(struct pollfd, revents) },
    { "sizeof(struct mk_uring_op)", sizeof(struct mk_uring_op) },
    { "offsetof(struct mk_uring_op, user_data)", offsetof(struct mk_uring_op, user_data) },
    { "offsetof(struct mk_uring_op, fd)", offsetof(struct mk_uring_op, fd) },
    { "offsetof(struct mk_uring_op, events)", offsetof(struct mk_uring_op, events) },
    { "offsetof(struct mk_uring_op, kind)", offsetof(struct mk_uring_op, kind) },
    { "offsetof(struct mk_uring_op, addr)", offsetof(struct mk_uring_op, addr) },
    { "offsetof(struct mk_uring_op, arg)", offsetof(struct mk_uring_op, arg) },
    { "offsetof(struct mk_uring, enters)", offsetof(struct mk_uring, enters) },
    { "offsetof(struct mk_uring, submitted)", offsetof(struct mk_uring, submitted) },
    { "offsetof(struct mk_uring, taken)", offsetof(struct mk_uring, taken) },
    { "offsetof(struct mk_uring, inflight)", offsetof(struct mk_uring, inflight) },
    { "offsetof(struct mk_uring, sqes_written)", offsetof(struct mk_uring, sqes_written) },
    { "offsetof(struct mk_uring, min_complete)", offsetof(struct mk_uring, min_complete) },
    { "offsetof(struct mk_uring, setup_flags)", offsetof(struct mk_uring, setup_flags) },
    { "offsetof(struct mk_uring, wait_nr)", offsetof(struct mk_uring, wait_nr) },
    { "offsetof(struct mk_uring, min_wait_usec)", offsetof(struct mk_uring, min_wait_usec) },
    { "offsetof(struct mk_uring, features)", offsetof(struct mk_uring, features) },
    { "offsetof(struct mk_uring, registered_ring)", offsetof(struct mk_uring, registered_ring) },
    { "offsetof(struct mk_uring, cq_entries)", offsetof(struct mk_uring, cq_entries) },
    { "offsetof(struct mk_uring, sq_entries)", offsetof(struct mk_uring, sq_entries) },
    { "sizeof(struct io_uring_buf)", sizeof(struct io_uring_buf) },
    { "sizeof(struct io_uring_cqe)", sizeof(struct io_uring_cqe) },
    { "offsetof(struct io_uring_cqe, user_data)", offsetof(struct io_uring_cqe, user_data) },
    { "offsetof(struct io_uring_cqe, res)", offsetof(struct io_uring_cqe, res) },
    { "offsetof(struct io_uring_cqe, flags)", offsetof(struct io_uring_cqe, flags) },
    C(MK_URING_NOP), C(MK_URING_ADD), C(MK_URING_ADD_MULTI), C(MK_URING_REMOVE), C(MK_URING_ACCEPT_MULTI),
    C(MK_URING_RECV_MULTI), C(MK_URING_SEND), C(MK_URING_CANCEL), C(MK_URING_CANCEL_CLOSE), C(MK_URING_BUFFER),
    C(MK_URING_KIND_SHIFT),
    C(IORING_CQE_F_MORE), C(IORING_CQE_F_BUFFER), C(IORING_CQE_BUFFER_SHIFT), C(IORING_ASYNC_CANCEL_ANY),
    C(IORING_SETUP_SINGLE_ISSUER), C(IORING_SETUP_DEFER_TASKRUN), C(IORING_SETUP_COOP_TASKRUN),
    C(IORING_SETUP_TASKRUN_FLAG), C(IORING_SETUP_SUBMIT_ALL), C(IORING_SETUP_CLAMP), C(IORING_SETUP_CQSIZE),
    C(IORING_SETUP_R_DISABLED), C(IORING_FEAT_RECVSEND_BUNDLE), C(IORING_FEAT_MIN_TIMEOUT),
    { "sizeof(struct inotify_event)", sizeof(struct inotify_event) },
    { "offsetof(struct inotify_event, wd)", offsetof(struct inotify_event, wd) },
    { "offsetof(struct inotify_event, mask)", offsetof(struct inotify_event, mask) },
    { "offsetof(struct inotify_event, len)", offsetof(struct inotify_event, len) },
    { "offsetof(struct inotify_event, name)", offsetof(struct inotify_event, name) },
    C(IN_MODIFY), C(IN_ATTRIB), C(IN_CLOSE_WRITE), C(IN_MOVED_FROM), C(IN_MOVED_TO), C(IN_CREATE), C(IN_DELETE),
    C(IN_DELETE_SELF), C(IN_MOVE_SELF), C(IN_Q_OVERFLOW), C(IN_IGNORED), C(IN_ONLYDIR), C(IN_ISDIR),
    { "offsetof(struct dirent64, d_reclen)", offsetof(struct dirent64, d_reclen) },
    { "offsetof(struct dirent64, d_type)", offsetof(struct dirent64, d_type) },
    { "offsetof(struct dirent64, d_name)", offsetof(struct dirent64, d_name) },
    C(EPOLLIN), C(EPOLLPRI), C(EPOLLOUT), C(EPOLLERR), C(EPOLLHUP), C(EPOLLRDHUP), C(EPOLLET),
    C(EPOLL_CTL_ADD), C(EPOLL_CTL_MOD), C(EPOLL_CTL_DEL), C(EPOLL_CLOEXEC),
    C(POLLIN), C(POLLPRI), C(POLLOUT), C(POLLERR), C(POLLHUP), C(POLLNVAL), C(POLLRDHUP),
    C(EFD_NONBLOCK), C(EFD_CLOEXEC),
    C(O_RDONLY), C(O_WRONLY), C(O_CREAT), C(O_EXCL), C(O_DIRECTORY), C(O_NONBLOCK), C(O_CLOEXEC),
    C(O_PATH), C(O_NOCTTY), C(RESOLVE_NO_SYMLINKS),
    C(AF_INET), C(AF_INET6), C(AF_UNIX), C(SOCK_STREAM), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
    C(SOL_SOCKET), C(SO_ERROR), C(SO_REUSEADDR), C(SO_REUSEPORT), C(IPPROTO_TCP), C(TCP_NODELAY),
    C(MSG_MORE), C(MSG_NOSIGNAL), C(SHUT_WR),
    C(EAGAIN), C(EINTR), C(EBADF), C(EINPROGRESS), C(EMFILE), C(ENFILE), C(ENOENT), C(EPERM),
    C(ENOSPC), C(EXDEV), C(ELOOP), C(ENOTDIR), C(EACCES), C(EINVAL), C(ENAMETOOLONG), C(ENXIO),
    C(EOPNOTSUPP), C(EISDIR), C(EEXIST), C(ECANCELED), C(ENOSYS), C(ENOMEM), C(ECONNREFUSED), C(ECONNRESET), C(ENOBUFS), C(EPIPE), C(ETIME),
    C(SIGWINCH),
};

long mk_const(const char *name) {
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        if (strcmp(constants[i].name, name) == 0)
            return constants[i].value;
    return LONG_MIN;
}

const char *mk_errno_name(int err) {
    const char *name = strerrorname_np(err);
    return name ? name : "E?";
}

const char *mk_strerror(int err) {
    return strerror(err);  /* glibc returns a static string for known codes */
}
