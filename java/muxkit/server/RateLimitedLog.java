package muxkit.server;

import java.io.PrintStream;

/** Prints at most one line a second; says how many it held back. */
final class RateLimitedLog {
    private final PrintStream out;
    private long lastNanos = System.nanoTime() - 2_000_000_000L;
    private long held;

    RateLimitedLog(PrintStream out) {
        this.out = out;
    }

    void log(String line) {
        long now = System.nanoTime();
        if (now - lastNanos < 1_000_000_000L) {
            held++;
            return;
        }
        out.println("muxkit: " + line + (held > 0 ? " (and " + held + " more like it)" : ""));
        lastNanos = now;
        held = 0;
    }
}
