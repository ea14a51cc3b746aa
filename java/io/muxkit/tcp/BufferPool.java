package io.muxkit.tcp;

import java.util.ArrayDeque;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;

/**
 * Native buffers of one size for one loop's connections: taken when a write comes up short and
 * what the socket did not take must be copied ({@link Connection#write}), given back when it
 * drains. At most `limit` are in use at once (the loop's budget: a caller checks
 * {@link #available()} before it may need one), and at most `keep` idle ones are kept for the
 * next partial write; the rest are freed, so idle connections hold no buffer memory.
 */
public final class BufferPool implements Connection.Owner {
    private final int size, keep, limit;
    private final ArrayDeque<NativeBuffer> idle = new ArrayDeque<>();
    private volatile int inUse;  // written by the loop, read by stats()

    public BufferPool(int size, int keep, int limit) {
        this.size = size;
        this.keep = keep;
        this.limit = limit;
    }

    /** Whether take() may be called now. */
    public boolean available() {
        return inUse < limit;
    }

    NativeBuffer take() {
        if (inUse >= limit) throw new IllegalStateException("the loop's " + limit + " write buffers are all in use");
        inUse++;
        NativeBuffer p = idle.poll();
        return p != null ? p : NativeMemory.allocate(size);
    }

    /** A queued copy drained: its buffer comes back. */
    @Override
    public void release(Object buffer) {
        give((NativeBuffer) buffer);
    }

    /** null does nothing. */
    void give(NativeBuffer buffer) {
        if (buffer == null) return;
        inUse--;
        if (idle.size() < keep) idle.push(buffer);
        else NativeMemory.free(buffer);
    }

    /** Buffers held by connections now. */
    public int inUse() {
        return inUse;
    }

    /** Frees the idle buffers (the loop is shutting down; connections gave theirs back first). */
    public void free() {
        for (NativeBuffer p; (p = idle.poll()) != null; ) NativeMemory.free(p);
    }
}
