package io.muxkit.loop;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import org.HdrHistogram.Histogram;

/**
 * What every event loop of the process measures, chosen once (by the CLI's flags) before the
 * loops are made: the lag warning's threshold, whether iteration times are collected for
 * {@link #lagLine}, and the timeline, if one is recorded. A loop made without one installed warns
 * about a loop held longer than {@link #DEFAULT_WARN_MILLIS} and records nothing else.
 */
public final class LoopMonitor {
    public static final long DEFAULT_WARN_MILLIS = 100;

    private static volatile LoopMonitor installed = new LoopMonitor(DEFAULT_WARN_MILLIS, false, null);

    private final long warnNanos;
    private final boolean collect;
    private final Timeline timeline;
    private final List<LoopLag> lags = new CopyOnWriteArrayList<>();
    private final Histogram interval = histogram(), total = histogram();
    private LoopLag.Held longest;

    /**
     * @param warnMillis warn about a loop held longer than this (0: never)
     * @param collect    keep each loop's iteration times, for {@link #lagLine}
     * @param timeline   where the loops record their events, or null
     */
    public LoopMonitor(long warnMillis, boolean collect, Timeline timeline) {
        if (warnMillis < 0) throw new IllegalArgumentException("warnMillis must be 0 (off) or positive, not " + warnMillis);
        this.warnNanos = warnMillis == 0 ? Long.MAX_VALUE : warnMillis * 1_000_000;
        this.collect = collect;
        this.timeline = timeline;
    }

    /** Makes monitor the one the loops made from now on use. */
    public static void install(LoopMonitor monitor) {
        installed = monitor;
    }

    public static LoopMonitor installed() {
        return installed;
    }

    /** The timeline, or null. */
    public Timeline timeline() {
        return timeline;
    }

    LoopLag newLag(PrintStream log) {
        LoopLag lag = new LoopLag(warnNanos, collect, log);
        if (collect) lags.add(lag);
        return lag;
    }

    /**
     * "iteration p50 0.004 ms p99 0.051 ms max 2.3 ms, longest conn READ fd 17 2.3 ms": the
     * iterations of every loop since the last call (sinceLast) or since the start ("iteration none"
     * if no loop finished a turn), and the longest handler since the start. For a --stats line,
     * once a second, from one thread. The whole run's line (at exit) also counts the warnings held
     * back and never printed, since no later warning came to tell them.
     */
    public synchronized String lagLine(boolean sinceLast) {
        interval.reset();
        long untold = 0;
        for (LoopLag lag : lags) {
            lag.drainInto(interval);
            LoopLag.Held h = lag.longest();
            if (h != null && (longest == null || h.nanos() > longest.nanos())) longest = h;
            untold += lag.warningsHeldBack();
        }
        total.add(interval);
        Histogram h = sinceLast ? interval : total;
        String held = ", longest " + (longest == null ? "none" : longest + " " + ms(longest.nanos()))
                + (sinceLast || untold == 0 ? "" : ", " + untold + " more holds over " + ms(warnNanos) + " not warned of (at most one warning a second)");
        if (h.getTotalCount() == 0) return "iteration none" + held;  // waiting all along: no turn to measure (not turns of 0 ms)
        return String.format(Locale.ROOT, "iteration p50 %s p99 %s max %s", ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue())) + held;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, nanos < 10_000_000 ? "%.3f ms" : "%.0f ms", nanos / 1e6);
    }

    private static Histogram histogram() {
        return new Histogram(1, LoopLag.MOST_NANOS, 2);  // the range of the loops' recorders, which are added into it
    }
}
