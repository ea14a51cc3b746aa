package io.muxkit.timeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

import io.muxkit.cli.Main;
import io.muxkit.testing.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** `muxkit timeline summary` on hand-made traces, whose every figure is known. */
class TimelineSummaryTest {
    @TempDir
    Path dir;

    /** A trace in the format --timeline writes, with Perfetto-style extras a reader must step over. */
    private static String trace(String backend, String wait, int[] waitDurs, int[] ready, int[] dispatchDurs) {
        StringBuilder ev = new StringBuilder();
        ev.append("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":7,\"tid\":0,\"args\":{\"name\":\"muxkit echo (" + backend + ")\"}},\n");
        ev.append("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":7,\"tid\":8,\"args\":{\"name\":\"loop-1 (" + backend + ")\"}},\n");
        long ts = 0;
        for (int i = 0; i < waitDurs.length; i++) {
            int dispatch = i < dispatchDurs.length ? dispatchDurs[i] : 0;
            ev.append("{\"ph\":\"X\",\"cat\":\"iteration\",\"name\":\"iteration\",\"ts\":" + ts + ",\"dur\":" + (waitDurs[i] + dispatch + 1)
                    + ",\"pid\":7,\"tid\":8,\"args\":{\"ready\":" + ready[i] + "}},\n");
            ev.append("{\"ph\":\"X\",\"cat\":\"wait\",\"name\":\"" + wait + "\",\"ts\":" + ts + ".0,\"dur\":" + waitDurs[i]
                    + ",\"pid\":7,\"tid\":8,\"args\":{\"timeout_ms\":-1,\"ready\":" + ready[i] + ",\"registered\":12}},\n");
            if (i < dispatchDurs.length)
                ev.append("{\"ph\":\"X\",\"cat\":\"dispatch\",\"name\":\"conn READ\",\"ts\":" + (ts + waitDurs[i]) + ",\"dur\":" + dispatch
                        + ",\"pid\":7,\"tid\":8,\"args\":{\"fd\":" + (20 + i) + ",\"role\":\"conn\",\"ops\":\"READ\",\"bytes\":64}},\n");
            ev.append("{\"ph\":\"C\",\"name\":\"fds\",\"ts\":" + ts + ",\"pid\":7,\"tid\":8,\"args\":{\"registered\":" + (10 + i) + "}},\n");
            ts += waitDurs[i] + dispatch + 1;
        }
        ev.append("{\"ph\":\"X\",\"cat\":\"timer\",\"name\":\"idle sweep\",\"ts\":" + ts + ",\"dur\":2,\"pid\":7,\"tid\":8},\n");
        ev.append("{\"ph\":\"X\",\"cat\":\"task\",\"name\":\"task\",\"ts\":" + ts + ",\"dur\":1,\"pid\":7,\"tid\":8,\"args\":{}},\n");
        ev.append("{\"ph\":\"X\",\"cat\":\"task\",\"name\":\"task\",\"ts\":" + ts + ",\"dur\":1,\"pid\":7,\"tid\":8},\n");
        ev.append("{\"ph\":\"C\",\"name\":\"connections\",\"ts\":" + ts + ",\"pid\":7,\"tid\":8,\"args\":{\"open\":3}},\n");
        ev.append("{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"limit\",\"name\":\"refused: fd limit\",\"ts\":" + ts + ",\"pid\":7,\"tid\":8},\n");
        ev.append("{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"error\",\"name\":\"EMFILE\",\"ts\":" + ts + ",\"pid\":7,\"tid\":8},\n");
        ev.append("{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"limit\",\"name\":\"refused: fd limit\",\"ts\":" + ts + ",\"pid\":7,\"tid\":8},\n");
        // what other tools add: flows, ids, nested args, strings for numbers, a non-object element
        ev.append("{\"ph\":\"s\",\"id\":\"0x1\",\"bind_id\":2,\"name\":\"flow\",\"ts\":1,\"pid\":\"7\",\"tid\":\"8\",\"args\":{\"deep\":{\"x\":[1,{}]}}},\n");
        ev.append("{\"ph\":\"X\",\"cat\":\"gpu\",\"name\":\"other\",\"ts\":\"3\",\"dur\":\"4\",\"pid\":7,\"tid\":9,\"tts\":5,\"sf\":3,\"stack\":[1,2]},\n");
        ev.append("42\n");
        return "{\"traceEvents\":[\n" + ev + "], \"displayTimeUnit\":\"ms\", \"stackFrames\":{\"1\":{\"name\":\"f\"}},"
                + " \"otherData\":{\"command\":\"echo\",\"backend\":\"" + backend + "\",\"events_kept\":1000,\"events_dropped\":7,\"version\":1}}";
    }

