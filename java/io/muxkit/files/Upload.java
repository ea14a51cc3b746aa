package io.muxkit.files;

import static io.muxkit.ffi.Native.LIB;

import java.io.IOException;
import java.security.SecureRandom;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.http.ChunkedDecoder;
import io.muxkit.http.HttpError;
import io.muxkit.http.HttpRequest;
import io.muxkit.net.Fds;
import jnr.ffi.Pointer;

/**
 * One PUT. The body is written to a file with no name (O_TMPFILE) in the target's directory,
 * which is fsynced, given a hidden name from the very fd written (linkat through /proc) and
 * renamed over the real name only when the whole body has arrived: the real name never holds a
 * partial file, and no other request can reach the file being written. Where the file system
 * has no O_TMPFILE, the file is created O_EXCL under a hidden name instead; such names are
 * refused to every request and left out of listings ({@link RootDir#UPLOAD_PREFIX}). Aborted,
 * an upload leaves nothing behind.
 */
final class Upload {
    private static final SecureRandom RANDOM = new SecureRandom();

    private int dirFd, fd;
    private final String name;
    private String temp;                    // the hidden name, once the file has one
    private final boolean existed;
    private final long maxBytes;
    private final ChunkedDecoder chunked;   // null for a Content-Length body
    private long remaining;                  // Content-Length bytes still to come
    private long total;

    private Upload(int dirFd, int fd, String temp, String name, boolean existed, long length, long maxBytes,
                   ChunkedDecoder chunked) {
        this.dirFd = dirFd;
        this.fd = fd;
        this.temp = temp;
        this.name = name;
        this.existed = existed;
        this.remaining = length;
        this.maxBytes = maxBytes;
        this.chunked = chunked;
    }

    /** Checks the request and the target and opens the file to write; any refusal is an HttpError. */
    static Upload begin(RootDir root, HttpRequest r, RequestPath path, long maxBytes) throws HttpError, NativeIOException {
        if (path.relative().isEmpty() || path.trailingSlash())
            throw new HttpError(400, "PUT needs a file path, not a directory", true);
        boolean chunked = r.chunked();
        long length = r.contentLength();
        if (length < 0 && !chunked) throw new HttpError(411, "PUT needs Content-Length or chunked encoding", true);
        if (length > maxBytes)
            throw new HttpError(413, "the body (" + length + " bytes) is larger than --max-upload " + maxBytes, true);
        String name = path.name();
        int dirFd;
        try {
            dirFd = root.open(path.parent(), Native.O_RDONLY | Native.O_DIRECTORY);
        } catch (NativeIOException e) {
            throw RootDir.refusal(e);
        }
        try {
            RootDir.Stat existing;
            try {
                existing = RootDir.statIn(dirFd, name);
            } catch (NativeIOException e) {
                throw RootDir.refusal(e);
            }
            if (existing != null && existing.directory()) throw new HttpError(409, name + " is a directory", true);
            if (existing != null && !existing.regular())
                throw new HttpError(403, name + " is not a regular file: it is not replaced", true);
            int tmp = LIB.mk_open_tmpfile(dirFd, 0644);
            String temp = null;
            if (tmp == -Native.EOPNOTSUPP || tmp == -Native.EISDIR || tmp == -Native.EINVAL) {  // no O_TMPFILE here
                temp = hiddenName();
                tmp = RootDir.openIn(dirFd, temp, Native.O_WRONLY | Native.O_CREAT | Native.O_EXCL, 0644);
            }
            Native.check(tmp, "openat(O_TMPFILE)", dirFd);
            return new Upload(dirFd, tmp, temp, name, existing != null, chunked ? -1 : length, maxBytes,
                    chunked ? new ChunkedDecoder() : null);
        } catch (HttpError | NativeIOException | RuntimeException e) {
            Fds.closeQuietly(dirFd);
            throw e;
        }
    }

    private static String hiddenName() {
        return RootDir.UPLOAD_PREFIX + Long.toHexString(RANDOM.nextLong());
    }

    /** Takes body bytes from in[0, len) and writes them (through scratch); returns how many it used. */
    int take(byte[] in, int len, Pointer scratch) throws HttpError, IOException {
        if (chunked == null) {
            int n = (int) Math.min(len, remaining);
            write(in, 0, n, scratch);
            remaining -= n;
            return n;
        }
        return chunked.feed(in, 0, len, (off, n) -> {
            if (total + n > maxBytes)
                throw new HttpError(413, "the body is larger than --max-upload " + maxBytes, true);
            write(in, off, n, scratch);
        });
    }

    /** The whole body has been written (at once for an empty Content-Length body). */
    boolean complete() {
        return chunked == null ? remaining == 0 : chunked.done();
    }

    /** fsync, a hidden name, then the rename over the real name: until this point the real name is untouched. 201 or 204. */
    int finish() throws NativeIOException {
        Native.check(LIB.mk_fsync(fd), "fsync", fd);
        while (temp == null) {
            String candidate = hiddenName();
            int rc = LIB.mk_link_fd(fd, dirFd, candidate);
            if (rc != -Native.EEXIST) {
                Native.check(rc, "linkat", fd);
                temp = candidate;
            }
        }
        Fds.closeQuietly(fd);
        fd = -1;
        boolean replaces;  // looked at now, not when the upload began: another upload may have created it since
        try {
            replaces = RootDir.statIn(dirFd, name) != null;
        } catch (NativeIOException e) {
            replaces = existed;
        }
        Native.check(LIB.mk_renameat(dirFd, temp, name), "renameat", dirFd);
        temp = null;
        Fds.closeQuietly(dirFd);
        dirFd = -1;
        return replaces ? 204 : 201;
    }

    /** Removes what was written and closes what is open; harmless after finish(). */
    void abort() {
        Fds.closeQuietly(fd);  // an unnamed file is gone with its last fd
        fd = -1;
        if (dirFd < 0) return;
        if (temp != null) LIB.mk_unlinkat(dirFd, temp);
        Fds.closeQuietly(dirFd);
        dirFd = -1;
    }

    private void write(byte[] src, int off, int len, Pointer scratch) throws IOException {
        total += len;
        int chunk = (int) scratch.size();
        while (len > 0) {
            int n = Math.min(len, chunk);
            scratch.put(0, src, off, n);
            for (int done = 0; done < n; ) {
                int w = Fds.write(fd, scratch, done, n - done);
                if (w <= 0) throw new IOException("write to the upload of " + name + " returned " + w);
                done += w;
            }
            off += n;
            len -= n;
        }
    }
}
