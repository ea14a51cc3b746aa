package io.muxkit.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.CliSequence;
import io.muxkit.testing.InProcessCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * `muxkit probe --json` in child JVMs whose soft fd limit is lowered, as a user would run it. The
 * runs under a limit of 4096 share one JVM (CliSequence: one probe after another, each closing what
 * it opened), the one that lowers the limit last.
 */
class ProbeCommandTest {
    private static List<ChildJvm.Result> at4096;

    @BeforeAll
    static void probesUnderALimitOf4096() throws Exception {
        at4096 = CliSequence.run(4096, List.of(), List.of(
                List.of("probe", "--json"),
                List.of("probe", "--json", "--backend", "select", "--select-fdset", "dynamic"),
                List.of("probe", "--json", "--backend", "epoll", "--max", "300"),
                List.of("probe", "--limit", "5000"),
                List.of("probe", "--json", "--backend", "poll", "--limit", "200")));
    }

    private static JsonNode json(ChildJvm.Result r) throws Exception {
        assertEquals(0, r.exit(), r.output());
        return new ObjectMapper().readTree(r.output().substring(r.output().indexOf('{')));
    }

    private static JsonNode probe(int nofile) throws Exception {
        return nofile == 4096 ? json(at4096.get(0)) : json(ChildJvm.run(nofile, "io.muxkit.cli.Main", "probe", "--json"));
    }

    private static JsonNode backend(JsonNode report, String name) {
        for (JsonNode b : report.get("backends"))
            if (b.get("backend").asText().equals(name)) return b;
        throw new AssertionError("no " + name + " in " + report);
    }

    @ParameterizedTest(name = "soft limit {0}")
    @ValueSource(ints = { 64, 1100, 4096 })
    void everyBackendStopsWhereItsLimitSays(int nofile) throws Exception {
        JsonNode report = probe(nofile);
        JsonNode limits = report.get("limits");
        assertEquals(nofile, limits.get("nofile_soft").asInt());
        assertEquals(nofile, limits.get("nofile_hard").asInt());
        assertEquals(1024, limits.get("fd_setsize").asInt());
        assertFalse(limits.get("jvm_raised_soft_limit").asBoolean(), "-XX:-MaxFDLimit kept the limit");
        for (String field : new String[] { "nr_open", "file_max", "file_nr", "epoll_max_user_watches", "open_fds", "highest_fd" })
            assertTrue(limits.has(field), field);
        int openBefore = limits.get("open_fds").asInt();

        for (String name : new String[] { "poll", "epoll" }) {
            JsonNode b = backend(report, name);
            assertTrue(b.get("stopped_by").asText().contains("EMFILE"), b.toString());
            assertEquals(nofile - 1, b.get("highest_fd").asInt(), "filled to the soft limit: " + b);
            // the limit less what was open, the multiplexer's own fds (eventfd, epoll fd) and one spare
            assertTrue(b.get("watched_max").asInt() >= nofile - openBefore - 4, b.toString());
            assertTrue(b.get("all_proven_ready").asBoolean(), b.toString());
            assertTrue(b.get("steps").size() > 1, b.toString());
        }
        JsonNode select = backend(report, "select");
        assertEquals("strict", select.get("fdset").asText());
        if (nofile > 1024) {
            assertTrue(select.get("stopped_by").asText().startsWith("select cannot watch fd 1024"), select.toString());
            assertEquals(1023, select.get("highest_fd").asInt());
        } else {
            assertTrue(select.get("stopped_by").asText().contains("EMFILE"), select.toString());
        }
        assertTrue(report.get("conclusion").asText().contains("RLIMIT_NOFILE binds first"), report.toString());
        assertEquals(openBefore, report.get("open_fds_after").asInt(), "every fd the probe opened was closed");
    }

    @Test
    void dynamicSelectPassesFdSetSize() throws Exception {
        JsonNode report = json(at4096.get(1));
        assertEquals(1, report.get("backends").size());
        JsonNode select = backend(report, "select");
        assertEquals("dynamic", select.get("fdset").asText());
        assertEquals(4095, select.get("highest_fd").asInt());
        assertTrue(select.get("stopped_by").asText().contains("EMFILE"), select.toString());
        assertTrue(select.get("all_proven_ready").asBoolean());
    }

    @Test
    void maxCapsAndLimitLowersTheSoftLimitFirst() throws Exception {
        JsonNode capped = json(at4096.get(2));
        assertEquals(300, backend(capped, "epoll").get("watched_max").asInt());
        assertEquals("--max 300", backend(capped, "epoll").get("stopped_by").asText());
        JsonNode lowered = json(at4096.get(4));
        assertEquals(200, lowered.get("limits").get("nofile_soft").asInt());
        assertEquals(199, backend(lowered, "poll").get("highest_fd").asInt());
    }

    @Test
    void badFlagsAreUsageErrorsAndAnImpossibleLimitIsExplained() throws Exception {
        ChildJvm.Result backend = InProcessCli.run("probe", "--backend", "kqueue");  // refused before it starts: in this JVM
        assertEquals(2, backend.exit(), backend.output());
        assertTrue(backend.output().contains("unknown backend 'kqueue'"), backend.output());
        ChildJvm.Result both = InProcessCli.run("probe", "--raise", "--limit", "10");
        assertEquals(2, both.exit(), both.output());
        ChildJvm.Result tooHigh = at4096.get(3);
        assertEquals(1, tooHigh.exit(), tooHigh.output());
        assertTrue(tooHigh.output().contains("cannot set the soft fd limit to 5000 (hard limit 4096)")
                && tooHigh.output().contains("EINVAL"), tooHigh.output());
    }
}
