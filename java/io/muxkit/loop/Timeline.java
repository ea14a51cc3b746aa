package io.muxkit.loop;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.muxkit.ffi.Native;
import io.muxkit.mux.TracingMultiplexer;
import io.muxkit.output.TraceEventWriter;

/**
 * A process's timeline: a ring of the last N events per loop thread ({@link TimelineRing}),
 * written on demand as Chrome Trace Event JSON (docs/timeline.md): a track per loop thread, an
 * iteration slice per turn of the loop enclosing its wait (named after the syscall), its handler
 * dispatches, timers and tasks; counters of fds, connections and the file cache; instants for
 * refusals, EMFILE and injected faults. Slices nest on each track: those the ring's wrap or a
 * turn still running cut from their iteration are dropped, and counted as dropped.
 */
public final class Timeline {
    /** Events a loop thread keeps by default. */
    public static final int DEFAULT_EVENTS = 500_000;
    /** What one event takes in a ring: 4 longs, 3 ints, a byte and a reference. */
    public static final int BYTES_PER_EVENT = 4 * 8 + 3 * 4 + 1 + 4;

    /** A counter's track: name, and the key of each of its (at most two) series. */
    public record Series(String name, String key1, String key2) {}

    /** An instant's category and name. */
    public record Mark(String cat, String name) {}

    public static final Series CONNECTIONS = new Series("connections", "open", null);
    public static final Series CACHE = new Series("cache", "hits", "misses");
    public static final Mark REFUSED_FD_LIMIT = new Mark("limit", "refused: fd limit");
    public static final Mark REFUSED_MAX_CONN = new Mark("limit", "refused: max-conn");
    public static final Mark EMFILE = new Mark("error", "EMFILE");
    public static final Mark ENFILE = new Mark("error", "ENFILE");
    public static final Mark FAULT = new Mark("fault", "fault injected");

    /**
     * What a write kept and left out: the events the ring had overwritten (it wrapped), and the
     * slices cut from their iteration (the oldest turn's, whose iteration was overwritten, and the
     * turn under way, which has none yet).
     */
    public record Written(long kept, long overwritten, long cut) {
        /** All left out: otherData's events_dropped. */
        public long dropped() {
            return overwritten + cut;
        }
    }

    private final long origin = System.nanoTime();
    private final String command, backend;
    private final int eventsPerLoop;
    private final List<TimelineRing> rings = new ArrayList<>();
    private final AtomicLong faultsSeen = new AtomicLong();

    /**
     * @param command       names the process's track: "echo" gives "muxkit echo (epoll)"
     * @param eventsPerLoop the ring's size per loop thread
     */
    public Timeline(String command, String backend, int eventsPerLoop) {
        if (eventsPerLoop < 1) throw new IllegalArgumentException("eventsPerLoop must be positive, not " + eventsPerLoop);
        this.command = command;
        this.backend = backend;
        this.eventsPerLoop = eventsPerLoop;
    }

    /** A new track for the calling loop thread, numbered 1, 2, ... in the order they start. */
    synchronized TimelineRing ring(String waitCall) {
        TimelineRing ring = new TimelineRing(this, rings.size() + 1, Thread.currentThread().getName(), waitCall, eventsPerLoop);
        rings.add(ring);
        return ring;
    }

    /**
     * The faults injected since any loop last asked, given the process's count now (the shim counts
     * them over every thread): each is marked once, on the track of the loop whose turn saw it first.
     */
    long newFaults(long injectedNow) {
        while (true) {
            long seen = faultsSeen.get();
            if (injectedNow <= seen) return 0;
            if (faultsSeen.compareAndSet(seen, injectedNow)) return injectedNow - seen;
        }
    }

    /**
     * Creates file's file.tmp and deletes it: a file that {@link #write} could not write (its
     * directory missing, read-only or not ours) is found before anything is recorded.
     */
    public static void checkWritable(Path file) throws IOException {
        Path tmp = tmpFile(file);
        createTmp(tmp).close();
        Files.delete(tmp);
    }

