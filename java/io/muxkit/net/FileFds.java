package io.muxkit.net;

import io.muxkit.ffi.LibMuxkit;
import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;

/**
 * The syscalls on files and directories, as {@link Fds} has those on pipes and sockets: openat2
 * beneath a directory, fstat, getdents, inotify, a temporary file linked and renamed into place.
 * A path goes in as its own NUL-terminated bytes (a name need not be UTF-8) with the text an error
 * names it by. A failure is a {@link NativeIOException}, except where a method says what it returns
 * instead (a name that does not exist is an answer, not a failure). Reads and writes of a file's
 * bytes are {@link Fds#read} and {@link Fds#write}.
 */
public final class FileFds {
    private static final LibMuxkit LIB = Native.syscalls();
    private FileFds() {}

    /** A directory, opened read-only by its absolute path. */
    public static int openDirectory(String path) throws NativeIOException {
        return Native.check(LIB.mk_open_dir(path), "open(" + path + ")", -1);
    }

    /**
     * openat2(dirFd, path, flags, mode, RESOLVE_BENEATH | resolve): ".." and symlinks that leave
     * dirFd fail with EXDEV. what names the call in an error, e.g. {@code openat2(a/b)}.
     */
    public static int openBeneath(int dirFd, byte[] path, int flags, int mode, int resolve, String what) throws NativeIOException {
        return Native.check(LIB.mk_openat_beneath(dirFd, path, flags, mode, resolve), what, -1);
    }

    /** fstat(fd) into out, in the shim's order (size, mtime, kind, mtime nanoseconds, inode, links, ctime, its nanoseconds). */
    public static void fstat(int fd, long[] out) throws NativeIOException {
        Native.check(LIB.mk_fstat(fd, out), "fstat", fd);
    }

    /** fstatat(dirFd, name, AT_SYMLINK_NOFOLLOW) into out as {@link #fstat}; false when nothing is at name (ENOENT, ENOTDIR). */
    public static boolean fstatat(int dirFd, byte[] name, long[] out, String what) throws NativeIOException {
        int rc = LIB.mk_fstatat(dirFd, name, out);
        if (rc == -Native.ENOENT || rc == -Native.ENOTDIR) return false;
        Native.check(rc, what, dirFd);
        return true;
    }

    /** Directory entries (struct linux_dirent64) read into buf: the bytes filled, 0 at the end. */
    public static int getdents(int dirFd, NativeBuffer buf) throws NativeIOException {
        return Native.check(LIB.mk_getdents(dirFd, buf.address(), (int) buf.size()), "getdents64", dirFd);
    }

    /** pread(fd, into, len, offset): the bytes read, or -errno (a caller comparing content treats any shortfall alike). */
    public static long preadOrErrno(int fd, byte[] into, long len, long offset) {
        return LIB.mk_pread(fd, into, len, offset);
    }

    /** A nonblocking, close-on-exec inotify fd. */
    public static int inotifyInit() throws NativeIOException {
        return Native.check(LIB.mk_inotify_init(), "inotify_init1", -1);
    }

    /** A watch on what fd (an O_PATH fd will do) is, for the events of mask: its wd, or -errno (ENOSPC at max_user_watches). */
    public static int inotifyWatchOrErrno(int inotifyFd, int fd, int mask) {
        return LIB.mk_inotify_watch_fd(inotifyFd, fd, mask);
    }

    /** Drops a watch, ignoring failure (the kernel drops a watch itself when what it watches goes). */
    public static void inotifyUnwatchQuietly(int inotifyFd, int wd) {
        LIB.mk_inotify_rm_watch(inotifyFd, wd);
    }

    /** An unnamed file in dirFd (O_TMPFILE) open for writing; -1 when the file system has none (then create a named one). */
    public static int openUnnamed(int dirFd, int mode) throws NativeIOException {
        int fd = LIB.mk_open_tmpfile(dirFd, mode);
        if (fd == -Native.EOPNOTSUPP || fd == -Native.EISDIR || fd == -Native.EINVAL) return -1;
        return Native.check(fd, "openat(O_TMPFILE)", dirFd);
    }

    public static void fsync(int fd) throws NativeIOException {
        Native.check(LIB.mk_fsync(fd), "fsync", fd);
    }

    /** Gives open file fd the name in dirFd (linkat of /proc/self/fd); false when that name exists already. */
    public static boolean link(int fd, int dirFd, String name) throws NativeIOException {
        int rc = LIB.mk_link_fd(fd, dirFd, name);
        if (rc == -Native.EEXIST) return false;
        Native.check(rc, "linkat", fd);
        return true;
    }

    /** renameat(dirFd, from, dirFd, to): to is replaced at once, if it exists. */
    public static void rename(int dirFd, String from, String to) throws NativeIOException {
        Native.check(LIB.mk_renameat(dirFd, from, to), "renameat", dirFd);
    }

    /** unlinkat(dirFd, name), ignoring failure: for cleanup paths. */
    public static void unlinkQuietly(int dirFd, String name) {
        LIB.mk_unlinkat(dirFd, name);
    }
}
