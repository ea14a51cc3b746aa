package io.muxkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Multiplexers;
import io.muxkit.testing.SystemFds;

/**
 * What must hold while the shim injects faults (MUXKIT_FAULTS, a fixed seed each): the echo server
 * and the multiplexers, on every backend. The servers run in child JVMs with the faults in their
 * environment; the clients here have none.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultInjectionTest {
    private static final String WAIT = "select:EINTR:0.05,poll:EINTR:0.05,epoll_wait:EINTR:0.05,io_uring_enter:EINTR:0.05";

    /** The shim's name for the backend's wait call, as MUXKIT_FAULTS and error messages say it. */
    private static String waitCall(Backend backend) {
        return switch (backend) {
            case SELECT -> "select";
            case POLL -> "poll";
            case EPOLL -> "epoll_wait";
            case URING -> "io_uring_enter";
        };
    }

    private static ChildJvm server(Backend backend, String faults, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("io.muxkit.cli.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("--backend", backend.id()));
        return ChildJvm.start(Map.of("MUXKIT_FAULTS", faults, "MUXKIT_FAULTS_SEED", "1"), null, command);
    }

    /** 0.3 s of echoes: some 20000 messages, through thousands of injected faults (1000 are required). */
    private static LoadClient.Result load(int port, int connections) throws IOException {
        try (EventLoop loop = Multiplexers.loop(Backend.EPOLL)) {
            return new LoadClient(loop, new LoadClient.Config("127.0.0.1", port, connections, 100, 2, 0.3),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).run();
        }
    }

    /** Stops the child with SIGTERM and returns how many faults it says it injected. */
    private static long stopAndCountFaults(ChildJvm child) throws Exception {
        child.stop();
        Matcher m = Pattern.compile("(\\d+) faults injected").matcher(String.join("\n", child.lines()));
        assertTrue(m.find(), String.join("\n", child.lines()));
        return Long.parseLong(m.group(1));
    }

    /** The fds of a server process settle back to where they were once its clients have gone. */
    private static void assertFdsReturn(ChildJvm child, long baseline) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long now;
        // at most the baseline: the JVM may close a file of its own start-up meanwhile (seen once, on uring)
        while ((now = SystemFds.count(child.process().pid())) > baseline && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(now <= baseline, "the server's fds after its clients left: " + now + ", more than the " + baseline + " before");
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void echoUnderEintrEagainAndShortIoLosesNothing(Backend backend) throws Exception {
        String faults = "read:EINTR:0.02,write:EINTR:0.02,read:EAGAIN:0.05,write:EAGAIN:0.05,read:SHORT:0.1,write:SHORT:0.1,"
                + waitCall(backend) + ":EINTR:0.05";
        try (ChildJvm child = server(backend, faults, "echo", "--port", "0")) {
            int port = child.port();
            long baseline = SystemFds.count(child.process().pid());
            LoadClient.Result r = load(port, 50);
            assertEquals(0, r.mismatches(), r.summary());
            assertEquals(0, r.errors(), "every connection ended by the client's own close: " + r.summary());
            assertEquals(0, r.refused(), r.summary());
            assertTrue(r.messages() > 1000, r.summary());
            assertTrue(child.process().isAlive());
            assertFdsReturn(child, baseline);
            assertTrue(stopAndCountFaults(child) > 100, "faults were injected");
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void echoUnderResetsAndEmfileCountsThemAndLosesNothingElse(Backend backend) throws Exception {
        String faults = "read:EAGAIN:0.05,write:SHORT:0.1,read:ECONNRESET:0.0005,write:EPIPE:0.0005,accept4:EMFILE:0.2";
        try (ChildJvm child = server(backend, faults, "echo", "--port", "0")) {
            loadThroughResets(child);
        }
    }

    /** Load through the resets and refusals the faults make: nothing is lost but what the resets take, each counted; the fds settle back. */
    private static LoadClient.Result loadThroughResets(ChildJvm child) throws Exception {
        int port = child.port();
        long baseline = SystemFds.count(child.process().pid());
        LoadClient.Result r = load(port, 50);
        assertEquals(0, r.mismatches(), r.summary());
        assertEquals(r.errors(), r.reset(), "the only errors are connections the server reset: " + r.summary());
        assertTrue(r.reset() + r.refused() > 0, "resets and refusals happened and were counted: " + r.summary());
        assertTrue(child.process().isAlive());
        assertFdsReturn(child, baseline);
        assertTrue(stopAndCountFaults(child) > 0);
        return r;
    }

    /**
     * The completion path under faults at its own result points: its io_uring_enter interrupted,
     * and completions that come back as a peer's reset (a recv's, a send's) or an accept out of fds
     * (the connection it brought refused). Nothing is lost but what the resets take, and they are
     * counted; the fds settle back.
     */
    @Test
    void echoOnCompletionsUnderEnterAndCompletionFaultsLosesNothingElse() throws Exception {
        String faults = "io_uring_enter:EINTR:0.05,io_uring_cqe:ECONNRESET:0.0005,io_uring_cqe:EPIPE:0.0005,io_uring_cqe:EMFILE:0.2";
        List<String> command = new java.util.ArrayList<>(List.of("io.muxkit.cli.Main", "echo", "--port", "0", "--io", "completion"));
        try (ChildJvm child = ChildJvm.start(Map.of("MUXKIT_FAULTS", faults, "MUXKIT_FAULTS_SEED", "1"), null, command)) {
            LoadClient.Result r = loadThroughResets(child);
            assertTrue(r.messages() > 1000, r.summary());
        }
    }

    /**
     * The backends' runs of a child program under faults: one child JVM runs it on every backend
     * in turn (a JVM start each would cost more than the runs), once, and each backend's test
     * reads its own line. Each run opens and closes its own multiplexers and counts its own fds.
     */
    private static final Map<String, ChildJvm.Result> RUNS = new java.util.HashMap<>();

    private static synchronized ChildJvm.Result onEveryBackend(String program, String faults, String seed, String arg) throws Exception {
        ChildJvm.Result r = RUNS.get(program);
        if (r == null) {
            String all = String.join(",", java.util.Arrays.stream(Backend.values()).map(Backend::id).toList());
            r = ChildJvm.run(Map.of("MUXKIT_FAULTS", faults, "MUXKIT_FAULTS_SEED", seed), null, program, all, arg);
            RUNS.put(program, r);
        }
        return r;
    }

    /** The multiplexers' own calls failing: each failure is a NativeIOException, never a stale registration. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void multiplexersUnderEintrAndEnomemKeepTheContract(Backend backend) throws Exception {
        String faults = "epoll_ctl:ENOMEM:0.1,epoll_wait:EINTR:0.2,epoll_wait:ENOMEM:0.1,poll:EINTR:0.2,poll:ENOMEM:0.1,"
                + "select:EINTR:0.2,select:ENOMEM:0.1,io_uring_enter:EINTR:0.2,io_uring_enter:ENOMEM:0.1,eventfd:EMFILE:0.2";
        ChildJvm.Result r = onEveryBackend("io.muxkit.testing.MuxTorture", faults, "3", "20000");
        assertTrue(r.exit() == 0 || r.output().contains(" FAIL "), "the child ended well, or with another backend's FAIL: " + r.output());
        Matcher m = Pattern.compile("(?m)^" + backend.id() + " ok ops=20000 failures=(\\d+) faults=(\\d+)$").matcher(r.output());
        assertTrue(m.find(), r.output());
        assertTrue(Long.parseLong(m.group(1)) > 100, "many calls failed, and were survived: " + r.output());
    }

    /** A backend whose constructor fails midway (eventfd, or the wakeup fd's epoll_ctl at max_user_watches) leaks no fd. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aBackendThatFailsToOpenLeaksNoFd(Backend backend) throws Exception {
        ChildJvm.Result r = onEveryBackend("io.muxkit.testing.OpenFailures", "epoll_ctl:ENOSPC:0.5,eventfd:EMFILE:0.3,io_uring_setup:ENOMEM:0.3",
                "5", "200");
        assertEquals(0, r.exit(), r.output());
        Matcher m = Pattern.compile("(?m)^" + backend.id() + " opened=(\\d+) failed=(\\d+) leaked=(-?\\d+)$").matcher(r.output());
        assertTrue(m.find(), r.output());
        assertTrue(Integer.parseInt(m.group(2)) > 20, "opens failed: " + r.output());
        assertEquals("0", m.group(3), "fds leaked by failed opens: " + r.output());
    }

    /** A loop whose wait fails for good takes the server down: exit 70, listener closed, the reason printed. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aServerWhoseLoopDiesExitsWithTheReason(Backend backend) throws Exception {
        String call = waitCall(backend);
        try (ChildJvm child = server(backend, call + ":ENOMEM:1", "echo", "--port", "0")) {
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "the process exited");
            assertEquals(70, child.process().exitValue(), String.join("\n", child.lines()));
            child.waitForLine("an event loop died, so the server stopped serving and exits: io.muxkit.ffi.NativeIOException: "
                    + waitCall(backend) + ": ENOMEM");
        }
    }
}
