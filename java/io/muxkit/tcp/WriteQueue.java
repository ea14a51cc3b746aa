package io.muxkit.tcp;

import java.io.IOException;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.net.Fds;

/**
 * What one connection has yet to send, in order (libuv's write queue): segments of heap bytes, of
 * native memory (a pooled copy buffer, or memory another owns, such as a cached response) or of a
 * file, sent with sendfile(2). Drained by {@link #flush} within the turn's byte budget. A segment's
 * owner is told once it is sent or dropped. Segments are reused: a queue holds no ring until
 * something is queued, and then a ring that doubles when full (as many segments as the most it
 * ever held at once: one or two for echo, 34 for a 16-part multipart/byteranges). What a protocol
 * queues is bounded by the protocol (echo's --max-buffer, one response at a time for files).
 */
final class WriteQueue {
    private static final int BYTES = 0, MEMORY = 1, FILE = 2;

    private static final class Segment {
        int kind;
        byte[] bytes;
        NativeBuffer memory;
        int fileFd;
        long at, end;  // what is left to send: [at, end) of the bytes, memory or file
        Connection.Owner owner;
        Object token;
    }

    private Segment[] segments;  // a ring, its length a power of two; null until the first add
    private int first, count;

    boolean isEmpty() {
        return count == 0;
    }

    /** Bytes queued. */
    long bytes() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            Segment s = segments[(first + i) & (segments.length - 1)];
            n += s.end - s.at;
        }
        return n;
    }

    /** Queues b, joined to heap bytes queued last (a head behind a 100 Continue goes out with it). */
    void bytes(byte[] b) {
        Segment last = count == 0 ? null : segments[(first + count - 1) & (segments.length - 1)];
        if (last != null && last.kind == BYTES) {
            int left = (int) (last.end - last.at);
            byte[] joined = new byte[left + b.length];
            System.arraycopy(last.bytes, (int) last.at, joined, 0, left);
            System.arraycopy(b, 0, joined, left, b.length);
            last.bytes = joined;
            last.at = 0;
            last.end = joined.length;
            return;
        }
        Segment s = add(BYTES, null, null);
        s.bytes = b;
        s.at = 0;
        s.end = b.length;
    }

    void memory(NativeBuffer memory, long at, long end, Connection.Owner owner, Object token) {
        Segment s = add(MEMORY, owner, token);
        s.memory = memory;
        s.at = at;
        s.end = end;
    }

    void file(int fd, long at, long end, Connection.Owner owner, Object token) {
        Segment s = add(FILE, owner, token);
        s.fileFd = fd;
        s.at = at;
        s.end = end;
    }

    /**
     * Copies src[offset, offset + n) into a buffer of the pool, after what waits in one already (it
     * is compacted when the bytes would not fit after it; the ranges may overlap); the caller keeps
     * what is queued plus n within the pool's buffer size.
     */
    void copy(NativeBuffer src, long offset, int n, BufferPool pool) {
        Segment last = count == 0 ? null : segments[(first + count - 1) & (segments.length - 1)];
        if (last == null || last.owner != pool) {
            NativeBuffer buffer = pool.take();
            last = add(MEMORY, pool, buffer);
            last.memory = buffer;
            last.at = last.end = 0;
        }
        if (last.end + n > last.memory.size()) {
            last.memory.move(last.at, 0, last.end - last.at);
            last.end -= last.at;
            last.at = 0;
        }
        src.copyTo(offset, last.memory, last.end, n);
        last.end += n;
    }

    /** For a test: n bytes of the first segment went out. */
    void consumedForTest(int n) {
        segments[first].at += n;
    }

    /** For a test: the first segment's memory and where its bytes start. */
    NativeBuffer firstMemory() {
        return segments[first].memory;
    }

    long firstAt() {
        return segments[first].at;
    }

    private Segment add(int kind, Connection.Owner owner, Object token) {
        if (segments == null) segments = new Segment[4];
        else if (count == segments.length) grow();
        int i = (first + count) & (segments.length - 1);
        Segment s = segments[i];
        if (s == null) s = segments[i] = new Segment();
        s.kind = kind;
        s.owner = owner;
        s.token = token;
        count++;
        return s;
    }

    /** Twice the ring, the queued segments first, in order. */
    private void grow() {
        Segment[] bigger = new Segment[segments.length * 2];
        for (int k = 0; k < segments.length; k++) bigger[k] = segments[(first + k) & (segments.length - 1)];
        segments = bigger;
        first = 0;
    }

    /**
     * Sends what is queued until it is all out (true), the socket is full or the turn's bytes are
     * spent (false). Heap bytes go through the loop's staging buffer, at most its size at a time; with cork, memory
     * is sent with send(2), MSG_MORE while more is queued behind it, else with write(2).
     */
    boolean flush(Connection c, Connections<?> loop) throws IOException {
        boolean cork = loop.cork;
        while (count > 0) {
            if (c.turnBytes <= 0) return false;
            Segment s = segments[first];
            long w;
            c.countIo();
            switch (s.kind) {
                case BYTES -> {
                    NativeBuffer staging = loop.staging();
                    int n = (int) Math.min(s.end - s.at, staging.size());
                    staging.put(0, s.bytes, (int) s.at, n);
                    w = send(c.fd, staging, 0, n, cork, s.at + n < s.end || count > 1);
                }
                case MEMORY -> w = send(c.fd, s.memory, s.at, (int) (s.end - s.at), cork, count > 1);
                default -> {
                    w = Fds.sendfile(c.fd, s.fileFd, s.at, Math.min(s.end - s.at, c.turnBytes));
                    if (w == 0) throw new IOException("the file shrank while it was being sent");
                }
            }
            if (w == Native.AGAIN) return false;  // the socket is full: wait for WRITE
            s.at += w;
            c.turnBytes -= w;
            c.active();  // a slow reader that is making progress is not idle
            if (s.at == s.end) {
                release(s);
                first = (first + 1) & (segments.length - 1);
                count--;
            }
        }
        return true;
    }

    private static long send(int fd, NativeBuffer from, long offset, int n, boolean cork, boolean more) throws IOException {
        return cork ? Fds.send(fd, from, offset, n, more) : Fds.write(fd, from, offset, n);
    }

    /** Drops everything queued, telling each owner (the connection is closing). */
    void clear() {
        for (; count > 0; count--) {
            release(segments[first]);
            first = (first + 1) & (segments.length - 1);
        }
        first = 0;
    }

    /** A segment is done: its owner is told; a file without one is closed. The slot keeps no reference. */
    private static void release(Segment s) {
        if (s.owner != null) s.owner.release(s.token);
        else if (s.kind == FILE) Fds.closeQuietly(s.fileFd);
        s.bytes = null;
        s.memory = null;
        s.owner = null;
        s.token = null;
        s.fileFd = -1;
    }
}
