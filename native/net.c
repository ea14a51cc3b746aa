#define _GNU_SOURCE
#include "muxkit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

int mk_open(const char *path, int flags) { return MK_RESULT(open(path, flags | O_CLOEXEC)); }
int mk_close(int fd) { return MK_RESULT(close(fd)); }
int mk_dup2(int oldfd, int newfd) { return MK_RESULT(dup2(oldfd, newfd)); }
int mk_fd_flags(int fd) { return MK_RESULT(fcntl(fd, F_GETFD)); }

/* fcntl is variadic: calling it through an FFI without varargs support is undefined */
int mk_set_nonblocking(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -errno;
    flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return MK_RESULT(fcntl(fd, F_SETFL, flags));
}

int mk_pipe2(int *fds, int flags) { return MK_RESULT(pipe2(fds, flags)); }
int mk_eventfd(unsigned int initval, int flags) { return MK_RESULT(eventfd(initval, flags)); }
int mk_eventfd_write(int fd, uint64_t value) { return MK_RESULT(eventfd_write(fd, value)); }

long mk_eventfd_read(int fd) {
    eventfd_t value;
    return eventfd_read(fd, &value) < 0 ? -errno : (long)value;
}

ssize_t mk_read(int fd, void *buf, size_t len) { return MK_RESULT(read(fd, buf, len)); }
ssize_t mk_write(int fd, const void *buf, size_t len) { return MK_RESULT(write(fd, buf, len)); }

ssize_t mk_send(int fd, const void *buf, size_t len, int flags) { return MK_RESULT(send(fd, buf, len, flags)); }

ssize_t mk_sendfile(int out_fd, int in_fd, long offset, size_t count) {
    off_t off = (off_t)offset;
    return MK_RESULT(sendfile(out_fd, in_fd, &off, count));
}

int mk_socket(int domain, int type, int protocol) { return MK_RESULT(socket(domain, type, protocol)); }
int mk_socketpair(int domain, int type, int *fds) { return MK_RESULT(socketpair(domain, type, 0, fds)); }

/* Builds a sockaddr from text, in network byte order; -EINVAL for an address that does not parse. */
static int to_sockaddr(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *len) {
    memset(ss, 0, sizeof *ss);
    if (port < 0 || port > 65535)
        return -EINVAL;
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return 0;
    }
    return -EINVAL;
}

int mk_bind(int fd, const char *ip, int port) {
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = to_sockaddr(ip, port, &ss, &len);
    return rc < 0 ? rc : MK_RESULT(bind(fd, (struct sockaddr *)&ss, len));
}

int mk_connect(int fd, const char *ip, int port) {
    struct sockaddr_storage ss;
    socklen_t len;
    int rc = to_sockaddr(ip, port, &ss, &len);
    return rc < 0 ? rc : MK_RESULT(connect(fd, (struct sockaddr *)&ss, len));
}

int mk_listen(int fd, int backlog) { return MK_RESULT(listen(fd, backlog)); }
int mk_accept4(int fd, int flags) { return MK_RESULT(accept4(fd, NULL, NULL, flags)); }

int mk_local_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -errno;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -EAFNOSUPPORT;
}

int mk_shutdown(int fd, int how) { return MK_RESULT(shutdown(fd, how)); }

int mk_setsockopt_int(int fd, int level, int name, int value) {
    return MK_RESULT(setsockopt(fd, level, name, &value, sizeof value));
}

int mk_getsockopt_int(int fd, int level, int name) {
    int value = 0;
    socklen_t len = sizeof value;
    return getsockopt(fd, level, name, &value, &len) < 0 ? -errno : value;
}
