package io.muxkit.timeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one timeline says about its loops: the waits (how long, how many fds each returned), the
 * dispatches, the iterations, timers, tasks, counters and instants. Durations are in µs, as in the file.
 */
public final class TimelineSummary {
    /** How many of the slowest dispatches are kept. */
    public static final int SLOWEST = 5;
    /**
     * Names kept per table (counters, instants, wait syscalls, tracks): muxkit writes a few dozen,
     * so a file of a million distinct ones (not muxkit's, or hostile) still takes bounded memory and
     * prints a bounded table; the names past it are counted in namesLeftOut.
     */
    public static final int MOST_NAMES = 1000;

    /** A dispatch slice: how long, when (µs from the start), which fd and role, on which track. */
    public record Dispatch(double durUs, double tsUs, String name, String fd, String role, String thread) {}

    public final Path file;
    public final Map<String, Object> otherData;
    /** Track (pid/tid) to its thread_name, in file order. */
    public final Map<String, String> threadNames = new LinkedHashMap<>();
    public final Distribution waits = new Distribution();
    public final Distribution readyPerWait = new Distribution();
    public final Distribution dispatches = new Distribution();
    public final Distribution iterations = new Distribution();
    /** Each iteration less the waits in it: the loop's work, what the lag figures (--stats, the exit line) measure. */
    public final Distribution iterationWork = new Distribution();
    public final List<Dispatch> slowest = new ArrayList<>();
    public final Map<String, Integer> instants = new TreeMap<>();
    /** Each counter series (name, or name.key when a counter has several) to its largest value, over every loop's samples (not their sum). */
    public final Map<String, Double> counterMax = new TreeMap<>();
    /** Wait slice names (epoll_wait, ppoll...) to their counts. */
    public final Map<String, Integer> waitNames = new TreeMap<>();
    public long events;
    /** How often a name or track past MOST_NAMES in its table was left out of it. */
    public long namesLeftOut;
    public long timers;
    public long tasks;
    public String processName;
    private final Map<String, Boolean> waitThreads = new LinkedHashMap<>();
    /** Per track, the iteration whose waits are being added up: {start, end, µs waited}. */
    private final Map<String, double[]> openIteration = new LinkedHashMap<>();
    private double start = Double.POSITIVE_INFINITY, end = Double.NEGATIVE_INFINITY;

    private TimelineSummary(Path file, Map<String, Object> otherData) {
        this.file = file;
        this.otherData = otherData;
    }

    /** Reads and summarizes a timeline; a file with no wait slices is refused, there would be nothing to say. */
    public static TimelineSummary read(Path file) throws IOException, TraceFormatException {
        TimelineSummary s = new TimelineSummary(file, new LinkedHashMap<>());
        s.otherData.putAll(TraceReader.read(file, s::add));
        for (double[] it : s.openIteration.values()) s.iterationWork.add(it[1] - it[0] - it[2]);
        if (s.waits.count() == 0)
            throw new TraceFormatException("no wait slices (cat \"wait\"): not a muxkit timeline, or its loop never waited");
        return s;
    }

    private void add(TraceEvent e) {
        events++;
        String ph = e.ph() == null ? "" : e.ph();
        if (ph.equals("M")) {
            if ("thread_name".equals(e.name()) && room(threadNames, e.thread())) threadNames.put(e.thread(), e.text("name"));
            else if ("process_name".equals(e.name()) && processName == null) processName = e.text("name");
            return;
        }
        if (!Double.isNaN(e.ts())) {
            start = Math.min(start, e.ts());
            end = Math.max(end, e.ts() + (Double.isNaN(e.dur()) ? 0 : e.dur()));
        }
        switch (ph) {
            case "X" -> slice(e);
            case "C" -> {
                for (Map.Entry<String, Object> a : e.args().entrySet()) {
                    String series = e.args().size() == 1 ? String.valueOf(e.name()) : e.name() + "." + a.getKey();
                    if (a.getValue() instanceof Double v && room(counterMax, series)) counterMax.merge(series, v, Math::max);
                }
            }
            case "i", "I" -> {
                if (room(instants, String.valueOf(e.name()))) instants.merge(String.valueOf(e.name()), 1, Integer::sum);
            }
            default -> { }  // B/E pairs, flows, async events: not what muxkit writes
        }
    }

