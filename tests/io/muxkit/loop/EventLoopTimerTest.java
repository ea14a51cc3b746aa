package io.muxkit.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.bench.TimerLateness;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;

/** Timers below a millisecond, on every backend: each fires, never early. (How late: TimerLateness, a benchmark.) */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopTimerTest {
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void twoHundredMicrosecondTimersFireAndNeverEarly(Backend backend) throws IOException {
        long[] lateness = TimerLateness.measure(backend, 200, 200, TimeUnit.MICROSECONDS);
        for (int i = 0; i < lateness.length; i++) {
            assertTrue(lateness[i] >= 0, "timer " + i + " fired " + -lateness[i] + " ns early");
            assertTrue(lateness[i] < TimeUnit.SECONDS.toNanos(1), "timer " + i + " fired " + lateness[i] + " ns late (a sanity bound)");
        }
    }

    /** A delay past what a clock can add (Long.MAX_VALUE days) is "never", not an overflow into "now". */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aHugeDelayNeverFiresEarly(Backend backend) throws IOException {
        try (EventLoop loop = new EventLoop(Multiplexer.open(backend))) {
            boolean[] fired = new boolean[2];
            loop.schedule(Long.MAX_VALUE, TimeUnit.DAYS, () -> fired[0] = true);
            loop.scheduleRepeating(Long.MAX_VALUE, TimeUnit.NANOSECONDS, () -> fired[1] = true);
            loop.schedule(50, TimeUnit.MILLISECONDS, loop::stop);
            loop.run();
            assertTrue(!fired[0] && !fired[1], "a timer due in centuries fired");
        }
    }

    /** select with a timeout in microseconds waits at least that long when nothing is ready, and returns 0. */
    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aSubMillisecondWaitIsNeverShort(Backend backend) throws IOException {
        try (Multiplexer mux = Multiplexer.open(backend)) {
            for (int i = 0; i < 50; i++) {
                long start = System.nanoTime();
                assertEquals(0, mux.select(150, TimeUnit.MICROSECONDS));
                long waited = System.nanoTime() - start;
                assertTrue(waited >= 150_000, "waited " + waited + " ns for a 150 µs timeout");
            }
        }
    }
}
