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
#include <sys/syscall.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <unistd.h>

#define C(x) { #x, (long)(x) }

static const struct { const char *name; long value; } constants[] = {
    C(FD_SETSIZE),
    { "sizeof(struct epoll_event)", sizeof(struct epoll_event) },
    { "offsetof(struct epoll_event, events)", offsetof(struct epoll_event, events) },
    { "offsetof(struct epoll_event, data)", offsetof(struct epoll_event, data) },
    { "sizeof(struct pollfd)", sizeof(struct pollfd) },
    { "offsetof(struct pollfd, fd)", offsetof(struct pollfd, fd) },
    { "offsetof(struct pollfd, events)", offsetof(struct pollfd, events) },
    { "offsetof(struct pollfd, revents)", offsetof(struct pollfd, revents) },
    { "sizeof(fd_set)", sizeof(fd_set) },
    C(EPOLLIN), C(EPOLLPRI), C(EPOLLOUT), C(EPOLLERR), C(EPOLLHUP), C(EPOLLRDHUP), C(EPOLLET),
    C(EPOLL_CTL_ADD), C(EPOLL_CTL_MOD), C(EPOLL_CTL_DEL), C(EPOLL_CLOEXEC),
    C(POLLIN), C(POLLPRI), C(POLLOUT), C(POLLERR), C(POLLHUP), C(POLLNVAL), C(POLLRDHUP),
    C(EFD_NONBLOCK), C(EFD_CLOEXEC), C(O_NONBLOCK), C(O_CLOEXEC), C(O_RDONLY), C(O_WRONLY), C(O_CREAT), C(O_EXCL), C(O_DIRECTORY), C(O_TRUNC),
    C(AF_INET), C(AF_INET6), C(AF_UNIX), C(SOCK_STREAM), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
    C(SOL_SOCKET), C(SO_ERROR), C(SO_REUSEADDR), C(SO_REUSEPORT), C(SO_RCVBUF), C(SO_SNDBUF),
    C(IPPROTO_TCP), C(TCP_NODELAY), C(MSG_MORE), C(MSG_NOSIGNAL), C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR),
    C(EAGAIN), C(EINTR), C(EBADF), C(EINPROGRESS), C(EMFILE), C(ENFILE), C(ENOENT), C(EPERM),
    C(ENOSPC), C(EPIPE), C(EXDEV), C(ELOOP), C(ENOTDIR), C(EISDIR), C(EACCES), C(ECONNRESET), C(EINVAL), C(EEXIST), C(ENOBUFS), C(ENOMEM),
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

int mk_gettid(void) { return (int)syscall(SYS_gettid); }

int mk_tgkill(int tid, int sig) {
    return MK_RESULT((int)syscall(SYS_tgkill, getpid(), tid, sig));
}
