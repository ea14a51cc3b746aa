package io.muxkit.echo;

import io.muxkit.ffi.Native;
import jnr.ffi.Pointer;

/**
 * One echo peer: bytes read but not yet written back wait in a native buffer of at most `cap`
 * bytes, allocated only when a write is partial. While it is full, the peer is not read.
 */
final class EchoConnection {
    final int fd;
    long lastActiveNanos;
    boolean peerDone;       // read returned 0: echo what is pending, then close
    private Pointer pending;
    private int start, end;  // pending bytes are [start, end)

    EchoConnection(int fd, long now) {
        this.fd = fd;
        this.lastActiveNanos = now;
    }

    int pendingBytes() {
        return end - start;
    }

    /** Appends src[0, n) to the pending bytes; the caller keeps pendingBytes() + n <= cap. */
    void append(Pointer src, long offset, int n, int cap) {
        if (pending == null) pending = Native.allocate(cap);
        if (end + n > cap) {  // compact: move what is pending to the front
            pending.transferTo(start, pending, 0, end - start);
            end -= start;
            start = 0;
        }
        src.transferTo(offset, pending, end, n);
        end += n;
    }

    Pointer pending() {
        return pending;
    }

    int pendingStart() {
        return start;
    }

    void consumed(int n) {
        start += n;
        if (start == end) start = end = 0;
    }
}