    private static final int[] WAITS = { 40, 10, 30, 20 };
    private static final int[] READY = { 5, 0, 1, 3 };
    private static final int[] DISPATCHES = { 7, 3, 6, 1 };

    private Path write(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void figuresOfAHandMadeTrace() throws Exception {
        TimelineSummary s = TimelineSummary.read(write("epoll.json", trace("epoll", "epoll_wait", WAITS, READY, DISPATCHES)));
        assertEquals("echo", s.command());
        assertEquals("epoll", s.backend());
        assertEquals(List.of("loop-1 (epoll)"), s.loopThreadNames());
        assertEquals(1000, s.otherCount("events_kept"));
        assertEquals(7, s.otherCount("events_dropped"));
        assertEquals(4, s.waits.count());
        assertEquals(100, s.waits.sum());
        assertEquals(20, s.waits.percentile(50));  // nearest rank: the 2nd of 10, 20, 30, 40
        assertEquals(40, s.waits.percentile(99));
        assertEquals(40, s.waits.max());
        assertEquals(2.25, s.readyPerWait.mean());
        assertEquals(1, s.readyPerWait.percentile(50));
        assertEquals(5, s.readyPerWait.max());
        assertArrayEquals(new long[] { 1, 1, 1, 1 }, s.readyPerWait.powerOfTwoCounts(), "0, 1, 2-3, 4-7");
        assertEquals(4, s.dispatches.count());
        assertEquals(3, s.dispatches.percentile(50));
        assertEquals(7, s.dispatches.max());
        assertEquals(List.of(7.0, 6.0, 3.0, 1.0), s.slowest.stream().map(TimelineSummary.Dispatch::durUs).toList());
        assertEquals("20", s.slowest.get(0).fd());
        assertEquals("conn", s.slowest.get(0).role());
        assertEquals("conn READ", s.slowest.get(0).name());
        assertEquals(4, s.iterations.count());
        assertEquals(48, s.iterations.max());  // 40 + 7 + 1
        assertEquals(4, s.iterationWork.count());
        assertEquals(8, s.iterationWork.max(), "the iteration less its wait: 7 + 1");
        assertEquals(2, s.iterationWork.percentile(25), "1 + 1");
        assertEquals(1, s.timers);
        assertEquals(2, s.tasks);
        assertEquals(Map.of("refused: fd limit", 2, "EMFILE", 1), s.instants);
        assertEquals(Map.of("fds", 13.0, "connections", 3.0), s.counterMax);
        double span = 100 + 17 + 4 + 2;  // waits, dispatches, one µs per iteration, the timer at the end
        assertEquals(span, s.spanUs());
        assertEquals(100 / span, s.share(s.waits), 1e-12);
        assertEquals(17 / span, s.share(s.dispatches), 1e-12);
    }

    @Test
    void theSlowestFiveDispatchesAreKeptInOrder() throws Exception {
        int[] waits = new int[9], ready = new int[9], dispatches = { 5, 9, 1, 8, 2, 7, 3, 6, 4 };
        java.util.Arrays.fill(waits, 1);
        TimelineSummary s = TimelineSummary.read(write("t.json", trace("poll", "ppoll", waits, ready, dispatches)));
        assertEquals(List.of(9.0, 8.0, 7.0, 6.0, 5.0), s.slowest.stream().map(TimelineSummary.Dispatch::durUs).toList());
        assertEquals(List.of("21", "23", "25", "27", "20"), s.slowest.stream().map(TimelineSummary.Dispatch::fd).toList());
    }

    @Test
    void aGzippedTraceReadsTheSame() throws Exception {
        Path gz = dir.resolve("t.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(trace("epoll", "epoll_wait", WAITS, READY, DISPATCHES).getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(4, TimelineSummary.read(gz).waits.count());
    }

    /** A FIFO or a pipe (summary <(zcat t.json.gz)) cannot seek: read as a file is. */
    @Test
    void aTraceFromAFifoReadsTheSame() throws Exception {
        Path fifo = dir.resolve("t.fifo");
        assertEquals(0, Commands.run("mkfifo", fifo.toString()));
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(fifo, trace("epoll", "epoll_wait", WAITS, READY, DISPATCHES));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        assertEquals(4, TimelineSummary.read(fifo).waits.count());
        writer.join();
    }

    @Test
    void withoutOtherDataTheBackendComesFromTheWaitSyscall() throws Exception {
        String t = trace("select", "pselect6", WAITS, READY, DISPATCHES);
        t = t.substring(0, t.indexOf(", \"otherData\"")) + "}";
        TimelineSummary s = TimelineSummary.read(write("t.json", t));
        assertEquals("select", s.backend());
        assertEquals("muxkit echo (select)", s.command());
        assertEquals(-1, s.otherCount("events_kept"));
    }

    private record Run(int exit, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "timeline";
        all[1] = "summary";
        System.arraycopy(args, 0, all, 2, args.length);
        int exit = cl.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The line of the table whose label is {@code label}, cut into its label and columns. */
    private static String[] row(String table, String label) {
        for (String line : table.split("\n"))
            if (line.startsWith(label + "   ")) return line.substring(label.length()).trim().split(" {3,}");
        throw new AssertionError("no row " + label + " in\n" + table);
    }

    @Test
    void twoFilesPrintSideBySideAndDrawThreePanels() throws Exception {
        Path select = write("select.json", trace("select", "pselect6", new int[] { 100, 300 }, new int[] { 12, 40 }, new int[] { 2 }));
        Path epoll = write("epoll.json", trace("epoll", "epoll_wait", WAITS, READY, DISPATCHES));
        Path png = dir.resolve("charts/cmp.png");
        Run r = cli(select.toString(), epoll.toString(), "--chart", png.toString());
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(new String[] { "select", "epoll" }, row(r.out(), "backend"), r.out());
        assertArrayEquals(new String[] { "2 pselect6", "4 epoll_wait" }, row(r.out(), "waits"), r.out());
        assertArrayEquals(new String[] { "100.0 / 300.0 / 300.0", "20.0 / 40.0 / 40.0" }, row(r.out(), "  wait us p50/p99/max"), r.out());
        assertArrayEquals(new String[] { "2.0 / 2.0 / 2.0", "3.0 / 7.0 / 7.0" }, row(r.out(), "  dispatch us p50/p99/max"), r.out());
        assertArrayEquals(new String[] { "0.400 ms, 98.5% of the loops' time", "0.100 ms, 81.3% of the loops' time" },
                row(r.out(), "  time in waits"), r.out());
        assertArrayEquals(new String[] { "mean 26.00, p50 12, p99 40, max 40", "mean 2.25, p50 1, p99 5, max 5" },
                row(r.out(), "ready fds per wait"), r.out());
        // the buckets run to the larger file's largest (32-63), both columns in each
        assertArrayEquals(new String[] { "0 (0.0%)", "1 (25.0%)" }, row(r.out(), "  2-3 ready"), r.out());
        assertArrayEquals(new String[] { "1 (50.0%)", "0 (0.0%)" }, row(r.out(), "  8-15 ready"), r.out());
        assertArrayEquals(new String[] { "1 (50.0%)", "0 (0.0%)" }, row(r.out(), "  32-63 ready"), r.out());
        assertArrayEquals(new String[] { "1000 / 7 (the ring kept the last ones)", "1000 / 7 (the ring kept the last ones)" },
                row(r.out(), "events kept / dropped"), r.out());
        assertArrayEquals(new String[] { "2", "2" }, row(r.out(), "instant refused: fd limit"), r.out());
        assertTrue(r.out().contains("slowest dispatches in epoll.json:\n         7.0 us  conn READ    fd=20 role=conn"), r.out());
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "a PNG that decodes");
        assertEquals(900, image.getWidth());
        assertEquals(3 * 330, image.getHeight(), "three panels, one under the other");
        assertTrue(Files.size(png) > 10_000 && Files.size(png) < 150_000, Files.size(png) + " bytes");
    }

    @Test
    void theSameBackendTwiceStillDraws() throws Exception {
        Path a = write("a.json", trace("epoll", "epoll_wait", WAITS, READY, DISPATCHES));
        Path png = dir.resolve("same.png");
        assertEquals(0, cli(a.toString(), a.toString(), "--chart", png.toString()).exit());
        assertNotNull(ImageIO.read(png.toFile()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing|-|no such file",
            "empty||not a trace: a timeline is a JSON object with a \"traceEvents\" list",
            "text|hello, world|not JSON: Unrecognized token 'hello'",
            "array|[{\"ph\":\"X\"}]|not a trace: a timeline is a JSON object with a \"traceEvents\" list",
            "no traceEvents|{\"displayTimeUnit\":\"ms\"}|not a trace: no \"traceEvents\" list",
            "cut short|{\"traceEvents\":[{\"ph\":\"X\",\"cat\":\"wait\",|not JSON: it ends at line 1 before its last ']' or '}'",
            "trailing|{\"traceEvents\":[]} x|not JSON: ",
            "no waits|{\"traceEvents\":[{\"ph\":\"X\",\"cat\":\"dispatch\",\"ts\":1,\"dur\":2}]}|no wait slices (cat \"wait\")" })
    void aFileThatIsNotATimelineIsOneLineAndExit2(String name, String content, String message) throws Exception {
        Path good = write("good.json", trace("epoll", "epoll_wait", WAITS, READY, DISPATCHES));
        Path bad = dir.resolve(name.replace(' ', '-') + ".json");
        if (!name.equals("missing")) Files.writeString(bad, content == null ? "" : content);
        Run r = cli(good.toString(), bad.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("muxkit timeline summary: " + bad + ": " + message), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertEquals("", r.out(), "nothing printed for the good file either");
    }

    /** Whatever a damaged file holds (cut anywhere, bytes changed), the answer is a summary or a TraceFormatException. */
    @Test
    void aDamagedTraceIsASummaryOrARefusalNeverACrash() throws Exception {
        byte[] good = trace("epoll", "epoll_wait", WAITS, READY, DISPATCHES).getBytes(StandardCharsets.UTF_8);
        java.util.Random random = new java.util.Random(23);
        byte[] alphabet = "{}[]:,\"0-9.eE ntfrua\\\u00ff".getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("damaged.json");
        for (int i = 0; i < 400; i++) {
            byte[] bytes = java.util.Arrays.copyOf(good, i < 200 ? random.nextInt(good.length) : good.length);  // cut short
            for (int k = random.nextInt(4); k >= 0 && i >= 200; k--)  // or a few bytes changed
                bytes[random.nextInt(bytes.length)] = alphabet[random.nextInt(alphabet.length)];
            Files.write(f, bytes);
            try {
                TimelineSummary s = TimelineSummary.read(f);
                SummaryReport.text(List.of(s));
            } catch (TraceFormatException expected) {
                assertEquals(1, expected.getMessage().lines().count(), expected.getMessage());
            }
        }
    }

    /** With several loops a counter's max is the largest one loop sampled, and the row says so (a shared counter summed would count twice). */
    @Test
    void withTwoLoopsACounterMaxIsOneLoopsAndSaysSo() throws Exception {
        StringBuilder ev = new StringBuilder();
        for (int tid = 8; tid <= 9; tid++)
            ev.append("{\"ph\":\"X\",\"cat\":\"wait\",\"name\":\"epoll_wait\",\"ts\":1,\"dur\":2,\"pid\":7,\"tid\":" + tid + "},"
                    + "{\"ph\":\"C\",\"name\":\"connections\",\"id\":\"" + tid + "\",\"ts\":2,\"pid\":7,\"tid\":" + tid + ",\"args\":{\"open\":" + (tid - 5) + "}},");
        Path f = write("two.json", "{\"traceEvents\":[" + ev + "{}]}");
        Run r = cli(f.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("counter connections max \\(of any one loop\\) +4")), r.out());
    }

    /** A million distinct names would be a million rows and their memory: each table keeps the first MOST_NAMES. */
    @Test
    void distinctNamesPastTheBoundAreCountedNotKept() throws Exception {
        int n = TimelineSummary.MOST_NAMES + 500;
        StringBuilder ev = new StringBuilder("{\"ph\":\"X\",\"cat\":\"wait\",\"name\":\"epoll_wait\",\"ts\":1,\"dur\":2,\"pid\":7,\"tid\":8},");
        for (int i = 0; i < n; i++)
            ev.append("{\"ph\":\"i\",\"name\":\"i" + i + "\",\"ts\":1,\"pid\":7,\"tid\":8},"
                    + "{\"ph\":\"C\",\"name\":\"c" + i + "\",\"ts\":1,\"pid\":7,\"tid\":8,\"args\":{\"v\":1}},");
        TimelineSummary s = TimelineSummary.read(write("names.json", "{\"traceEvents\":[" + ev + "{}]}"));
        assertEquals(TimelineSummary.MOST_NAMES, s.instants.size());
        assertEquals(TimelineSummary.MOST_NAMES, s.counterMax.size());
        assertEquals(1000, s.namesLeftOut);
        assertTrue(SummaryReport.text(List.of(s)).contains("names left out"));
    }

    /** A negative or infinite duration is no slice: such waits are not counted, and sums stay finite. */
    @Test
    void negativeAndInfiniteDurationsAreNotSlices() throws Exception {
        StringBuilder ev = new StringBuilder();
        for (String dur : new String[] { "2", "-1", "1e999", "\"Infinity\"", "\"NaN\"", "-1e308" })
            ev.append("{\"ph\":\"X\",\"cat\":\"wait\",\"name\":\"epoll_wait\",\"ts\":1,\"dur\":" + dur + ",\"pid\":7,\"tid\":8},");
        TimelineSummary s = TimelineSummary.read(write("durs.json", "{\"traceEvents\":[" + ev + "{}]}"));
        assertEquals(1, s.waits.count());
        assertEquals(2.0, s.waits.sum());
        assertEquals(2.0, s.spanUs());
    }

    @Test
    void threeFilesAreAUsageError() {
        assertEquals(2, cli("a", "b", "c").exit());
    }
}
