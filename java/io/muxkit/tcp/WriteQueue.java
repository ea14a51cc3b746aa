package io.muxkit.tcp;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.net.Fds;

/**
 * What one connection has yet to send, in order (libuv's write queue): segments of heap bytes, of
 * native memory (a pooled copy buffer, or memory another owns, such as a cached response) or of a
 * file. A transport drains it from the front ({@link SocketIo} with write, send and sendfile; {@link
 * RingIo} with SEND requests). A segment's owner is told once it is sent or dropped. Segments are reused: a queue holds no ring until
 * something is queued, and then a ring that doubles when full (as many segments as the most it
 * ever held at once: one or two for echo, 34 for a 16-part multipart/byteranges). What a protocol
 * queues is bounded by the protocol (echo's --max-buffer, one response at a time for files).
 */
final class WriteQueue {
    static final int BYTES = 0, MEMORY = 1, FILE = 2;

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

    // ---- the first segment, as a transport sends it ----

    int count() {
        return count;
    }

    /** The kind of the k-th segment (0: the first): {@link #BYTES}, {@link #MEMORY} or {@link #FILE}. */
    int kindAt(int k) {
        return segments[(first + k) & (segments.length - 1)].kind;
    }

    int firstKind() {
        return segments[first].kind;
    }

    byte[] firstBytes() {
        return segments[first].bytes;
    }

    NativeBuffer firstMemory() {
        return segments[first].memory;
    }

    int firstFileFd() {
        return segments[first].fileFd;
    }

    long firstAt() {
        return segments[first].at;
    }

    long firstEnd() {
        return segments[first].end;
    }

    Connection.Owner firstOwner() {
        return segments[first].owner;
    }

    Object firstToken() {
        return segments[first].token;
    }

    /** n bytes of the first segment went out; once all of it has, its owner is told and it goes. */
    void advance(long n) {
        Segment s = segments[first];
        s.at += n;
        if (s.at == s.end) {
            release(s);
            pop();
        }
    }

    /** The first segment goes without its owner being told: a send in flight took it over. */
    void handOver() {
        Segment s = segments[first];
        s.owner = null;
        s.kind = BYTES;  // (not a file to close)
        release(s);
        pop();
    }

    private void pop() {
        first = (first + 1) & (segments.length - 1);
        count--;
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