    private void slice(TraceEvent e) {
        if (e.cat() == null || !(e.dur() >= 0)) return;  // no duration, or a negative one: not a slice a viewer draws
        switch (e.cat()) {
            case "wait" -> {
                waits.add(e.dur());
                double[] it = openIteration.get(e.thread());
                if (it != null && e.ts() >= it[0] && e.ts() + e.dur() <= it[1]) it[2] += e.dur();
                if (room(waitThreads, e.thread())) waitThreads.put(e.thread(), true);
                if (room(waitNames, String.valueOf(e.name()))) waitNames.merge(String.valueOf(e.name()), 1, Integer::sum);
                double ready = e.number("ready");
                if (!Double.isNaN(ready)) readyPerWait.add(ready);
            }
            case "dispatch" -> {
                dispatches.add(e.dur());
                if (slowest.size() < SLOWEST || e.dur() > slowest.get(slowest.size() - 1).durUs()) {
                    slowest.add(new Dispatch(e.dur(), e.ts(), e.name(), e.text("fd"), e.text("role"), e.thread()));
                    slowest.sort(Comparator.comparingDouble(Dispatch::durUs).reversed());
                    if (slowest.size() > SLOWEST) slowest.remove(SLOWEST);
                }
            }
            case "iteration" -> {
                // a track's events come in the order of ts, a parent before its children: the next
                // iteration on this track closes the one before it
                iterations.add(e.dur());
                if (!room(openIteration, e.thread())) return;
                double[] done = openIteration.put(e.thread(), new double[] { e.ts(), e.ts() + e.dur(), 0 });
                if (done != null) iterationWork.add(done[1] - done[0] - done[2]);
            }
            case "timer" -> timers++;
            case "task" -> tasks++;
            default -> { }
        }
    }

    /** Whether name is in names or there is room for it; if not, it is counted in namesLeftOut. */
    private boolean room(Map<String, ?> names, String name) {
        if (names.size() < MOST_NAMES || names.containsKey(name)) return true;
        namesLeftOut++;
        return false;
    }

    /** otherData's command, else the process name. */
    public String command() {
        Object c = otherData.get("command");
        return c != null ? c.toString() : processName != null ? processName : "?";
    }

    /** otherData's backend, else the one the wait syscall names. */
    public String backend() {
        Object b = otherData.get("backend");
        if (b != null) return b.toString();
        String wait = waitNames.keySet().iterator().next();
        return switch (wait) {
            case "epoll_wait", "epoll_pwait", "epoll_pwait2" -> "epoll";
            case "ppoll", "poll" -> "poll";
            case "pselect6", "select" -> "select";
            case "io_uring_enter" -> "uring";
            default -> wait;
        };
    }

    /** The tracks that waited: the loop threads. */
    public int loopThreads() {
        return waitThreads.size();
    }

    /** Names of the loop threads (their thread_name, else pid/tid). */
    public List<String> loopThreadNames() {
        List<String> out = new ArrayList<>();
        for (String t : waitThreads.keySet()) out.add(threadNames.getOrDefault(t, t));
        return out;
    }

    /** First event to the end of the last, µs. */
    public double spanUs() {
        return end > start ? end - start : 0;
    }

    /** The share of the loop threads' time (the span, once per loop thread) spent in these slices, 0 to 1. */
    public double share(Distribution slices) {
        double span = spanUs() * loopThreads();
        return span > 0 ? slices.sum() / span : Double.NaN;
    }

    /** otherData's count of events kept or dropped, -1 when it does not say. */
    public long otherCount(String key) {
        return otherData.get(key) instanceof Double d ? d.longValue() : -1;
    }
}
