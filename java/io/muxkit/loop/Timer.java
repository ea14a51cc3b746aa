package io.muxkit.loop;

/** A scheduled task of one loop: one-shot when period is 0. Cancel with {@link #cancel()}. */
public final class Timer implements Comparable<Timer> {
    final Runnable task;
    final long periodNanos;
    final long sequence;   // ties broken by scheduling order
    long dueNanos;
    boolean cancelled;

    Timer(Runnable task, long dueNanos, long periodNanos, long sequence) {
        this.task = task;
        this.dueNanos = dueNanos;
        this.periodNanos = periodNanos;
        this.sequence = sequence;
    }

    /** Stops the timer; it will not run again. Call on the loop's thread. */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public int compareTo(Timer o) {
        int c = Long.compare(dueNanos, o.dueNanos);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
