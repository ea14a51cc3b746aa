package io.muxkit.echo;

import io.muxkit.ffi.NativeMemory;
import jnr.ffi.Pointer;

/**
 * One echo peer: bytes read but not yet written back wait in a native buffer of at most `cap`
 * bytes, taken from the loop's {@link BufferPool} when a write comes up short and given back as
 * soon as it drains, so a connection holds buffer memory only while a write is pending.
 */
final class EchoConnection {
    final int fd;
    long lastActiveNanos;
    boolean peerDone;       // read returned 0: echo what is pending, then close
    boolean waitingForRoom; // echoed without a buffer, and its socket took less than was read: bytes wait in the kernel
    private Pointer pending;
    private int start, end;  // pending bytes are [start, end)

    EchoConnection(int fd, long now) {
        this.fd = fd;
        this.lastActiveNanos = now;
    }

    int pendingBytes() {
        return end - start;
    }

    /** Appends src[offset, offset + n) to the pending bytes; the caller keeps pendingBytes() + n <= the pool's buffer size. */
    void append(Pointer src, long offset, int n, BufferPool pool) {
        if (pending == null) pending = pool.take();
        if (end + n > pending.size()) {  // compact: move what is pending to the front (the ranges may overlap)
            NativeMemory.move(pending, start, 0, end - start);
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

    /** n pending bytes went out; the buffer goes back to the pool once none is left. */
    void consumed(int n, BufferPool pool) {
        start += n;
        if (start == end) release(pool);
    }

    /** Gives the buffer back (the connection is closing, or drained). */
    void release(BufferPool pool) {
        pool.give(pending);
        pending = null;
        start = end = 0;
    }
}
