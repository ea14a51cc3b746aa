package io.muxkit.loop;

import java.io.PrintStream;

import io.muxkit.mux.TracingMultiplexer;
import io.muxkit.net.Sockets;
import io.muxkit.output.RateLimiter;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * How long one loop held its thread: the work of each iteration (from its wait's return to the
 * next wait) into a histogram, the longest handler, timer or task with its fd and role, and a
 * warning, at most one a second, naming whatever held the loop longer than the threshold. Fed by
 * the loop's thread; read from any.
 */
final class LoopLag {
    /** Iteration times above an hour are counted as an hour. */
    static final long MOST_NANOS = 3_600_000_000_000L;

    /** What held a loop longest: a handler (fd >= 0, with its role and ops), a timer or a task (fd -1). */
    record Held(long nanos, String what, int fd, String ops) {
        @Override
        public String toString() {
            return what + (fd >= 0 ? " " + ops + " fd " + fd : "");
        }
    }

    private final SingleWriterRecorder iterations;  // null when no one reads them
    private final long warnNanos;
    private final PrintStream log;
    private final RateLimiter warnings = new RateLimiter(1);
    /** held() is called only above this: the smaller of the warning threshold and the longest so far (one compare per handler). */
    long notable;
    private Held longest;
    private Histogram recycled;

    /** @param warnNanos warn about anything that holds the loop longer (Long.MAX_VALUE: never); collect: keep the iteration histogram */
    LoopLag(long warnNanos, boolean collect, PrintStream log) {
        this.warnNanos = warnNanos;
        this.log = log;
        this.iterations = collect ? new SingleWriterRecorder(1, MOST_NANOS, 2) : null;
        this.notable = Math.min(warnNanos, 0);
    }

    /** One iteration's work, from the wait's return to the start of the next wait. Loop thread. */
    void iteration(long nanos) {
        if (iterations != null) iterations.recordValue(Math.min(Math.max(nanos, 0), MOST_NANOS));
    }

    /** Something held the loop nanos (above {@link #notable}): what (a role, "timer", "task"), fd -1 if none. Loop thread. */
    void held(long nanos, String what, int fd, int ops) {
        Held h = null;
        synchronized (this) {
            if (longest == null || nanos > longest.nanos) {
                h = new Held(nanos, what, fd, TracingMultiplexer.opsText(ops));
                longest = h;
            }
            notable = Math.min(warnNanos, longest.nanos);
        }
        if (nanos <= warnNanos) return;
        long heldBack = warnings.admit();
        if (heldBack < 0) return;
        if (h == null) h = new Held(nanos, what, fd, TracingMultiplexer.opsText(ops));
        String peer = fd >= 0 && !"listen".equals(what) ? Sockets.peerAddress(fd, null) : null;
        log.printf("muxkit: %s held %d ms by %s%s%s%n", Thread.currentThread().getName(), nanos / 1_000_000, h,
                peer == null ? "" : " (" + peer + ")", heldBack > 0 ? " (and " + heldBack + " more like it)" : "");
    }

    /** Warnings held back by the one-a-second rate and not yet told (a later warning tells them). Any thread. */
    long warningsHeldBack() {
        return warnings.heldBack();
    }

    /** The longest so far, or null. Any thread. */
    synchronized Held longest() {
        return longest;
    }

    /** The iterations since the last call (null when not collected), added to into. Any thread, one at a time. */
    synchronized void drainInto(Histogram into) {
        if (iterations == null) return;
        recycled = iterations.getIntervalHistogram(recycled);
        into.add(recycled);
    }
}
