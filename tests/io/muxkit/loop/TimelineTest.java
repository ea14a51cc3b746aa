package io.muxkit.loop;

import static io.muxkit.mux.Multiplexer.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.muxkit.echo.EchoServer;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.tcp.ListenConfig;
import io.muxkit.testing.FdScope;
import io.muxkit.testing.Multiplexers;
import io.muxkit.testing.TraceFile;
import io.muxkit.testing.Commands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A loop's lag figures, its warning about a slow handler, and the timeline's ring when it wraps. */
class TimelineTest {
    private final FdScope fds = new FdScope();
    private final LoopMonitor before = LoopMonitor.installed();

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        LoopMonitor.install(before);
        fds.close();
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aSlowHandlerShowsInTheLagFiguresTheWarningAndTheTimeline(Backend backend) throws Exception {
        Timeline timeline = new Timeline("test", backend.id(), 10_000);
        LoopMonitor monitor = new LoopMonitor(100, true, timeline);
        LoopMonitor.install(monitor);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int[] pair = fds.socketPair();
        Thread thread;
        try (EventLoop loop = new EventLoop(Multiplexer.open(backend), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            NativeBuffer buf = NativeMemory.allocate(16);
            try {
                loop.register(pair[0], READ, (fd, ops) -> {
                    loop.countBytes(Fds.read(fd, buf, 16));
                    sleep(150);  // held on purpose
                    loop.stop();
                }, "slow");
                fds.write(pair[1], 1);
                thread = new Thread(() -> {
                    try {
                        loop.run();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, "slow-loop");
                thread.start();
                thread.join(10_000);
            } finally {
                NativeMemory.free(buf);
            }
        }
        // at least the 150 ms slept (more on a busy machine: the thread may wait for a core too)
        String warning = log.toString(StandardCharsets.UTF_8);
        Matcher w = Pattern.compile("muxkit: slow-loop held (\\d+) ms by slow READ fd " + pair[0] + "\\b").matcher(warning);
        assertTrue(w.find() && Long.parseLong(w.group(1)) >= 150, warning);
        String lag = monitor.lagLine(false);
        Matcher l = Pattern.compile("iteration p50 .* max (\\d+) ms, longest slow READ fd " + pair[0] + " (\\d+) ms").matcher(lag);
        assertTrue(l.matches() && Long.parseLong(l.group(1)) >= 150 && Long.parseLong(l.group(2)) >= 150, lag);
        Path file = dir.resolve("slow.json");
        timeline.write(file);
        TraceFile trace = TraceFile.read(file);
        trace.checkStructure("test");
        List<JsonNode> slow = trace.slices("dispatch").stream().filter(d -> d.get("name").asText().equals("slow READ")).toList();
        assertEquals(1, slow.size(), slow::toString);
        assertTrue(TraceFile.nanos(slow.get(0).get("dur")) >= 150_000_000L, slow::toString);
        assertEquals(1, slow.get(0).get("args").get("bytes").asLong(), "the byte the handler read");
        assertEquals("slow-loop (" + backend.id() + ")", trace.events.stream().filter(e -> e.get("name").asText().equals("thread_name"))
                .findFirst().orElseThrow().get("args").get("name").asText());
    }

    /** A slow timer and a slow task hold the loop as a handler does: the warning, the longest, the iteration's max and the slice name them. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aSlowTimerOrTaskShowsLikeAHandler(Backend backend) throws Exception {
        for (String what : new String[] { "timer", "task" }) {
            Timeline timeline = new Timeline("test", backend.id(), 1000);
            LoopMonitor monitor = new LoopMonitor(100, true, timeline);
            LoopMonitor.install(monitor);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (EventLoop loop = new EventLoop(Multiplexer.open(backend), new PrintStream(log, true, StandardCharsets.UTF_8))) {
                Runnable slow = () -> {
                    sleep(150);
                    loop.stop();
                };
                if (what.equals("timer")) loop.schedule(10, slow);
                else loop.execute(slow);
                loop.run();
            }
            String warning = log.toString(StandardCharsets.UTF_8);
            Matcher w = Pattern.compile("muxkit: \\S+ held (\\d+) ms by " + what + "\n").matcher(warning);
            assertTrue(w.find() && Long.parseLong(w.group(1)) >= 150, warning);
            String lag = monitor.lagLine(false);
            Matcher l = Pattern.compile("iteration p50 .* max (\\d+) ms, longest " + what + " (\\d+) ms").matcher(lag);
            assertTrue(l.matches() && Long.parseLong(l.group(1)) >= 150 && Long.parseLong(l.group(2)) >= 150, lag);
            Path file = dir.resolve(what + ".json");
            timeline.write(file);
            TraceFile trace = TraceFile.read(file);
            trace.checkStructure("test");
            assertTrue(trace.slices(what).stream().anyMatch(t -> TraceFile.nanos(t.get("dur")) >= 150_000_000L), () -> trace.slices(what).toString());
        }
    }

    /** Written while a turn is under way (a signal's hook), its slices are left out as cut, not counted as overwritten by the ring. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aTurnUnderWayIsCutNotOverwritten(Backend backend) throws Exception {
        Timeline timeline = new Timeline("test", backend.id(), 1000);
        LoopMonitor.install(new LoopMonitor(0, false, timeline));
        Timeline.Written[] written = new Timeline.Written[1];
        try (EventLoop loop = new EventLoop(Multiplexer.open(backend))) {
            loop.execute(() -> loop.execute(() -> {  // the second turn's task: its wait is recorded, its iteration not yet
                try {
                    written[0] = timeline.write(dir.resolve("midturn.json"));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                loop.stop();
            }));
            loop.run();
        }
        assertEquals(0, written[0].overwritten(), written[0]::toString);
        assertTrue(written[0].cut() >= 1, written[0]::toString);
        TraceFile.read(dir.resolve("midturn.json")).checkStructure("test");
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aSmallRingKeepsTheLastEventsAndStillNests(Backend backend) throws Exception {
        int events = 50;
        Timeline timeline = new Timeline("test", backend.id(), events);
        LoopMonitor.install(new LoopMonitor(0, false, timeline));
        try (EventLoop loop = new EventLoop(Multiplexer.open(backend))) {
            int[] left = { 500 };
            Runnable[] again = new Runnable[1];
            again[0] = () -> {  // a task a turn: a wait that does not block, then the task
                if (--left[0] == 0) loop.stop();
                else loop.afterNextWait(again[0]);
            };
            loop.execute(again[0]);
            loop.run();
            Path file = dir.resolve("ring.json");
            Timeline.Written written = timeline.write(file);
            TraceFile trace = TraceFile.read(file);
            trace.checkStructure("test");
            long fromRing = trace.events.stream().filter(e -> !e.get("ph").asText().equals("M") && !e.get("name").asText().equals("fds")).count();
            assertTrue(fromRing <= events && fromRing >= events - 3, "the ring's last " + events + " (less a cut iteration): " + fromRing);
            assertTrue(written.dropped() >= 3 * 500 - events, "dropped: " + written.dropped());
            assertEquals(written.dropped(), trace.otherData().get("events_dropped").asLong());
            assertTrue(trace.slices("task").size() >= events / 3 - 1, "the last turns' tasks");
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aRefusedConnectionIsAnInstantAndTheOpenOnesACounter(Backend backend) throws Exception {
        Timeline timeline = new Timeline("test", backend.id(), 10_000);
        LoopMonitor.install(new LoopMonitor(0, false, timeline));
        EchoServer.Config config = new EchoServer.Config(new ListenConfig("127.0.0.1", 0, 1, 1, 0), 64 * 1024);
        try (EchoServer server = new EchoServer(config, Multiplexers.of(backend), System.err).start();
             Socket served = new Socket("127.0.0.1", server.port()); Socket refused = new Socket("127.0.0.1", server.port())) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.stats().refusedMaxConn() < 1 && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(1, server.stats().refusedMaxConn());
        }
        Path file = dir.resolve("refused.json");
        timeline.write(file);
        TraceFile trace = TraceFile.read(file);
        trace.checkStructure("test");
        List<JsonNode> marks = trace.named("refused: max-conn");
        assertEquals(1, marks.size(), marks::toString);
        assertEquals("i", marks.get(0).get("ph").asText());
        assertEquals("limit", marks.get(0).get("cat").asText());
        assertTrue(marks.get(0).get("args").get("fd").isIntegralNumber(), marks::toString);
        List<Integer> open = trace.named("connections").stream().map(c -> c.get("args").get("open").asInt()).toList();
        assertEquals(List.of(1, 0), open, "opened, then closed at shutdown");
    }

    /** Chrome keys counters by process, name and id: with two loops each counter names its loop's id, so their samples draw two tracks. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void withTwoLoopsEachLoopsCountersHaveTheirOwnId(Backend backend) throws Exception {
        Timeline timeline = new Timeline("test", backend.id(), 1000);
        LoopMonitor.install(new LoopMonitor(0, false, timeline));
        for (int open : new int[] { 3, 5 }) {  // one loop after the other, each on its own thread
            try (EventLoop loop = new EventLoop(Multiplexer.open(backend))) {
                loop.execute(() -> {
                    loop.counter(Timeline.CONNECTIONS, open, 0);
                    loop.stop();
                });
                Thread t = new Thread(() -> {
                    try {
                        loop.run();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }, "loop-" + open);
                t.start();
                t.join(10_000);
            }
        }
        Path file = dir.resolve("two.json");
        timeline.write(file);
        TraceFile trace = TraceFile.read(file);
        trace.checkStructure("test");
        List<String> ids = trace.named("connections").stream().map(c -> c.get("id").asText() + "=" + c.get("args").get("open").asInt()).toList();
        assertEquals(List.of("1=3", "2=5"), ids);
        assertTrue(trace.named("fds").stream().allMatch(c -> c.get("id").asText().equals(c.get("tid").asText())), "the fds counters too");
    }

    /** A turn of the loop (a wait, a handler, their timing and, with a timeline, four events) allocates nothing: 100,000 turns, under 1 byte each. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aTurnAllocatesNothingWithOrWithoutATimeline(Backend backend) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Timeline timeline : new Timeline[] { null, new Timeline("test", backend.id(), 1000) }) {
            // the lag path runs in full, but its warning's threshold is an hour: a warning is a printed line (here, a
            // busy machine's preemption past 100 ms: its first Formatter allocated 220 KB once), not a turn's work
            LoopMonitor.install(new LoopMonitor(3_600_000, true, timeline));
            int[] pair = fds.socketPair();
            NativeBuffer buf = NativeMemory.allocate(1);
            long[] turns = { 0 }, allocated = { 0 };
            try (EventLoop loop = new EventLoop(Multiplexer.open(backend))) {
                loop.register(pair[0], READ, (fd, ops) -> {  // reads the byte and sends it again: ready every turn
                    Fds.read(fd, buf, 1);
                    Fds.write(pair[1], buf, 1);
                    long id = Thread.currentThread().getId();
                    if (++turns[0] == 20_000) allocated[0] = threads.getThreadAllocatedBytes(id);  // after the warm-up
                    if (turns[0] == 120_000) {
                        allocated[0] = threads.getThreadAllocatedBytes(id) - allocated[0];
                        loop.stop();
                    }
                }, "conn");
                fds.write(pair[1], 1);
                loop.run();
            } finally {
                NativeMemory.free(buf);
            }
            assertTrue(allocated[0] < 100_000, (timeline == null ? "without" : "with") + " a timeline: " + allocated[0] + " bytes in 100,000 turns");
        }
    }

    /** A file.tmp someone left (in /tmp, say) is replaced: a symlink's target is not written, a FIFO does not block. */
    @Test
    void aSymlinkOrFifoAtTheTmpFileIsReplacedNotFollowed() throws Exception {
        Path file = dir.resolve("t.json"), tmp = dir.resolve("t.json.tmp"), victim = dir.resolve("victim");
        Files.writeString(victim, "precious");
        Files.createSymbolicLink(tmp, victim);
        Timeline.checkWritable(file);
        new Timeline("test", "epoll", 10).write(file);
        assertEquals("precious", Files.readString(victim));
        assertTrue(Files.readString(file).contains("traceEvents"));
        assertEquals(0, Commands.run("mkfifo", tmp.toString()));
        Timeline.checkWritable(file);  // would block until a reader came
        new Timeline("test", "epoll", 10).write(file);
        assertFalse(Files.exists(tmp));
    }

    /** --stats' iteration figures are of the interval (none in an idle one), the exit line's of the whole run. */
    @Test
    void theIntervalLagLineIsOfTheIntervalAndSaysWhenNoTurnEnded() {
        LoopMonitor monitor = new LoopMonitor(0, true, null);
        LoopLag lag = monitor.newLag(System.err);
        lag.iteration(5_000_000);
        assertTrue(monitor.lagLine(true).startsWith("iteration p50 5.0"), monitor.lagLine(false));
        assertEquals("iteration none, longest none", monitor.lagLine(true));
        assertTrue(monitor.lagLine(false).startsWith("iteration p50 5.0"), monitor.lagLine(false));
    }

    /** A warning held back by the one-a-second rate, with none after it to tell it, is counted in the whole run's line. */
    @Test
    void warningsHeldBackAndNeverToldAreCountedAtTheEnd() {
        LoopMonitor monitor = new LoopMonitor(1, true, null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LoopLag lag = monitor.newLag(new PrintStream(log, true));
        for (int i = 0; i < 3; i++) lag.held(5_000_000, "task", -1, 0);  // within a second: the first is printed
        assertEquals(1, log.toString().lines().count(), log.toString());
        assertFalse(monitor.lagLine(true).contains("not warned of"), "an interval's line does not count them");
        assertTrue(monitor.lagLine(false).endsWith(", 2 more holds over 1.000 ms not warned of (at most one warning a second)"),
                monitor.lagLine(false));
    }

    /** A write that fails (here the rename, onto a directory) leaves neither FILE nor FILE.tmp behind. */
    @Test
    void aFailedWriteLeavesNoTmpFile() throws Exception {
        Path file = dir.resolve("t.json");
        Files.createDirectories(file.resolve("inside"));
        Timeline.checkWritable(file);  // the directory is writable: the rename is what fails
        assertThrows(IOException.class, () -> new Timeline("test", "epoll", 10).write(file));
        assertFalse(Files.exists(dir.resolve("t.json.tmp")));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
