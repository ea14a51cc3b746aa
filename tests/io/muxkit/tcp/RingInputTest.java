package io.muxkit.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.muxkit.mux.Multiplexer;
import io.muxkit.ring.BufferRing;
import io.muxkit.ring.Ring;
import io.muxkit.ring.RingSetup;

/** A ring stream's unread bytes without a socket: the completions' fills are played by hand. */
class RingInputTest {
    /**
     * Bytes read from the stream's own buffer stay where {@link RingInput#memory()} says until the
     * next read (echo copies them from there after it read them): the buffer goes back to its pool
     * then, not at the read. (Given back at once, it was freed while echo still copied from it.)
     */
    @Test
    void bytesReadStayReadableUntilTheNextRead() throws Exception {
        try (Ring ring = Multiplexer.openRing(new RingSetup(8, 64, 8, 256), null)) {
            BufferRing buffers = ring.buffers();
            BufferPool spill = new BufferPool(1024, 0, Integer.MAX_VALUE);  // keeps none: a buffer given back is freed
            RingInput input = new RingInput(buffers, spill);
            fill(buffers, input, 3, "hello");
            input.moveOut();  // the protocol stopped reading
            assertEquals(1, spill.inUse());

            assertEquals(5, input.front(100));
            input.consume(5);
            assertEquals("hello", read(input, 5), "read, and still there");
            assertEquals(1, spill.inUse(), "held until the next read");
            assertEquals(0, input.front(100));
            assertEquals(0, spill.inUse(), "given back at the next read");
            spill.free();
        }
    }

    /** What a stream holds is counted wherever it is: the recv's limit is what is left of RECV_LIMIT. */
    @Test
    void bytesHeldAreCountedInTheRingAndMovedOut() throws Exception {
        try (Ring ring = Multiplexer.openRing(new RingSetup(8, 64, 8, 256), null)) {
            BufferRing buffers = ring.buffers();
            BufferPool spill = new BufferPool(1024, 0, Integer.MAX_VALUE);
            RingInput input = new RingInput(buffers, spill);
            fill(buffers, input, 0, "abc");
            fill(buffers, input, 1, "defg");
            assertEquals(7, input.bytes());
            input.front(2);
            input.consume(2);
            input.moveOut();
            fill(buffers, input, 2, "hi");  // a completion after the cancel: behind the moved bytes
            assertEquals(7, input.bytes());
            StringBuilder all = new StringBuilder();
            for (int n; (n = input.front(100)) > 0; input.consume(n)) all.append(read(input, n));
            assertEquals("cdefghi", all.toString());
            assertEquals(0, input.bytes());
            input.clear();
            assertEquals(0, spill.inUse());
            spill.free();
        }
    }

    /** As a recv completion would: buffer bid taken by the kernel with these bytes. */
    private static void fill(BufferRing buffers, RingInput input, int bid, String bytes) {
        byte[] b = bytes.getBytes(StandardCharsets.ISO_8859_1);
        buffers.taken(bid);
        buffers.memory().put(buffers.offset(bid), b, 0, b.length);
        input.fill(bid, b.length);
    }

    private static String read(RingInput input, int n) {
        byte[] b = new byte[n];
        input.memory().get(input.at(), b, 0, n);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
