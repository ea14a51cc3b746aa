package io.muxkit.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;

/**
 * How late an EventLoop timer fires: a chain of timers, each scheduled by the one before, on an
 * otherwise idle loop. The wait's timeout reaches the kernel in nanoseconds on every backend
 * (pselect, ppoll, epoll_pwait2, io_uring's timespec), so a 200 µs timer is not a 1 ms one.
 * {@code mvn -q test-compile exec:exec@bench -Dbench.only=timers} prints the table; the test
 * (EventLoopTimerTest) checks only that every timer fires, and never early.
 */
public final class TimerLateness {
    private TimerLateness() {}

    /** Lateness in nanoseconds of `count` chained timers of `delay`, in firing order; negative means early. */
    public static long[] measure(Backend backend, int count, long delay, TimeUnit unit) throws IOException {
        long delayNanos = unit.toNanos(delay);
        long[] lateness = new long[count];
        try (EventLoop loop = new EventLoop(Multiplexer.open(backend))) {
            long[] due = new long[1];
            int[] fired = new int[1];
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                lateness[fired[0]++] = System.nanoTime() - due[0];
                if (fired[0] == count) {
                    loop.stop();
                    return;
                }
                due[0] = System.nanoTime() + delayNanos;
                loop.schedule(delayNanos, TimeUnit.NANOSECONDS, next[0]);
            };
            due[0] = System.nanoTime() + delayNanos;
            loop.schedule(delayNanos, TimeUnit.NANOSECONDS, next[0]);
            loop.run();
        }
        return lateness;
    }

    public static void main(String[] args) throws IOException {
        report(2000, 200, TimeUnit.MICROSECONDS);
    }

    static void report(int count, long delay, TimeUnit unit) throws IOException {
        System.out.printf(Locale.ROOT, "%d chained timers of %d %s, lateness in µs (JDK %d)%n%n", count, delay,
                unit.name().toLowerCase(Locale.ROOT), Runtime.version().feature());
        System.out.println("| backend | median | p99 | max |");
        System.out.println("|---|---:|---:|---:|");
        for (Backend b : Backend.values()) {
            if (b.unavailableReason() != null) continue;
            measure(b, count / 4, delay, unit);  // warm-up: JIT
            long[] late = measure(b, count, delay, unit);
            Arrays.sort(late);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", b.id(), late[late.length / 2] / 1000.0,
                    late[(int) (late.length * 0.99)] / 1000.0, late[late.length - 1] / 1000.0);
        }
    }
}
