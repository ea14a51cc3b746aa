package io.muxkit.output;

/**
 * Admits at most N events a second and counts the ones it holds back, so that whatever prints
 * them (the server log, --trace) cannot drown a terminal and still says how much it left out.
 */
public final class RateLimiter {
    private static final long SECOND = 1_000_000_000L;
    private final int perSecond;
    private long windowStart = System.nanoTime() - 2 * SECOND;
    private int admitted;
    private long heldBack;

    public RateLimiter(int perSecond) {
        if (perSecond < 1) throw new IllegalArgumentException("perSecond must be positive, not " + perSecond);
        this.perSecond = perSecond;
    }

    public int perSecond() {
        return perSecond;
    }

    /** How many were held back since the last one admitted: what no later event will report if none comes. Any thread. */
    public synchronized long heldBack() {
        return heldBack;
    }

    /** -1 when this event is held back; else how many were held back since the last one admitted. Any thread. */
    public synchronized long admit() {
        long now = System.nanoTime();
        if (now - windowStart >= SECOND) {
            windowStart = now;
            admitted = 0;
        }
        if (admitted == perSecond) {
            heldBack++;
            return -1;
        }
        admitted++;
        long held = heldBack;
        heldBack = 0;
        return held;
    }
}
