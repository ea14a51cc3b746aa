/* Sockets: addresses built from text in network byte order, listen, accept4, connect, options, send, sendfile. */
#define _GNU_SOURCE
#include "muxkit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

int mk_socket(int domain, int type, int protocol) { return MK_SYSCALL(socket, socket(domain, type, protocol)); }
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
    return rc < 0 ? rc : MK_SYSCALL(connect, connect(fd, (struct sockaddr *)&ss, len));
}

int mk_listen(int fd, int backlog) { return MK_RESULT(listen(fd, backlog)); }
int mk_accept4(int fd, int flags) { return MK_RETRY_EINTR(MK_SYSCALL(accept4, accept4(fd, NULL, NULL, flags))); }

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

/* The peer's address as text, "127.0.0.1:51234" or "[::1]:51234", into buf: its length, or -errno. */
int mk_peer_address(int fd, char *buf, int len) {
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof ss;
    char host[INET6_ADDRSTRLEN];
    if (getpeername(fd, (struct sockaddr *)&ss, &sslen) < 0)
        return -errno;
    int n;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        n = snprintf(buf, (size_t)len, "%s:%d", host, ntohs(a->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        n = snprintf(buf, (size_t)len, "[%s]:%d", host, ntohs(a->sin6_port));
    } else {
        return -EAFNOSUPPORT;
    }
    return n < len ? n : len - 1;
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

/* recv(MSG_PEEK): the bytes stay queued in the kernel; a fault rule for read applies */
ssize_t mk_peek(int fd, void *buf, size_t len) {
    return MK_RETRY_EINTR(MK_SYSCALL(read, recv(fd, buf, MK_LEN(read, len), MSG_PEEK)));
}

ssize_t mk_send(int fd, const void *buf, size_t len, int flags) {
    return MK_RETRY_EINTR(MK_SYSCALL(send, send(fd, buf, MK_LEN(send, len), flags)));
}

ssize_t mk_sendfile(int out_fd, int in_fd, long offset, size_t count) {
    off_t off = (off_t)offset;
    return MK_RETRY_EINTR(MK_SYSCALL(sendfile, sendfile(out_fd, in_fd, &off, MK_LEN(sendfile, count))));
}
