package io.muxkit.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;

/** The write queue without a socket: copies into a pooled buffer keep every byte. */
class WriteQueueTest {
    /** (Moved here from EchoBuffersTest with the copy buffer it checks.) */
    @Test
    void compactionMovesOverlappingBytesIntact() {
        BufferPool pool = new BufferPool(256, 1, 1);
        NativeBuffer src = NativeMemory.allocate(256);
        WriteQueue q = new WriteQueue();
        try {
            for (int i = 0; i < 256; i++) src.putByte(i, (byte) i);
            q.copy(src, 0, 250, pool);   // pending [0, 250)
            q.consumedForTest(100);      // pending [100, 250): 150 bytes, more than the 100 before them
            q.copy(src, 250, 6, pool);   // 250 + 6 = 256: fits without compaction
            q.copy(src, 0, 10, pool);    // does not fit: the 156 pending bytes move to the front, overlapping
            byte[] got = new byte[(int) q.bytes()];
            q.firstMemory().get(q.firstAt(), got, 0, got.length);
            byte[] expected = new byte[166];
            for (int i = 0; i < 156; i++) expected[i] = (byte) (100 + i);
            for (int i = 0; i < 10; i++) expected[156 + i] = (byte) i;
            assertArrayEquals(expected, got);
            q.clear();
            assertEquals(0, pool.inUse(), "a dropped queue gives its buffer back");
        } finally {
            NativeMemory.free(src);
            pool.free();
        }
    }

    @Test
    void heapBytesQueuedLastAreJoined() {
        WriteQueue q = new WriteQueue();
        q.bytes(new byte[3]);
        q.bytes(new byte[4]);
        assertEquals(7, q.bytes());
        q.clear();
        assertEquals(0, q.bytes());
    }
}