    /**
     * Opens tmp as a new file. Whatever was there is removed first (a stale one, or a symlink or FIFO
     * left in a shared directory such as /tmp): opened as it was, a symlink's target would be
     * truncated and overwritten, and a FIFO would block until a reader came. O_EXCL (CREATE_NEW)
     * follows no link, so one made after the delete fails the open instead.
     */
    private static OutputStream createTmp(Path tmp) throws IOException {
        Files.deleteIfExists(tmp);
        return Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    private static Path tmpFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /**
     * Writes the timeline to file, atomically (file.tmp, then renamed; file.tmp is removed if
     * that fails): what was kept and dropped. Loops may still run.
     */
    public Written write(Path file) throws IOException {
        Path tmp = tmpFile(file);
        boolean written = false;
        try {
            Written w = write(file, tmp);
            written = true;
            return w;
        } finally {
            if (!written) Files.deleteIfExists(tmp);
        }
    }

    private Written write(Path file, Path tmp) throws IOException {
        long kept = 0, overwritten = 0, cut = 0;
        List<TimelineRing> all;
        synchronized (this) {
            all = List.copyOf(rings);
        }
        try (Writer out = new BufferedWriter(new OutputStreamWriter(createTmp(tmp), StandardCharsets.UTF_8), 1 << 16)) {
            TraceEventWriter json = new TraceEventWriter(out, ProcessHandle.current().pid());
            json.metadata("process_name", 0, "muxkit " + command + " (" + backend + ")");
            for (TimelineRing ring : all) {
                json.metadata("thread_name", ring.tid, ring.threadName + " (" + backend + ")");
                Snapshot s = new Snapshot(ring);
                // Chrome keys a counter by process and name: with several loops, an id per loop keeps
                // each loop's samples on a track of its own (Perfetto: "connections id: 2 open")
                kept += s.write(json, ring, origin, all.size() > 1 ? Integer.toString(ring.tid) : null);
                overwritten += s.overwritten;
                cut += s.cut;
            }
            Map<String, Object> other = new LinkedHashMap<>();
            other.put("command", command);
            other.put("backend", backend);
            other.put("events_kept", kept);
            other.put("events_dropped", overwritten + cut);
            other.put("version", 1);
            json.finish(other);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Written(kept, overwritten, cut);
    }

    /**
     * One ring's events copied out, oldest first (while its loop may go on recording: what it
     * overwrote meanwhile is dropped), sorted by start, parents before their children.
     */
    private static final class Snapshot extends EventColumns {
        long overwritten, cut;

        Snapshot(TimelineRing r) {
            this(r, r.count());
        }

        /** Of the first before events the ring recorded, those it still holds (the last capacity of them). */
        private Snapshot(TimelineRing r, long before) {
            super((int) Math.min(before, r.capacity()));
            long from = before - kind.length;
            int size = kind.length;
            for (int j = 0; j < size; j++) r.copy((int) ((from + j) % r.capacity()), this, j);
            // an event is whole if its slot was not taken again while we copied (the event being written then included)
            long valid = Math.max(from, r.count() + 1 - r.capacity());
            int skip = (int) Math.min(size, valid - from);
            overwritten = from + skip;
            for (int j = 0; j < skip; j++) kind[j] = -1;
        }

        /** Writes the events that nest (counters with counterId, or none); returns how many went out, and counts the rest in cut. */
        long write(TraceEventWriter json, TimelineRing ring, long origin, String counterId) throws IOException {
            Integer[] order = new Integer[kind.length];
            for (int j = 0; j < order.length; j++) order[j] = j;
            Arrays.sort(order, (p, q) -> {
                int c = Long.compare(start[p], start[q]);
                if (c != 0) return c;
                c = Long.compare(end[q], end[p]);  // the longer one encloses the other
                if (c != 0) return c;
                return Integer.compare(depth(kind[p]), depth(kind[q]));
            });
            int[] open = new int[8];  // the enclosing slices, innermost last
            int depth = 0;
            long kept = 0;
            int tid = ring.tid;
            for (int j : order) {
                byte k = kind[j];
                if (k < 0) continue;
                if (k == TimelineRing.COUNTER || k == TimelineRing.INSTANT) {
                    point(json, j, tid, origin, counterId);
                    kept++;
                    continue;
                }
                while (depth > 0 && end[open[depth - 1]] <= start[j]) depth--;
                boolean orphan = k == TimelineRing.ITERATION ? depth > 0 : depth == 0 || end[j] > end[open[depth - 1]];
                if (orphan) {
                    cut++;
                    continue;
                }
                if (depth == open.length) open = Arrays.copyOf(open, depth * 2);
                open[depth++] = j;
                slice(json, j, ring, origin);
                kept++;
                if (k == TimelineRing.WAIT) {
                    json.counter("fds", end[j] - origin, tid, counterId).arg("registered", b[j]).arg("ready", a[j]).end();
                    kept++;
                }
            }
            return kept;
        }

        private static int depth(byte kind) {
            return kind == TimelineRing.ITERATION ? 0 : 1;
        }

        private void slice(TraceEventWriter json, int j, TimelineRing ring, long origin) throws IOException {
            long ts = start[j] - origin, dur = end[j] - start[j];
            int tid = ring.tid;
            switch (kind[j]) {
                case TimelineRing.ITERATION -> json.slice("iteration", "iteration", ts, dur, tid).arg("ready", a[j]).end();
                case TimelineRing.WAIT -> {
                    TraceEventWriter wait = json.slice("wait", ring.waitCall, ts, dur, tid).argMillis("timeout_ms", x[j])
                            .arg("ready", a[j]).arg("registered", b[j]);
                    if (fd[j] >= 0) wait.arg("submitted", y[j]).arg("completed", fd[j]);  // io_uring's SQEs and CQEs
                    wait.end();
                }
                case TimelineRing.DISPATCH -> {
                    String role = (String) label[j], ops = TracingMultiplexer.opsText(a[j]);
                    json.slice("dispatch", role + " " + ops, ts, dur, tid).arg("fd", fd[j]).arg("role", role)
                            .arg("ops", ops).arg("bytes", x[j]).end();
                }
                case TimelineRing.TIMER -> json.slice("timer", (String) label[j], ts, dur, tid).end();
                default -> json.slice("task", (String) label[j], ts, dur, tid).end();
            }
        }

        private void point(TraceEventWriter json, int j, int tid, long origin, String counterId) throws IOException {
            long ts = start[j] - origin;
            if (kind[j] == TimelineRing.COUNTER) {
                Series s = (Series) label[j];
                json.counter(s.name(), ts, tid, counterId).arg(s.key1(), x[j]);
                if (s.key2() != null) json.arg(s.key2(), y[j]);
                json.end();
                return;
            }
            Mark m = (Mark) label[j];
            json.instant(m.cat(), m.name(), ts, tid);
            if (fd[j] >= 0) json.arg("fd", fd[j]);
            if (a[j] != 0) json.arg("errno", Native.errnoName(a[j]));
            if (x[j] != 0) json.arg("count", x[j]);
            json.end();
        }
    }
}
