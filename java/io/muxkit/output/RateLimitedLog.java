package io.muxkit.output;

import java.io.PrintStream;

/** A server's log: at most one line a second, each saying how many it held back since the last. */
public final class RateLimitedLog {
    private final PrintStream out;
    private final RateLimiter limiter = new RateLimiter(1);

    public RateLimitedLog(PrintStream out) {
        this.out = out;
    }

    public void log(String line) {
        long held = limiter.admit();
        if (held >= 0) out.println("muxkit: " + line + (held > 0 ? " (and " + held + " more like it)" : ""));
    }
}
