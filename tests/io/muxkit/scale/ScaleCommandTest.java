package io.muxkit.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.CliSequence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `muxkit scale` at small sizes, in a child JVM as a user runs it: one for every run here (CliSequence). */
class ScaleCommandTest {
    @TempDir
    static Path dir;
    private static List<ChildJvm.Result> runs;

    @BeforeAll
    static void runScale() throws Exception {
        String c = "-Dmuxkit.scale.c=" + Path.of(System.getProperty("muxkit.test.nativeBuildDir"), "muxkit-scale");
        runs = CliSequence.run(null, List.of(c), List.of(
                List.of("scale", "--fds", "10,100", "--active", "1,10", "--writes", "20", "--iterations", "5",
                        "--with-c", "--json", "--chart", dir.resolve("scale.png").toString()),
                List.of("scale", "--churn", "--fds", "100", "--active", "10", "--writes", "20", "--iterations", "5", "--with-c", "--json"),
                List.of("scale", "--backend", "select", "--fds", "2000", "--active", "1", "--iterations", "1", "--json"),
                List.of("scale", "--backend", "select", "--select-fdset", "dynamic", "--fds", "2000", "--active", "1",
                        "--writes", "5", "--iterations", "2", "--json"),
                List.of("scale", "--tcp", "--backend", "uring", "--idle", "0,50", "--active", "5", "--seconds", "0.5", "--json")));
    }

    /** The JSON rows of the i-th run. */
    private static JsonNode run(int i) throws Exception {
        ChildJvm.Result r = runs.get(i);
        assertEquals(0, r.exit(), r.output());
        return new ObjectMapper().readTree(r.output().substring(r.output().indexOf('[')));
    }

    @Test
    void everyWriteIsReadOnceOnEveryBackendAndInCAndTheChartDecodes() throws Exception {
        Path png = dir.resolve("scale.png");
        JsonNode rows = run(0);
        Set<String> cells = new HashSet<>();
        for (JsonNode row : rows) {
            String cell = row.get("backend").asText() + "/" + row.get("fds").asInt() + "/" + row.get("active").asInt();
            cells.add(cell);
            assertTrue(row.get("unsupported") == null, cell + ": " + row);
            int active = row.get("active").asInt();
            assertEquals(5L * (active + 20), row.get("writes").asLong(), cell + ": A initial writes + W forwarded, per iteration");
            assertEquals(row.get("writes").asLong(), row.get("received").asLong(), cell + ": every write read exactly once");
            double epw = row.get("events_per_wait").asDouble();
            assertTrue(epw >= 1 && epw <= active, cell + ": events per wait " + epw);
            for (String f : new String[] { "iteration_us_median", "iteration_us_p99", "wait_us_median", "syscalls_per_iteration" })
                assertTrue(row.get(f).asDouble() > 0, cell + ": " + f);
        }
        for (String b : new String[] { "select", "poll", "epoll", "uring", "c-select", "c-poll", "c-epoll", "c-uring" })
            for (String size : new String[] { "10/1", "10/10", "100/1", "100/10" })
                assertTrue(cells.contains(b + "/" + size), "missing " + b + "/" + size + " in " + cells);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "a PNG that decodes");
        assertEquals(1000, image.getWidth());
    }

    /** --churn: epoll pays a syscall per interest change, uring queues them into its waits; in Java as in C. */
    @Test
    void churnChangesInterestAtEveryEventAndUringBatchesTheChanges() throws Exception {
        JsonNode rows = run(1);
        java.util.Map<String, Double> syscalls = new java.util.HashMap<>();
        for (JsonNode row : rows) {
            String b = row.get("backend").asText();
            assertTrue(row.get("unsupported") == null, b + ": " + row);
            assertEquals(5L * (10 + 20), row.get("writes").asLong(), b);
            assertEquals(row.get("writes").asLong(), row.get("received").asLong(), b + ": every write read exactly once");
            syscalls.put(b, row.get("syscalls_per_iteration").asDouble());
        }
        assertEquals(Set.of("select", "poll", "epoll", "uring", "c-select", "c-poll", "c-epoll", "c-uring"), syscalls.keySet());
        // each read event makes two changes (READ|WRITE, then READ): 2 x 30 epoll_ctl calls per iteration
        for (String prefix : new String[] { "", "c-" }) {
            double epoll = syscalls.get(prefix + "epoll"), uring = syscalls.get(prefix + "uring");
            assertTrue(epoll - uring >= 50, prefix + "epoll " + epoll + " vs " + prefix + "uring " + uring + " syscalls per iteration");
        }
    }

    @Test
    void sizesABackendCannotHoldAreRowsThatSaySo() throws Exception {
        JsonNode rows = run(2);
        assertEquals(1, rows.size());
        assertTrue(rows.get(0).get("unsupported").asText().contains("FD_SETSIZE"), rows.toString());
        JsonNode dynamic = run(3);
        assertEquals("select-dynamic", dynamic.get(0).get("backend").asText());
        assertEquals(dynamic.get(0).get("writes").asLong(), dynamic.get(0).get("received").asLong());
    }

    @Test
    void idleTcpConnectionsAreOpenedAndServed() throws Exception {
        JsonNode rows = run(4);
        assertEquals(4, rows.size(), "uring's readiness, then its completions (--io completion): " + rows);
        assertEquals("uring completion", rows.get(3).get("backend").asText(), rows.toString());
        assertEquals(50, rows.get(1).get("idle_open").asInt(), rows.toString());
        assertEquals(50, rows.get(3).get("idle_open").asInt(), rows.toString());
        for (JsonNode row : rows) {
            assertTrue(row.get("messages_per_sec").asDouble() > 0, row.toString());
            assertEquals(0, row.get("errors").asInt(), row.toString());
        }
    }
}
