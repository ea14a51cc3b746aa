package io.muxkit.ffi;

import java.util.concurrent.atomic.AtomicLong;

import com.kenai.jffi.MemoryIO;

import jnr.ffi.Pointer;

/**
 * Native memory that is given back when its owner says so (malloc and free through jffi), not
 * when the garbage collector gets to it: a multiplexer's close() and a drained connection free
 * theirs at once. Every allocation is counted, so a test can see that nothing stays allocated.
 */
public final class NativeMemory {
    private static final MemoryIO IO = MemoryIO.getInstance();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private NativeMemory() {}

    /** bytes of zeroed memory; free it with {@link #free}. */
    public static Pointer allocate(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("bytes must be positive, not " + bytes);
        long address = IO.allocateMemory(bytes, true);
        if (address == 0) throw new OutOfMemoryError("malloc(" + bytes + ") failed");
        LIVE_BYTES.addAndGet(bytes);
        return Native.RUNTIME.getMemoryManager().newPointer(address, bytes);
    }

    /** Gives memory from {@link #allocate} back; null does nothing. The pointer must not be used after. */
    public static void free(Pointer memory) {
        if (memory == null) return;
        LIVE_BYTES.addAndGet(-memory.size());
        IO.freeMemory(memory.address());
    }

    /** Copies len bytes within one block, from srcOffset to dstOffset, with memmove: the ranges may overlap. */
    public static void move(Pointer memory, long srcOffset, long dstOffset, long len) {
        if (srcOffset < 0 || dstOffset < 0 || len < 0 || srcOffset + len > memory.size() || dstOffset + len > memory.size())
            throw new IndexOutOfBoundsException("move " + len + " bytes from " + srcOffset + " to " + dstOffset
                    + " in " + memory.size());
        IO.memmove(memory.address() + dstOffset, memory.address() + srcOffset, len);
    }

    /** Bytes allocated and not yet freed, in this process. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }
}
