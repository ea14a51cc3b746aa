package io.muxkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Multiplexers;
import io.muxkit.testing.TraceFile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * `muxkit echo --timeline` under a bounded run of the load client, stopped by SIGTERM: the file
 * parses, has the structure of every timeline, one wait slice per wait its --stats counted, and
 * dispatch slices of the connections that moved the bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimelineCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void echoUnderLoadWritesATimelineOfEveryWaitAndHandler(Backend backend) throws Exception {
        Path file = dir.resolve("echo.json");
        String waits;
        try (ChildJvm echo = ChildJvm.muxkit(null, "echo", "--port", "0", "--backend", backend.id(), "--stats",
                "--timeline", file.toString())) {
            int port = echo.port();
            try (EventLoop loop = new EventLoop(Multiplexers.of(Backend.EPOLL).get())) {
                LoadClient.Result r = new LoadClient(loop, new LoadClient.Config("127.0.0.1", port, 8, 64, 1, 0.5), System.out).run();
                assertTrue(r.messages() > 0 && r.errors() == 0, r.summary());
            }
            echo.stop();  // SIGTERM: the file is written on the way out
            String fin = echo.waitForLine("final: ");
            Matcher m = Pattern.compile("waits (\\d+)").matcher(fin);
            assertTrue(m.find(), fin);
            waits = m.group(1);
            assertTrue(echo.waitForLine("lag: iteration p50 ").contains("longest "), String.join("\n", echo.lines()));
            assertTrue(echo.waitForLine("timeline: ").contains(file.toString()));
        }
        assertFalse(Files.exists(dir.resolve("echo.json.tmp")), "written to a temporary file, then renamed");
        TraceFile trace = TraceFile.read(file);
        trace.checkStructure("echo");
        assertEquals(backend.id(), trace.otherData().get("backend").asText());
        assertEquals(0, trace.otherData().get("events_dropped").asLong(), "the default ring holds this short run");
        assertEquals(Long.parseLong(waits), trace.slices("wait").size(), "a wait slice per wait --stats counted");
        for (JsonNode w : trace.slices("wait")) assertEquals(backend.waitCall(), w.get("name").asText());
        long connBytes = trace.slices("dispatch").stream().filter(d -> d.get("args").get("role").asText().equals("conn"))
                .mapToLong(d -> d.get("args").get("bytes").asLong()).sum();
        assertTrue(connBytes > 0, "the connections' dispatches moved bytes");
        assertTrue(trace.slices("dispatch").stream().anyMatch(d -> d.get("name").asText().equals("listen READ")));
        assertEquals(trace.slices("wait").size(), trace.named("fds").size(), "an fds counter per wait");
        assertTrue(trace.named("connections").stream().anyMatch(c -> c.get("args").get("open").asInt() == 8));
        assertTrue(trace.events.stream().anyMatch(e -> e.get("ph").asText().equals("M")
                && e.get("args").get("name").asText().equals("echo-loop-0 (" + backend.id() + ")")));
    }
}
