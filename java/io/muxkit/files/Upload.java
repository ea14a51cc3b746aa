package io.muxkit.files;

import java.io.IOException;
import java.security.SecureRandom;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.http.ChunkedDecoder;
import io.muxkit.http.HttpError;
import io.muxkit.http.HttpRequest;
import io.muxkit.net.FileFds;
import io.muxkit.net.Fds;

/**
 * One PUT. The loop decodes the body into a staging buffer ({@link #stage}); a worker writes it
 * out ({@link #writeStaged}) and, at the end, fsyncs and renames ({@link #finish}), so the disk
 * never holds up the loop; one write is under way at a time, which is the upload's backpressure.
 * The body is written to a file with no name (O_TMPFILE) in the target's directory,
 * which is fsynced, given a hidden name from the very fd written (linkat through /proc) and
 * renamed over the real name only when the whole body has arrived: the real name never holds a
 * partial file, and no other request can reach the file being written. Where the file system
 * has no O_TMPFILE, the file is created O_EXCL under a hidden name instead; such names are
 * refused to every request and left out of listings ({@link RootDir#UPLOAD_PREFIX}). Aborted,
 * an upload leaves nothing behind.
 */
final class Upload {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Bytes staged between the loop and the worker at most: one read's worth. */
    static final int STAGE = 64 * 1024;

    private int dirFd, fd;
    private final String name;
    private final String target;             // the path beneath the root, for the file cache to drop
    private NativeBuffer staging = NativeMemory.allocate(STAGE);
    private int staged;                      // bytes in staging, waiting for writeStaged
    boolean busy;                            // a worker has this upload now: the loop leaves it alone
    boolean abandoned;                       // its connection closed while busy: abort when the worker is done
    private String temp;                    // the hidden name, once the file has one
    private final boolean existed;
    private final long maxBytes;
    private final ChunkedDecoder chunked;   // null for a Content-Length body
    private long remaining;                  // Content-Length bytes still to come
    private long total;

    private Upload(int dirFd, int fd, String temp, String target, String name, boolean existed, long length, long maxBytes,
                   ChunkedDecoder chunked) {
        this.target = target;
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
        if (!path.utf8()) throw new HttpError(400, "an upload's path must be UTF-8", true);  // served when it exists, never made
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
            throw directoryGone(e) ? new HttpError(409, "the directory to put it in does not exist", true)
                    : RootDir.refusal(e);
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
            int tmp = FileFds.openUnnamed(dirFd, 0644);
            String temp = null;
            if (tmp < 0) {  // no O_TMPFILE here
                temp = hiddenName();
                tmp = RootDir.openIn(dirFd, temp, Native.O_WRONLY | Native.O_CREAT | Native.O_EXCL, 0644);
            }
            return new Upload(dirFd, tmp, temp, path.relative(), name, existing != null, chunked ? -1 : length, maxBytes,
                    chunked ? new ChunkedDecoder() : null);
        } catch (HttpError | NativeIOException | RuntimeException e) {
            Fds.closeQuietly(dirFd);
            throw e;
        }
    }

    /**
     * What a failed upload means to the client: 507 when the disk is full; 409 when its directory
     * was removed meanwhile (linkat and renameat find it gone), as when the PUT began; else 500.
     */
    static HttpError refusal(Exception failure) {
        if (failure instanceof NativeIOException e && e.errno() == Native.ENOSPC) return new HttpError(507, e.getMessage(), true);
        if (failure instanceof NativeIOException e && directoryGone(e))
            return new HttpError(409, "the directory it was going into was removed", true);
        return new HttpError(500, failure.getMessage(), true);
    }

    /**
     * The directory to write in is missing (or is a file): 409, not 404, as RFC 4918 (9.7.1) has
     * for a PUT without its parent collection: the target may well not exist, its place cannot.
     */
    private static boolean directoryGone(NativeIOException e) {
        return e.errno() == Native.ENOENT || e.errno() == Native.ENOTDIR;
    }

    private static String hiddenName() {
        return RootDir.UPLOAD_PREFIX + Long.toHexString(RANDOM.nextLong());
    }

    /**
     * Loop: takes body bytes from in[0, len) into the staging buffer, as many as fit; returns how
     * many it used. A chunked body is decoded on the way (its output is never longer than its input).
     */
    int stage(byte[] in, int len) throws HttpError, IOException {
        int room = STAGE - staged;
        if (chunked == null) {
            int n = (int) Math.min(Math.min(len, remaining), room);
            put(in, 0, n);
            remaining -= n;
            return n;
        }
        return chunked.feed(in, 0, Math.min(len, room), (off, n) -> {
            if (total + n > maxBytes)
                throw new HttpError(413, "the body is larger than --max-upload " + maxBytes, true);
            put(in, off, n);
        });
    }

    private void put(byte[] src, int off, int n) {
        staging.put(staged, src, off, n);
        staged += n;
        total += n;
    }

    int staged() {
        return staged;
    }

    /** The whole body has been staged (at once for an empty Content-Length body). */
    boolean bodyComplete() {
        return chunked == null ? remaining == 0 : chunked.done();
    }

    /** Worker: writes what is staged to the file. The loop empties the staging with {@link #written()} afterwards. */
    Void writeStaged() throws IOException {
        for (int done = 0; done < staged; ) {
            int w = Fds.write(fd, staging, done, staged - done);
            if (w <= 0) throw new IOException("write to the upload of " + name + " returned " + w);
            done += w;
        }
        return null;
    }

    /** Loop: the worker wrote what was staged. */
    void written() {
        staged = 0;
    }

    /** Worker: fsync, a hidden name, then the rename over the real name; until then the real name is untouched. 201 or 204. */
    Integer finish() throws NativeIOException {
        FileFds.fsync(fd);
        while (temp == null) {
            String candidate = hiddenName();
            if (FileFds.link(fd, dirFd, candidate)) temp = candidate;
        }
        Fds.closeQuietly(fd);
        fd = -1;
        boolean replaces;  // looked at now, not when the upload began: another upload may have created it since
        try {
            replaces = RootDir.statIn(dirFd, name) != null;
        } catch (NativeIOException e) {
            replaces = existed;
        }
        FileFds.rename(dirFd, temp, name);
        temp = null;
        Fds.closeQuietly(dirFd);
        dirFd = -1;
        return replaces ? 204 : 201;
    }

    /** The path it writes, relative to the root, for the file cache to drop. */
    String target() {
        return target;
    }

    /** Loop, never while busy: removes what was written, closes what is open, frees the staging; harmless after finish(). */
    void abort() {
        NativeMemory.free(staging);
        staging = null;
        Fds.closeQuietly(fd);  // an unnamed file is gone with its last fd
        fd = -1;
        if (dirFd < 0) return;
        if (temp != null) FileFds.unlinkQuietly(dirFd, temp);
        Fds.closeQuietly(dirFd);
        dirFd = -1;
    }
}
