package io.muxkit.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.muxkit.net.Fds;
import io.muxkit.testing.FdScope;
import org.junit.jupiter.api.Test;

/**
 * Every way into a NativeBuffer is checked against its size, on the binding this JVM runs: its own
 * reads and writes, and the range a read(2) or write(2) is handed, so that a count from elsewhere
 * (a peer's, a file's size: 2^63, negative, past the end) fails in Java and C never sees it.
 */
class NativeBufferBoundsTest {
    private static final long[] BAD_OFFSETS = { -1, 16, Long.MAX_VALUE, Long.MIN_VALUE };

    @Test
    void accessesOutsideTheBufferThrow() {
        NativeBuffer buf = NativeMemory.allocate(16);
        try {
            for (long at : BAD_OFFSETS) {
                assertThrows(IndexOutOfBoundsException.class, () -> buf.getByte(at));
                assertThrows(IndexOutOfBoundsException.class, () -> buf.putLong(at, 1));
                assertThrows(IndexOutOfBoundsException.class, () -> buf.address(at, 1));
                assertThrows(IndexOutOfBoundsException.class, () -> buf.move(at, 0, 1));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> buf.putLong(9, 1));  // starts inside, ends past
            assertThrows(IndexOutOfBoundsException.class, () -> buf.address(8, Long.MAX_VALUE));
            assertThrows(IndexOutOfBoundsException.class, () -> buf.address(0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> buf.get(0, new byte[32], 0, 17));
            assertEquals(buf.address() + 16, buf.address(16, 0));  // an empty range at the end is one
        } finally {
            NativeMemory.free(buf);
        }
    }

    @Test
    void aReadOrWritePastTheBufferThrowsBeforeTheSyscall() throws Exception {
        NativeBuffer buf = NativeMemory.allocate(16);
        try (FdScope fds = new FdScope()) {
            int[] pair = fds.socketPair();
            fds.write(pair[1], 64);
            assertThrows(IndexOutOfBoundsException.class, () -> Fds.read(pair[0], buf, 17));
            assertThrows(IndexOutOfBoundsException.class, () -> Fds.read(pair[0], buf, 8, 9));
            assertThrows(IndexOutOfBoundsException.class, () -> Fds.read(pair[0], buf, 0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> Fds.peek(pair[0], buf, 17));
            assertThrows(IndexOutOfBoundsException.class, () -> Fds.write(pair[1], buf, Long.MAX_VALUE, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> Fds.send(pair[1], buf, 1, 16, false));
            assertEquals(64, fds.drain(pair[0]), "no refused read took a byte");
        } finally {
            NativeMemory.free(buf);
        }
    }
}
