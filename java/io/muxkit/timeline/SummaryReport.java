package io.muxkit.timeline;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The summaries as a text table: one column per file, so two backends read side by side. */
public final class SummaryReport {
    private final List<TimelineSummary> files;
    private final List<String[]> rows = new ArrayList<>();

    private SummaryReport(List<TimelineSummary> files) {
        this.files = files;
    }

    public static String text(List<TimelineSummary> files) {
        SummaryReport r = new SummaryReport(files);
        r.build();
        return r.render();
    }

    private void build() {
        row("file", s -> String.valueOf(s.file.getFileName()));
        row("command", TimelineSummary::command);
        row("backend", TimelineSummary::backend);
        row("loop threads", s -> s.loopThreads() + ": " + String.join(", ", s.loopThreadNames()));
        row("events read", s -> String.valueOf(s.events));
        row("events kept / dropped", s -> s.otherCount("events_kept") < 0 ? "not said"
                : s.otherCount("events_kept") + " / " + s.otherCount("events_dropped")
                  + (s.otherCount("events_dropped") > 0 ? " (the ring kept the last ones)" : ""));
        row("time span", s -> time(s.spanUs()));
        row("waits", s -> s.waits.count() + " " + String.join("/", s.waitNames.keySet()));
        row("  time in waits", s -> time(s.waits.sum()) + fmt(", %.1f%% of the loops' time", 100 * s.share(s.waits)));
        row("  wait us p50/p99/max", s -> durations(s.waits));
        row("ready fds per wait", s -> s.readyPerWait.count() == 0 ? "not said"
                : fmt("mean %.2f, p50 %.0f, p99 %.0f, max %.0f", s.readyPerWait.mean(), s.readyPerWait.percentile(50),
                        s.readyPerWait.percentile(99), s.readyPerWait.max()));
        Map<TimelineSummary, long[]> ready = new IdentityHashMap<>();
        files.forEach(s -> ready.put(s, s.readyPerWait.powerOfTwoCounts()));
        int buckets = ready.values().stream().mapToInt(c -> c.length).max().orElse(0);
        for (int i = 0; i < buckets; i++) {
            int b = i;
            row("  " + readyLabel(b) + " ready", s -> share(ready.get(s), b, s.readyPerWait.count()));
        }
        row("dispatches", s -> String.valueOf(s.dispatches.count()));
        row("  time in dispatches", s -> time(s.dispatches.sum()) + fmt(", %.1f%% of the loops' time", 100 * s.share(s.dispatches)));
        row("  dispatch us p50/p99/max", s -> durations(s.dispatches));
        row("iterations", s -> String.valueOf(s.iterations.count()));
        row("  iteration us p50/p99/max", s -> durations(s.iterations));
        row("  less its waits (lag)", s -> durations(s.iterationWork));
        row("timers / tasks", s -> s.timers + " / " + s.tasks);
        Set<String> counters = new LinkedHashSet<>();
        files.forEach(s -> counters.addAll(s.counterMax.keySet()));
        // the largest sample of any one loop, not a sum: the loops peak at different times, and a
        // counter of the whole process (the file cache is one a loop today) would be counted per loop
        String ofLoops = files.stream().anyMatch(s -> s.loopThreads() > 1) ? " max (of any one loop)" : " max";
        for (String c : counters) row("counter " + c + ofLoops, s -> s.counterMax.containsKey(c) ? fmt("%.0f", s.counterMax.get(c)) : "-");
        Set<String> instants = new LinkedHashSet<>();
        files.forEach(s -> instants.addAll(s.instants.keySet()));
        if (instants.isEmpty()) row("instants", s -> "none");
        for (String i : instants) row("instant " + i, s -> String.valueOf(s.instants.getOrDefault(i, 0)));
        if (files.stream().anyMatch(s -> s.namesLeftOut > 0))
            row("names left out", s -> s.namesLeftOut + " (past the first " + TimelineSummary.MOST_NAMES + " of a table)");
    }

    private void row(String label, Function<TimelineSummary, String> value) {
        String[] r = new String[files.size() + 1];
        r[0] = label;
        for (int i = 0; i < files.size(); i++) r[i + 1] = value.apply(files.get(i));
        rows.add(r);
    }

    private String render() {
        int[] width = new int[files.size() + 1];
        for (String[] r : rows)
            for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) line.append(String.format(Locale.ROOT, "%-" + (width[i] + 3) + "s", r[i]));
            out.append(line.toString().stripTrailing()).append('\n');
        }
        for (TimelineSummary s : files) {
            out.append('\n').append("slowest dispatches in ").append(s.file.getFileName()).append(":\n");
            for (TimelineSummary.Dispatch d : s.slowest)
                out.append(fmt("  %10.1f us  %-12s fd=%s role=%s at %s on %s%n", d.durUs(), d.name(), d.fd(), d.role(),
                        time(d.tsUs()), s.threadNames.getOrDefault(d.thread(), d.thread())));
            if (s.slowest.isEmpty()) out.append("  none\n");
        }
        return out.toString();
    }

    /** "0", "1", "2-3", "4-7": the ready counts in power-of-two bucket i. */
    static String readyLabel(int i) {
        if (i < 2) return String.valueOf(i);
        return Distribution.bucketStart(i) + "-" + (2 * Distribution.bucketStart(i) - 1);
    }

    /** µs as seconds, or as ms below a second. */
    private static String time(double us) {
        return us >= 1e6 ? fmt("%.3f s", us / 1e6) : fmt("%.3f ms", us / 1e3);
    }

    private static String durations(Distribution d) {
        return d.count() == 0 ? "-" : fmt("%.1f / %.1f / %.1f", d.percentile(50), d.percentile(99), d.max());
    }

    private static String share(long[] counts, int bucket, int total) {
        long n = bucket < counts.length ? counts[bucket] : 0;
        return fmt("%d (%.1f%%)", n, 100.0 * n / total);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
