/* Files for the HTTP server: opening beneath a root (openat2 RESOLVE_BENEATH), stat, fsync, rename. */
#define _GNU_SOURCE
#include "muxkit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <sys/inotify.h>
#include <unistd.h>

int mk_open_dir(const char *path) {
    return MK_RESULT(open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

/* Resolves path inside dirfd only: "..", absolute paths and symlinks that would leave it fail (EXDEV).
 * resolve: more RESOLVE_* flags (RESOLVE_NO_SYMLINKS: the file cache takes only paths without links). */
int mk_openat_beneath(int dirfd, const char *path, int flags, int mode, int resolve) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? (unsigned long long)mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | (unsigned long long)resolve;
    return MK_SYSCALL(openat2, syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

/* out[8]: size, mtime seconds, kind (0 regular, 1 directory, 2 symlink, 3 anything else), mtime nanoseconds,
 * inode, links, ctime seconds, ctime nanoseconds */
static void stat_out(const struct stat *st, long *out) {
    out[0] = (long)st->st_size;
    out[1] = (long)st->st_mtim.tv_sec;
    out[2] = S_ISREG(st->st_mode) ? 0 : S_ISDIR(st->st_mode) ? 1 : S_ISLNK(st->st_mode) ? 2 : 3;
    out[3] = (long)st->st_mtim.tv_nsec;
    out[4] = (long)st->st_ino;
    out[5] = (long)st->st_nlink;
    out[6] = (long)st->st_ctim.tv_sec;
    out[7] = (long)st->st_ctim.tv_nsec;
}

int mk_fstat(int fd, long *out) {
    struct stat st;
    long rc = MK_SYSCALL(fstat, fstat(fd, &st));
    if (rc < 0)
        return (int)rc;
    stat_out(&st, out);
    return 0;
}

/* What name (or path) in dirfd is, not following a symlink at its end: a listing's entries, a cache entry's path. */
int mk_fstatat(int dirfd, const char *name, long *out) {
    struct stat st;
    long rc = MK_SYSCALL(fstat, fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW));
    if (rc < 0)
        return (int)rc;
    stat_out(&st, out);
    return 0;
}

int mk_inotify_init(void) { return MK_SYSCALL(inotify_init, inotify_init1(IN_NONBLOCK | IN_CLOEXEC)); }

/* Watches the directory open as dirfd (through /proc/self/fd: inotify takes only paths). */
int mk_inotify_watch_fd(int ifd, int dirfd, uint32_t mask) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", dirfd);
    return MK_SYSCALL(inotify_add_watch, inotify_add_watch(ifd, path, mask));
}

int mk_inotify_rm_watch(int ifd, int wd) { return MK_RESULT(inotify_rm_watch(ifd, wd)); }

/* Directory entries as getdents64(2) packs them (struct dirent64: layout from constants.c); 0 at the end. */
int mk_getdents(int dirfd, void *buf, int len) {
    return MK_SYSCALL(getdents, getdents64(dirfd, buf, (size_t)len));
}

int mk_fsync(int fd) { return MK_SYSCALL(fsync, fsync(fd)); }

/* Reads at offset without moving the fd's offset: the file cache compares a small entry's bytes with the file's. */
ssize_t mk_pread(int fd, void *buf, size_t len, long offset) {
    return MK_RETRY_EINTR(MK_SYSCALL(read, pread(fd, buf, MK_LEN(read, len), (off_t)offset)));
}

/* An unnamed regular file in dirfd (O_TMPFILE): it has no name until mk_link_fd gives it one. */
int mk_open_tmpfile(int dirfd, int mode) {
    return MK_SYSCALL(open_tmpfile, openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode));
}

/* Gives the file open as fd the name `name` in dirfd (linkat through /proc/self/fd: the very file written). */
int mk_link_fd(int fd, int dirfd, const char *name) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return MK_SYSCALL(linkat, linkat(AT_FDCWD, path, dirfd, name, AT_SYMLINK_FOLLOW));
}

/* Both names are single components inside dirfd. */
int mk_renameat(int dirfd, const char *from, const char *to) {
    return MK_SYSCALL(renameat, renameat(dirfd, from, dirfd, to));
}

int mk_unlinkat(int dirfd, const char *name) { return MK_RESULT(unlinkat(dirfd, name, 0)); }
