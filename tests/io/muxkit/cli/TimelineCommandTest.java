package io.muxkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Io;
import io.muxkit.testing.Multiplexers;
import io.muxkit.testing.TraceFile;
import io.muxkit.timeline.SummaryReport;
import io.muxkit.timeline.TimelineSummary;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * `muxkit echo --timeline` under a bounded run of the load client, stopped by SIGTERM: the file
 * parses, has the structure of every timeline, one wait slice per wait its --stats counted, and
 * dispatch slices of the connections that moved the bytes; and its summary (TimelineSummary, what
 * `muxkit timeline summary` prints) agrees with what the server counted itself. One recording per
 * io serves both checks: a server JVM and its load are the cost here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimelineCommandTest {
    private static final int CONNECTIONS = 8;
    @TempDir
    Path dir;

    private static final Pattern FINAL = Pattern.compile("waits (\\d+), events (\\d+),");

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void echoUnderLoadWritesATimelineOfEveryWaitAndHandler(Io io) throws Exception {
        Path file = dir.resolve("echo.json");
        long waits, events;
        try (ChildJvm echo = ChildJvm.muxkit(null, "echo", "--port", "0", io.flag(), io.value(), "--stats",
                "--timeline", file.toString())) {
            int port = echo.port();
            try (EventLoop loop = Multiplexers.loop(Backend.EPOLL)) {
                LoadClient.Result r = new LoadClient(loop, new LoadClient.Config("127.0.0.1", port, CONNECTIONS, 64, 1, 0.5), System.out).run();
                assertTrue(r.messages() > 0 && r.errors() == 0 && r.mismatches() == 0, r.summary());
            }
            echo.stop();  // SIGTERM: the file is written on the way out
            String fin = echo.waitForLine("final: ");
            Matcher m = FINAL.matcher(fin);
            assertTrue(m.find(), fin);
            waits = Long.parseLong(m.group(1));
            events = Long.parseLong(m.group(2));
            assertTrue(echo.waitForLine("lag: iteration p50 ").contains("longest "), String.join("\n", echo.lines()));
            assertTrue(echo.waitForLine("timeline: ").contains(file.toString()));
        }
        assertFalse(Files.exists(dir.resolve("echo.json.tmp")), "written to a temporary file, then renamed");
        TraceFile trace = TraceFile.read(file);
        trace.checkStructure("echo");
        assertEquals(io.toString(), trace.otherData().get("backend").asText());
        assertEquals(0, trace.otherData().get("events_dropped").asLong(), "the default ring holds this short run");
        assertEquals(waits, trace.slices("wait").size(), "a wait slice per wait --stats counted");
        for (JsonNode w : trace.slices("wait")) assertEquals(io.backend().waitCall(), w.get("name").asText());
        long connBytes = trace.slices("dispatch").stream().filter(d -> d.get("args").get("role").asText().equals("conn"))
                .mapToLong(d -> d.get("args").get("bytes").asLong()).sum();
        assertTrue(connBytes > 0, "the connections' dispatches moved bytes");
        assertTrue(trace.slices("dispatch").stream().anyMatch(d -> d.get("name").asText().equals("listen READ")));
        assertEquals(trace.slices("wait").size(), trace.named("fds").size(), "an fds counter per wait");
        assertTrue(trace.named("connections").stream().anyMatch(c -> c.get("args").get("open").asInt() == CONNECTIONS));
        assertTrue(trace.events.stream().anyMatch(e -> e.get("ph").asText().equals("M")
                && e.get("args").get("name").asText().equals("echo-loop-0 (" + io + ")")));
        theSummaryCountsTheWaitsAndDispatchesTheServerCounted(io, file, waits, events);
    }

    private static void theSummaryCountsTheWaitsAndDispatchesTheServerCounted(Io io, Path file, long waits, long events)
            throws Exception {
        TimelineSummary s = TimelineSummary.read(file);
        assertEquals("echo", s.command());
        assertEquals(io.toString(), s.backend());
        assertEquals(1, s.loopThreads());
        assertEquals(0, s.otherCount("events_dropped"));
        assertEquals(waits, s.waits.count(), "one wait slice per wait the server counted");
        assertEquals(events, s.dispatches.count(), "one dispatch slice per ready fd handled");
        assertEquals(s.waits.count(), s.readyPerWait.count(), "every wait says how many fds it returned");
        // at most the connections, the listener and the wakeup; on completions, a recv's and a send's a connection
        int most = io.completion() ? 2 * CONNECTIONS + 2 : CONNECTIONS + 2;
        assertTrue(s.readyPerWait.max() >= 1 && s.readyPerWait.max() <= most, "at most " + most + " a wait: " + s.readyPerWait.max());
        // a turn holds one wait, or more when one is interrupted (EINTR) and retried
        assertTrue(s.iterations.count() > 0 && s.iterations.count() <= s.waits.count(), s.iterations.count() + " iterations");
        assertEquals(s.iterations.count(), s.iterationWork.count());
        assertTrue(s.dispatches.percentile(50) > 0 && s.waits.max() > 0);
        String report = SummaryReport.text(List.of(s));
        assertTrue(report.matches("(?s).*\nbackend +" + io + "\n.*"), report);
    }
}
