package io.muxkit.fdtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import io.muxkit.testing.InProcessCli;

/** fdtest: muxkit's servers survive their limit; the classic broken servers get their verdicts; the CLI's exit statuses. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FdtestCommandTest {
    private static final Path SERVERS = FdtestRun.SERVERS;

    private static ChildJvm.Result fdtest(Map<String, String> env, List<String> options, List<String> command) throws Exception {
        List<String> args = new ArrayList<>(List.of("io.muxkit.cli.Main", "fdtest", "--json"));
        args.addAll(options);
        args.add("--");
        args.addAll(command);
        return ChildJvm.run(env, null, args.toArray(String[]::new));
    }

    private static ChildJvm.Result fdtest(List<String> options, List<String> command) throws Exception {
        return fdtest(Map.of(), options, command);
    }

    /** Runs fdtest, checks its verdict and the exit status that goes with it, returns its report. */
    private static JsonNode expect(String verdict, List<String> options, List<String> command) throws Exception {
        return expect(verdict, Map.of(), options, command);
    }

    /** Exit 0 for survived, 3 for limit not reached, else 1. */
    private static JsonNode expect(String verdict, Map<String, String> env, List<String> options, List<String> command) throws Exception {
        ChildJvm.Result r = fdtest(env, options, command);
        JsonNode report = new ObjectMapper().readTree(r.output().substring(r.output().lastIndexOf("{\"command\"")));
        assertEquals(verdict, report.get("verdict").asText(), r.output());
        assertEquals(verdict.equals("survived") ? 0 : verdict.equals("limit not reached") ? 3 : 1, r.exit(), r.output());
        return report;
    }

    private static List<String> muxkit(String... args) {
        return FdtestRun.muxkit(args);
    }

    // In this JVM (a JVM start less each): what fdtest sees; the CLI's exit statuses are the tests further down.

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void theEchoServerSurvivesItsLimitOnEveryBackend(Backend backend) throws Exception {
        JsonNode report = FdtestRun.expect("survived", 128, 160, 1, Protocol.ECHO, muxkit("echo", "--port", "{port}", "--backend", backend.id()));
        // its default --max-conn (the fd limit less a reserve) turns connections away first: a limit of its own
        assertTrue(report.get("fill").asText().contains("a limit of its own") && report.get("max_fds").asLong() < 128, report.toString());
        assertEquals(report.get("old_client_rounds").asInt(), report.get("old_client_rounds_served").asInt(), report.toString());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void theFileServerSurvivesItsLimitOnEveryBackend(Backend backend, @TempDir Path root) throws Exception {
        Files.writeString(root.resolve("index.txt"), "hello\n");
        FdtestRun.expect("survived", 128, 160, 1, Protocol.HTTP, muxkit("files", "--root", root.toString(), "--port", "{port}", "--backend", backend.id()));
    }

    /** select past FD_SETSIZE: it closes what it cannot watch and keeps serving the rest. */
    @Test
    void selectPastFdSetsizeSurvivesWithItsRefusalsCounted() throws Exception {
        JsonNode report = FdtestRun.expect("survived", 2000, 1500, 1, Protocol.ECHO, muxkit("echo", "--port", "{port}", "--backend", "select"));
        JsonNode o = report.get("outcomes");
        assertTrue(o.get("closed").asInt() + o.get("reset").asInt() > 0, "the fds past 1023 were refused: " + o);
        assertTrue(report.get("max_fds").asLong() < 1100, "select watched no fd past FD_SETSIZE: " + report);
    }

    private static void assumePython() {
        FdtestRun.assumeInstalled("python3", "python3", "-V");
    }

    @Test
    void theTutorialsSelectServerDiesPastFdSetsize() throws Exception {
        assumePython();
        JsonNode report = FdtestRun.expect("dies", 2000, 1500, 1, Protocol.ECHO,
                List.of("python3", SERVERS.resolve("select_echo.py").toString(), "{port}"));
        assertTrue(report.get("last_lines").toString().contains("ValueError: filedescriptor out of range in select()"), report.toString());
    }

    @Test
    void aServerThatWaitsInAcceptStalls() throws Exception {
        assumePython();
        // 2 s over the limit: an old client is late a second after its request, which may go out up to 250 ms into the window
        FdtestRun.expect("stalls", 64, 100, 2, Protocol.ECHO, List.of("python3", SERVERS.resolve("stall_echo.py").toString(), "{port}"));
    }

    // The CLI, in a JVM of its own: its exit statuses, its errors, its end.

    @Test
    void anAcceptLoopThatIgnoresEmfileSpinsWithExit1() throws Exception {
        assumePython();
        expect("spins", List.of("--nofile", "64", "--connections", "100", "--seconds", "2"),
                List.of("python3", SERVERS.resolve("spin_echo.py").toString(), "{port}"));
    }

    /** 20 connections cannot put a server at a limit of 64 fds: fdtest says so, and says neither survived nor stalls. */
    @Test
    void aServerNeverAtItsLimitIsSaidSoWithExit3() throws Exception {
        assumePython();
        ChildJvm.Result r = fdtest(List.of("--nofile", "64", "--connections", "20", "--seconds", "1"),
                List.of("python3", SERVERS.resolve("asyncio_echo.py").toString(), "{port}"));
        assertEquals(3, r.exit(), r.output());
        JsonNode report = new ObjectMapper().readTree(r.output().substring(r.output().lastIndexOf("{\"command\"")));
        assertEquals("limit not reached", report.get("verdict").asText(), r.output());
        assertTrue(report.get("max_fds").asLong() < 64 - Fill.NEAR, r.output());
    }

    /** A server that forks to the background leaves the process group: fdtest says so (exit 2) instead of watching a parent that ended. */
    @Test
    void aServerThatGoesToTheBackgroundIsNamedAsSuch(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumePython();
        Path pidfile = dir.resolve("daemon.pid");
        try {
            ChildJvm.Result r = fdtest(List.of("--nofile", "64", "--seconds", "1"),
                    List.of("python3", SERVERS.resolve("daemon_echo.py").toString(), "{port}", pidfile.toString()));
            assertEquals(2, r.exit(), r.output());
            assertTrue(r.output().contains("went to the background (a daemon)") && r.output().contains("ss -ltnp"), r.output());
        } finally {
            if (Files.exists(pidfile))
                ProcessHandle.of(Long.parseLong(Files.readString(pidfile).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void theHelpNamesEveryExitStatus() throws Exception {
        ChildJvm.Result r = InProcessCli.run("fdtest", "--help");
        assertEquals(0, r.exit(), r.output());
        String help = r.output().replaceAll("\\s+", " ");
        for (String status : List.of("0 survived", "1 spins, stalls, dies or no recovery", "2 the command could not be started",
                "3 limit not reached"))
            assertTrue(help.contains(status), status + " in:\n" + r.output());
    }

    /** Refused before any server runs: in this JVM, whose exit status is the one main would pass to System.exit. */
    @Test
    void aCommandThatDoesNotStartIsAClearErrorWithExit2() throws Exception {
        ChildJvm.Result missing = InProcessCli.run("fdtest", "--", "/nonexistent/server", "{port}");
        assertEquals(2, missing.exit(), missing.output());
        assertTrue(missing.output().contains("the command ended (exit 127) before it accepted a connection"), missing.output());
        ChildJvm.Result quits = InProcessCli.run("fdtest", "--", "sh", "-c", "echo bye; exit 3");
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
