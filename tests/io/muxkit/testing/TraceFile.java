package io.muxkit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A --timeline file read back with Jackson, and the structure every one must have
 * (docs/timeline.md): typed fields, a named track per tid, slices that nest per track.
 */
public final class TraceFile {
    private static final Set<String> WAIT_CALLS = Set.of("pselect6", "ppoll", "epoll_wait", "io_uring_enter");

    public final JsonNode root;
    public final List<JsonNode> events = new ArrayList<>();

    private TraceFile(JsonNode root) {
        this.root = root;
        root.get("traceEvents").forEach(events::add);
    }

    public static TraceFile read(Path file) throws IOException {
        return new TraceFile(new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(file.toFile()));
    }

    public JsonNode otherData() {
        return root.get("otherData");
    }

    /** The slices (X) of a category. */
    public List<JsonNode> slices(String cat) {
        return events.stream().filter(e -> e.get("ph").asText().equals("X") && e.get("cat").asText().equals(cat)).toList();
    }

    /** The events (any ph) with this name. */
    public List<JsonNode> named(String name) {
        return events.stream().filter(e -> e.get("name").asText().equals(name)).toList();
    }

    /** A time field in ns (the file has µs with up to three decimals: exact). */
    public static long nanos(JsonNode time) {
        return time.decimalValue().movePointRight(3).longValueExact();
    }

    /** Fails unless the file is a well-formed timeline of command. */
    public void checkStructure(String command) {
        assertEquals("ms", root.get("displayTimeUnit").asText());
        JsonNode other = otherData();
        assertEquals(command, other.get("command").asText());
        assertEquals(1, other.get("version").asInt());
        assertTrue(other.get("events_dropped").isIntegralNumber());
        long pid = -1, notMeta = 0;
        Set<Integer> named = new HashSet<>(), used = new HashSet<>();
        Set<String> threadNames = new HashSet<>();
        Map<Integer, Long> lastTs = new HashMap<>();
        Map<Integer, List<JsonNode>> slices = new HashMap<>();
        boolean process = false;
        for (JsonNode e : events) {
            String ph = e.get("ph").asText();
            assertTrue(Set.of("X", "M", "C", "i").contains(ph), e::toString);
            assertTrue(e.get("name").isTextual(), e::toString);
            assertTrue(e.get("pid").isIntegralNumber() && e.get("tid").isIntegralNumber(), e::toString);
            if (pid < 0) pid = e.get("pid").asLong();
            assertEquals(pid, e.get("pid").asLong(), e::toString);
            int tid = e.get("tid").asInt();
            assertTrue(e.get("args").isObject(), e::toString);
            if (ph.equals("M")) {
                assertTrue(e.get("args").get("name").isTextual(), e::toString);
                if (e.get("name").asText().equals("thread_name")) {
                    named.add(tid);
                    assertTrue(threadNames.add(e.get("args").get("name").asText()), () -> "a second track named so: " + e);
                }
                else process |= e.get("name").asText().equals("process_name") && tid == 0;
                continue;
            }
            notMeta++;
            used.add(tid);
            assertTrue(e.get("ts").isNumber() && nanos(e.get("ts")) >= 0, e::toString);
            long ts = nanos(e.get("ts")), before = lastTs.getOrDefault(tid, 0L);
            assertTrue(ts >= before, () -> "each track's events in the order of ts: " + e + " after " + before + " ns");
            lastTs.put(tid, ts);
            if (ph.equals("X")) {
                assertTrue(e.get("dur").isNumber() && nanos(e.get("dur")) >= 0, e::toString);
                assertTrue(e.get("cat").isTextual(), e::toString);
                slices.computeIfAbsent(tid, t -> new ArrayList<>()).add(e);
                checkArgs(e);
            }
            if (ph.equals("i")) assertEquals("t", e.get("s").asText(), e::toString);
            if (ph.equals("C")) e.get("args").forEach(v -> assertTrue(v.isNumber(), () -> "a counter's values are numbers: " + e));
        }
        assertTrue(process, "a process_name event");
        assertTrue(named.containsAll(used), "thread_name for every tid: named " + named + ", used " + used);
        assertEquals(notMeta, other.get("events_kept").asLong(), "events_kept counts the events written");
        slices.values().forEach(TraceFile::checkNesting);
    }

    private static void checkArgs(JsonNode e) {
        JsonNode args = e.get("args");
        switch (e.get("cat").asText()) {
            case "wait" -> {
                assertTrue(WAIT_CALLS.contains(e.get("name").asText()), e::toString);
                assertTrue(args.get("timeout_ms").isNumber() && args.get("ready").isIntegralNumber()
                        && args.get("registered").isIntegralNumber(), e::toString);
            }
            case "dispatch" -> {
                assertTrue(args.get("fd").isIntegralNumber() && args.get("role").isTextual() && args.get("ops").isTextual()
                        && args.get("bytes").isIntegralNumber(), e::toString);
                assertEquals(args.get("role").asText() + " " + args.get("ops").asText(), e.get("name").asText());
            }
            case "iteration" -> assertTrue(args.get("ready").isIntegralNumber(), e::toString);
            case "timer", "task" -> { }
            default -> throw new AssertionError("unknown category: " + e);
        }
    }

    /** On one track: each slice ends no later than the one it starts in, and everything but an iteration is inside one. */
    private static void checkNesting(List<JsonNode> track) {
        List<JsonNode> sorted = new ArrayList<>(track);
        sorted.sort(Comparator.<JsonNode>comparingLong(e -> nanos(e.get("ts"))).thenComparing(e -> -nanos(e.get("dur"))));
        List<JsonNode> open = new ArrayList<>();
        for (JsonNode e : sorted) {
            long start = nanos(e.get("ts")), end = start + nanos(e.get("dur"));
            while (!open.isEmpty() && end(open.get(open.size() - 1)) <= start) open.remove(open.size() - 1);
            boolean iteration = e.get("cat").asText().equals("iteration");
            if (iteration) assertTrue(open.isEmpty(), () -> "an iteration inside " + open.get(open.size() - 1) + ": " + e);
            else assertFalse(open.isEmpty(), () -> "outside any iteration: " + e);
            if (!open.isEmpty()) assertTrue(end <= end(open.get(open.size() - 1)), () -> e + " ends after " + open.get(open.size() - 1));
            open.add(e);
        }
    }

    private static long end(JsonNode e) {
        return nanos(e.get("ts")) + nanos(e.get("dur"));
    }
}
