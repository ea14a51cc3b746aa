package io.muxkit.fdtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;

/** `muxkit fdtest` as a user runs it: muxkit's servers survive their limit; the classic broken servers get their verdicts. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FdtestCommandTest {
    private static final Path SERVERS = Path.of("tests/fdtest-servers");

    private static ChildJvm.Result fdtest(List<String> options, List<String> command) throws Exception {
        List<String> args = new ArrayList<>(List.of("io.muxkit.cli.Main", "fdtest", "--json"));
        args.addAll(options);
        args.add("--");
        args.addAll(command);
        return ChildJvm.run(null, args.toArray(String[]::new));
    }

    /** Runs fdtest, checks its verdict and the exit status that goes with it (0 for survived, else 1), returns its report. */
    private static JsonNode expect(String verdict, List<String> options, List<String> command) throws Exception {
        ChildJvm.Result r = fdtest(options, command);
        JsonNode report = new ObjectMapper().readTree(r.output().substring(r.output().lastIndexOf("{\"command\"")));
        assertEquals(verdict, report.get("verdict").asText(), r.output());
        assertEquals(verdict.equals("survived") ? 0 : 1, r.exit(), r.output());
        return report;
    }

    private static List<String> muxkit(String... args) {
        List<String> javaArgs = new ArrayList<>(List.of("io.muxkit.cli.Main"));
        javaArgs.addAll(List.of(args));
        return ChildJvm.javaCommand(javaArgs);
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void theEchoServerSurvivesItsLimitOnEveryBackend(Backend backend) throws Exception {
        JsonNode report = expect("survived", List.of("--nofile", "128", "--connections", "160", "--seconds", "1"),
                muxkit("echo", "--port", "{port}", "--backend", backend.id()));
        assertTrue(report.get("max_fds").asLong() <= 128, report.toString());
        assertEquals(report.get("old_client_rounds").asInt(), report.get("old_client_rounds_served").asInt(), report.toString());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void theFileServerSurvivesItsLimitOnEveryBackend(Backend backend, @TempDir Path root) throws Exception {
        Files.writeString(root.resolve("index.txt"), "hello\n");
        expect("survived", List.of("--nofile", "128", "--connections", "160", "--seconds", "1", "--protocol", "http"),
                muxkit("files", "--root", root.toString(), "--port", "{port}", "--backend", backend.id()));
    }

    /** select past FD_SETSIZE: it closes what it cannot watch and keeps serving the rest. */
    @Test
    void selectPastFdSetsizeSurvivesWithItsRefusalsCounted() throws Exception {
        JsonNode report = expect("survived", List.of("--nofile", "2000", "--connections", "1500", "--seconds", "1"),
                muxkit("echo", "--port", "{port}", "--backend", "select"));
        JsonNode o = report.get("outcomes");
        assertTrue(o.get("closed").asInt() + o.get("reset").asInt() > 0, "the fds past 1023 were refused: " + o);
        assertTrue(report.get("max_fds").asLong() < 1100, "select watched no fd past FD_SETSIZE: " + report);
    }

    private static void assumePython() {
        boolean runs;
        try {
            runs = new ProcessBuilder("python3", "-c", "pass").start().waitFor() == 0;
        } catch (Exception e) {
            runs = false;
        }
        assumeTrue(runs, "python3 is not installed: the broken servers are Python programs");
    }

    @Test
    void theTutorialsSelectServerDiesPastFdSetsize() throws Exception {
        assumePython();
        JsonNode report = expect("dies", List.of("--nofile", "2000", "--connections", "1500", "--seconds", "1"),
                List.of("python3", SERVERS.resolve("select_echo.py").toString(), "{port}"));
        assertTrue(report.get("last_lines").toString().contains("ValueError: filedescriptor out of range in select()"), report.toString());
    }

    @Test
    void anAcceptLoopThatIgnoresEmfileSpins() throws Exception {
        assumePython();
        expect("spins", List.of("--nofile", "64", "--connections", "100", "--seconds", "2"),
                List.of("python3", SERVERS.resolve("spin_echo.py").toString(), "{port}"));
    }

    @Test
    void aServerThatWaitsInAcceptStalls() throws Exception {
        assumePython();
        expect("stalls", List.of("--nofile", "64", "--connections", "100", "--seconds", "1"),
                List.of("python3", SERVERS.resolve("stall_echo.py").toString(), "{port}"));
    }

    @Test
    void aCommandThatDoesNotStartIsAClearErrorWithExit2() throws Exception {
        ChildJvm.Result missing = fdtest(List.of(), List.of("/nonexistent/server", "{port}"));
        assertEquals(2, missing.exit(), missing.output());
        assertTrue(missing.output().contains("the command ended (exit 127) before it accepted a connection"), missing.output());
        ChildJvm.Result quits = fdtest(List.of(), List.of("sh", "-c", "echo bye; exit 3"));
        assertEquals(2, quits.exit(), quits.output());
        assertTrue(quits.output().contains("(exit 3)") && quits.output().contains("bye"), quits.output());
    }

    /** fdtest stopped midway (SIGTERM, as Ctrl-C's SIGINT) takes its server's whole process group with it. */
    @Test
    void stoppingFdtestStopsTheServer() throws Exception {
        List<String> args = new ArrayList<>(List.of("io.muxkit.cli.Main", "fdtest", "--seconds", "60", "--"));
        args.addAll(muxkit("echo", "--port", "{port}"));
        try (ChildJvm fdtest = ChildJvm.start(java.util.Map.of(), null, args)) {
            String line = fdtest.waitForLine("(pid ");
            Matcher m = Pattern.compile("\\(pid (\\d+)\\)").matcher(line);
            assertTrue(m.find(), line);
            ProcessHandle server = ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow();
            fdtest.process().destroy();
            assertTrue(fdtest.process().waitFor(30, TimeUnit.SECONDS));
            server.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(server.isAlive());
        }
    }
}
