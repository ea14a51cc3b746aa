package io.muxkit.ffi;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Native memory that is given back when its owner says so (malloc and free through the binding),
 * not when the garbage collector gets to it: a multiplexer's close() and a drained connection free
 * theirs at once. Every allocation is counted, so a test can see that nothing stays allocated.
 */
public final class NativeMemory {
    private static final MemoryAccess MEMORY = Native.memory();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private NativeMemory() {}

    /** bytes of zeroed memory; free it with {@link #free}. */
    public static NativeBuffer allocate(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("bytes must be positive, not " + bytes);
        long address = MEMORY.allocateZeroed(bytes);
        if (address == 0) throw new OutOfMemoryError("malloc(" + bytes + ") failed");
        LIVE_BYTES.addAndGet(bytes);
        return new NativeBuffer(address, bytes);
    }

    /** Gives memory from {@link #allocate} back; null does nothing. The buffer must not be used after. */
    public static void free(NativeBuffer memory) {
        if (memory == null) return;
        LIVE_BYTES.addAndGet(-memory.size());
        MEMORY.free(memory.address());
    }

    /** A block of newBytes holding the first keep bytes of old, which is freed: how an array in native memory doubles. */
    public static NativeBuffer grow(NativeBuffer old, long keep, long newBytes) {
        NativeBuffer bigger = allocate(newBytes);
        old.copyTo(0, bigger, 0, keep);
        free(old);
        return bigger;
    }

    /** Bytes allocated and not yet freed, in this process. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }
}
