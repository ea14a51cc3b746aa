/* Descriptors of any kind: open, close, dup2, pipes, eventfds, read and write. */
#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

int mk_open(const char *path, int flags) { return MK_RESULT(open(path, flags | O_CLOEXEC)); }
int mk_close(int fd) { return MK_RESULT(close(fd)); }
int mk_dup2(int oldfd, int newfd) { return MK_RESULT(dup2(oldfd, newfd)); }
int mk_fd_flags(int fd) { return MK_RESULT(fcntl(fd, F_GETFD)); }

int mk_pipe2(int *fds, int flags) { return MK_SYSCALL(pipe2, pipe2(fds, flags)); }
int mk_eventfd(unsigned int initval, int flags) { return MK_SYSCALL(eventfd, eventfd(initval, flags)); }
int mk_eventfd_write(int fd, uint64_t value) { return MK_RESULT(eventfd_write(fd, value)); }

long mk_eventfd_read(int fd) {
    eventfd_t value;
    return eventfd_read(fd, &value) < 0 ? -errno : (long)value;
}

ssize_t mk_read(int fd, void *buf, size_t len) {
    return MK_RETRY_EINTR(MK_SYSCALL(read, read(fd, buf, MK_LEN(read, len))));
}

ssize_t mk_write(int fd, const void *buf, size_t len) {
    return MK_RETRY_EINTR(MK_SYSCALL(write, write(fd, buf, MK_LEN(write, len))));
}
