package io.muxkit.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;

/**
 * Each thread's native memory for what a call copies in or out: C strings, a file name's bytes,
 * an out array of a call that may block (where the Java array itself cannot be passed). Reused
 * from call to call ({@link #begin} starts over); it grows when a call needs more, and the garbage
 * collector frees an outgrown block, or a dead thread's, once no segment refers to it.
 */
final class FfmScratch implements SegmentAllocator {
    private static final ThreadLocal<FfmScratch> PER_THREAD = ThreadLocal.withInitial(FfmScratch::new);

    private MemorySegment block = Arena.ofAuto().allocate(4096, 16);
    private long used;

    private FfmScratch() {}

    /** This thread's scratch, empty: what one call's arguments are allocated from. */
    static FfmScratch begin() {
        FfmScratch scratch = PER_THREAD.get();
        scratch.used = 0;
        return scratch;
    }

    /** A NUL-terminated UTF-8 copy of s, or NULL for null. */
    MemorySegment string(String s) {
        return s == null ? MemorySegment.NULL : allocateFrom(s);
    }

    /** A copy of bytes (a NUL-terminated file name, whose bytes need not be UTF-8). */
    MemorySegment copy(byte[] bytes) {
        MemorySegment segment = allocate(bytes.length, 1);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long start = (used + byteAlignment - 1) & -byteAlignment;
        if (start + byteSize > block.byteSize()) {  // the segments given out so far keep the old block alive
            block = Arena.ofAuto().allocate(Math.max(2 * block.byteSize(), byteSize + byteAlignment), 16);
            start = 0;
        }
        used = start + byteSize;
        return block.asSlice(start, byteSize).fill((byte) 0);
    }
}
