package io.muxkit.files;

import static io.muxkit.ffi.Native.LIB;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;

/**
 * Reads and writes of files (and of the inotify fd), as opposed to sockets: those go through the
 * stream layer ({@link io.muxkit.tcp.Connection}) only. The same read(2) and write(2) of the shim,
 * so fault rules and traces name them as before.
 */
final class FileIo {
    private FileIo() {}

    /** Bytes read into buf[offset, offset + len), 0 at the end of the file, {@link Native#AGAIN} when a nonblocking fd has none now. */
    static int read(int fd, NativeBuffer buf, long offset, int len) throws NativeIOException {
        return (int) Native.ioResult(LIB.mk_read(fd, buf.address(offset, len), len), "read", fd);
    }

    /** Bytes written from buf[offset, offset + len). */
    static int write(int fd, NativeBuffer buf, long offset, int len) throws NativeIOException {
        return (int) Native.ioResult(LIB.mk_write(fd, buf.address(offset, len), len), "write", fd);
    }
}
