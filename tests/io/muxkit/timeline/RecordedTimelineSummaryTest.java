package io.muxkit.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;
import io.muxkit.process.ChildJvm;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An echo server's real --timeline, summarized: its figures agree with what the server counted itself. */
class RecordedTimelineSummaryTest {
    private static final Pattern FINAL = Pattern.compile("waits (\\d+), events (\\d+),");

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void theSummaryCountsTheWaitsAndDispatchesTheServerCounted(Backend backend, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("echo.json");
        LoadClient.Result load;
        String last;
        try (ChildJvm server = ChildJvm.muxkit(null, "echo", "--port", "0", "--backend", backend.id(), "--timeline", file.toString())) {
            try (EventLoop loop = new EventLoop(Multiplexer.open(Backend.best()))) {
                load = new LoadClient(loop, new LoadClient.Config("127.0.0.1", server.port(), 20, 64, 1, 0.5),
                        new PrintStream(OutputStream.nullOutputStream())).run();
            }
            server.stop();  // SIGTERM: the server closes its connections, says "final: ..." and writes the timeline
            last = server.waitForLine("final: ");
            server.waitForLine("timeline: ");
        }
        assertTrue(load.messagesPerSecond() > 0 && load.errors() == 0 && load.mismatches() == 0, "the load ran");
        Matcher m = FINAL.matcher(last);
        assertTrue(m.find(), last);

        TimelineSummary s = TimelineSummary.read(file);
        assertEquals("echo", s.command());
        assertEquals(backend.id(), s.backend());
        assertEquals(1, s.loopThreads());
        assertEquals(0, s.otherCount("events_dropped"));
        assertEquals(Long.parseLong(m.group(1)), s.waits.count(), "one wait slice per wait the server counted");
        assertEquals(Long.parseLong(m.group(2)), s.dispatches.count(), "one dispatch slice per ready fd handled");
        assertEquals(s.waits.count(), s.readyPerWait.count(), "every wait says how many fds it returned");
        assertTrue(s.readyPerWait.max() >= 1 && s.readyPerWait.max() <= 20 + 2, "at most the connections, the listener and the wakeup: " + s.readyPerWait.max());
        // a turn holds one wait, or more when one is interrupted (EINTR) and retried
        assertTrue(s.iterations.count() > 0 && s.iterations.count() <= s.waits.count(), s.iterations.count() + " iterations");
        assertEquals(s.iterations.count(), s.iterationWork.count());
        assertTrue(s.dispatches.percentile(50) > 0 && s.waits.max() > 0);
        String report = SummaryReport.text(java.util.List.of(s));
        assertTrue(report.matches("(?s).*\nbackend +" + backend.id() + "\n.*"), report);
    }
}
