package io.muxkit.files;

import java.nio.file.Path;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.http.HttpError;
import io.muxkit.net.FileFds;
import io.muxkit.net.Fds;

/**
 * The directory a file server serves, held open as an fd. Every path is opened beneath it with
 * openat2(RESOLVE_BENEATH): "..", absolute symlinks and symlinks that leave it fail with EXDEV.
 * A path goes to the kernel as its own bytes ({@link FileNames}), UTF-8 or not.
 */
public final class RootDir implements AutoCloseable {
    /** What fstat says: size, mtime (seconds and their nanoseconds), kind, inode, hard links, ctime. */
    public record Stat(long size, long mtimeSeconds, int mtimeNanos, Kind kind, long inode, long links, long ctimeSeconds,
                       int ctimeNanos) {
        public enum Kind { REGULAR, DIRECTORY, SYMLINK, OTHER }

        public boolean regular() { return kind == Kind.REGULAR; }
        public boolean directory() { return kind == Kind.DIRECTORY; }

        /**
         * A strong validator (RFC 9110 section 8.8.1): the inode, the size and the mtime to the
         * nanosecond, so two versions written in the same second, or swapped in by a rename, differ.
         */
        public String etag() {
            return "\"" + Long.toHexString(inode) + "-" + Long.toHexString(size) + "-"
                    + Long.toHexString(mtimeSeconds) + "." + Integer.toHexString(mtimeNanos) + "\"";
        }

        /**
         * Whether other is the same file with the same content as far as the inode says: same inode,
         * size, mtime and ctime (a write can put the mtime back, never the ctime).
         */
        public boolean unchangedAs(Stat other) {
            return inode == other.inode && size == other.size && mtimeSeconds == other.mtimeSeconds
                    && mtimeNanos == other.mtimeNanos && ctimeSeconds == other.ctimeSeconds && ctimeNanos == other.ctimeNanos;
        }

        static final int LONGS = 8;  // the out array of mk_fstat and mk_fstatat

        static Stat of(long[] out) {
            return new Stat(out[0], out[1], (int) out[3], Kind.values()[(int) out[2]], out[4], out[5], out[6], (int) out[7]);
        }
    }

    /** An fd opened for reading with what fstat said of it. */
    public record Opened(int fd, Stat stat) {}

    /** Names that start with this are uploads in progress: never listed, never served or replaced. */
    public static final String UPLOAD_PREFIX = ".muxkit-upload-";

    private final int fd;
    private final Path path;

    private RootDir(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    public static RootDir open(Path dir) throws NativeIOException {
        Path abs = dir.toAbsolutePath().normalize();
        return new RootDir(FileFds.openDirectory(abs.toString()), abs);
    }

    public Path path() {
        return path;
    }

    /** Opens rel ("" for the root itself) beneath this directory. */
    public int open(String rel, int flags) throws NativeIOException {
        return openIn(fd, rel, flags, 0);
    }

    /**
     * Opens rel for reading if it is a regular file or a directory; anything else (a FIFO, a
     * socket, a device) is a 403. The open never blocks: O_NONBLOCK keeps a FIFO without a
     * writer from holding the loop (a regular file ignores the flag), O_NOCTTY keeps a terminal
     * from becoming ours, and a socket file fails at once (ENXIO).
     */
    public Opened openForReading(String rel) throws HttpError {
        int opened;
        try {
            opened = open(rel, Native.O_RDONLY | Native.O_NONBLOCK | Native.O_NOCTTY);
        } catch (NativeIOException e) {
            throw refusal(e);
        }
        Stat st;
        try {
            st = stat(opened);
        } catch (NativeIOException e) {
            Fds.closeQuietly(opened);
            throw refusal(e);
        }
        if (st.regular() || st.directory()) return new Opened(opened, st);
        Fds.closeQuietly(opened);
        throw new HttpError(403, "not a regular file or a directory");
    }

    /**
     * What name in dirFd is, without opening it for I/O (O_PATH: no side effects, never blocks;
     * a symlink is followed beneath the root), or null when it does not exist.
     */
    public static Stat statIn(int dirFd, String name) throws NativeIOException {
        int path;
        try {
            path = FileFds.openBeneath(dirFd, FileNames.cString(name), Native.O_PATH, 0, 0, "openat2(" + FileNames.display(name) + ", O_PATH)");
        } catch (NativeIOException e) {
            if (e.errno() == Native.ENOENT) return null;
            throw e;
        }
        try {
            return stat(path);
        } finally {
            Fds.closeQuietly(path);
        }
    }

    /** Whether rel names something beneath the root (a symlink followed beneath it); false when nothing is there. */
    public boolean exists(String rel) {
        try {
            return statIn(fd, rel.isEmpty() ? "." : rel) != null;
        } catch (NativeIOException e) {
            return e.errno() != Native.ENOTDIR;  // a path through a file names nothing; there, but not to be looked at: there
        }
    }

    /** Opens rel beneath dirFd (a directory opened through this root). */
    public static int openIn(int dirFd, String rel, int flags, int mode) throws NativeIOException {
        String p = rel.isEmpty() ? "." : rel;
        return FileFds.openBeneath(dirFd, FileNames.cString(p), flags, mode, 0, "openat2(" + FileNames.display(p) + ")");
    }

    public static Stat stat(int fd) throws NativeIOException {
        long[] out = new long[Stat.LONGS];
        FileFds.fstat(fd, out);
        return Stat.of(out);
    }

    /** What rel (beneath the root) names now, not following a symlink at its end: compared with a cache entry; null when nothing. */
    public Stat statPath(String rel) throws NativeIOException {
        return statEntry(fd, rel.isEmpty() ? "." : rel);
    }

    /**
     * Opens rel beneath the root with flags, refusing any symlink on the way (RESOLVE_NO_SYMLINKS):
     * what the file cache opens, so that a change to a name it watches is the only way to change the file.
     */
    public int openWithoutLinks(String rel, int flags) throws NativeIOException {
        String p = rel.isEmpty() ? "." : rel;
        return FileFds.openBeneath(fd, FileNames.cString(p), flags, 0, Native.RESOLVE_NO_SYMLINKS, "openat2(" + FileNames.display(p) + ")");
    }

    /** What name in dirFd is, not following a symlink; null when it does not exist (any more). */
    public static Stat statEntry(int dirFd, String name) throws NativeIOException {
        long[] out = new long[Stat.LONGS];
        byte[] path = FileNames.cString(name);
        return FileFds.fstatat(dirFd, path, out, "fstatat(" + FileNames.display(name) + ")") ? Stat.of(out) : null;
    }

    /** What an open beneath the root that failed means to a client: 404, 403, or 500. */
    public static HttpError refusal(NativeIOException e) {
        int errno = e.errno();
        if (errno == Native.ENOENT || errno == Native.ENOTDIR) return new HttpError(404, "not found");
        if (errno == Native.EXDEV) return new HttpError(403, "that path leads outside the root");
        if (errno == Native.ELOOP) return new HttpError(403, "too many levels of symbolic links on that path");
        if (errno == Native.EACCES || errno == Native.EPERM) return new HttpError(403, "permission denied");
        if (errno == Native.ENXIO) return new HttpError(403, "not a regular file or a directory");  // a socket file
        if (errno == Native.ENAMETOOLONG) return new HttpError(414, "a name in the path is too long");
        return new HttpError(500, e.getMessage());
    }

    @Override
    public void close() {
        Fds.closeQuietly(fd);
    }
}
