package io.muxkit.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;

import io.muxkit.testing.FdScope;
import org.junit.jupiter.api.Test;

class TracingMultiplexerTest {
    @Test
    void printsEachCallAndHoldsBackPastItsRate() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (FdScope fds = new FdScope();
             Multiplexer mux = new TracingMultiplexer(Multiplexer.open(Backend.POLL), new PrintStream(bytes, true), 5)) {
            int[] p = fds.pipe();
            mux.register(p[0], Multiplexer.READ);
            fds.write(p[1], 1);
            for (int i = 0; i < 100; i++) assertEquals(1, mux.select(0));
            Thread.sleep(1100);  // the condition is the clock itself: the rate window is one second
            mux.select(0);
            mux.unregister(p[0]);
        }
        String[] lines = bytes.toString().split("\n");
        assertTrue(lines[0].startsWith("[trace] poll register(fd="), lines[0]);
        assertTrue(lines[1].matches("\\[trace\\] poll select\\(timeout=0ms, 1 fds\\) -> 1 ready in \\d+ us \\[1 syscall\\]: fd \\d+ READ"), lines[1]);
        long printed = Arrays.stream(lines).filter(l -> l.contains("select(")).count();
        assertEquals(4 + 1, printed, "4 selects fit the first second's 5 lines, then one in the next: " + bytes);
        assertTrue(bytes.toString().contains("[trace] ... 96 lines left out (more than 5/s)"), bytes.toString());
    }

    /** On uring a registration is queued: the trace shows it going in with the next wait, as a submission. */
    @Test
    void uringShowsItsSubmissionsAndCompletions() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Backend.URING.unavailableReason() == null, "io_uring is unavailable here");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (FdScope fds = new FdScope();
             Multiplexer mux = new TracingMultiplexer(Multiplexer.open(Backend.URING), new PrintStream(bytes, true), 50)) {
            int[] p = fds.pipe();
            mux.register(p[0], Multiplexer.READ);
            fds.write(p[1], 1);
            assertEquals(1, mux.select(0));
            mux.modify(p[0], Multiplexer.READ | Multiplexer.WRITE);
        }
        String[] lines = bytes.toString().split("\n");
        assertTrue(lines[0].matches("\\[trace\\] uring register\\(fd=\\d+, READ\\) \\[1 syscall, 0 submitted\\]"), lines[0]);
        assertTrue(lines[1].matches("\\[trace\\] uring select\\(timeout=0ms, 1 fds\\) -> 1 ready in \\d+ us \\[1 syscall, 2 submitted\\]: fd \\d+ READ"), lines[1]);
        assertTrue(lines[2].matches("\\[trace\\] uring modify\\(fd=\\d+, READ -> READ\\|WRITE\\) \\[0 syscalls, 0 submitted\\]"), lines[2]);
    }
}
