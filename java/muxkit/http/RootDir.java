package muxkit.http;

import java.nio.file.Path;

import muxkit.ffi.LibMuxkit;
import muxkit.ffi.Native;
import muxkit.ffi.NativeIOException;

/**
 * The directory a file server serves, held open as an fd. Every path is opened beneath it with
 * openat2(RESOLVE_BENEATH): "..", absolute symlinks and symlinks that leave it fail with EXDEV.
 */
public final class RootDir implements AutoCloseable {
    public static final int O_RDONLY = Native.constant("O_RDONLY"), O_WRONLY = Native.constant("O_WRONLY"),
            O_CREAT = Native.constant("O_CREAT"), O_EXCL = Native.constant("O_EXCL"),
            O_DIRECTORY = Native.constant("O_DIRECTORY");
    public static final int EXDEV = Native.constant("EXDEV"), ELOOP = Native.constant("ELOOP"),
            ENOTDIR = Native.constant("ENOTDIR"), EACCES = Native.constant("EACCES");
    private static final LibMuxkit LIB = Native.LIB;

    /** What fstat says: size, mtime in seconds, kind. */
    public record Stat(long size, long mtimeSeconds, boolean directory, boolean regular) {}

    private final int fd;
    private final Path path;

    private RootDir(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    public static RootDir open(Path dir) throws NativeIOException {
        Path abs = dir.toAbsolutePath().normalize();
        return new RootDir(Native.check(LIB.mk_open_dir(abs.toString()), "open(" + abs + ")", -1), abs);
    }

    public Path path() {
        return path;
    }

    public int fd() {
        return fd;
    }

    /** Opens rel ("" for the root itself) beneath this directory. */
    public int open(String rel, int flags) throws NativeIOException {
        return openIn(fd, rel, flags, 0);
    }

    /** Opens rel beneath dirFd (a directory opened through this root). */
    public static int openIn(int dirFd, String rel, int flags, int mode) throws NativeIOException {
        String p = rel.isEmpty() ? "." : rel;
        return Native.check(LIB.mk_openat_beneath(dirFd, p, flags, mode), "openat2(" + p + ")", -1);
    }

    public static Stat stat(int fd) throws NativeIOException {
        long[] out = new long[3];
        Native.check(LIB.mk_fstat(fd, out), "fstat", fd);
        return new Stat(out[0], out[1], out[2] == 1, out[2] == 0);
    }

    @Override
    public void close() {
        LIB.mk_close(fd);
    }
}
