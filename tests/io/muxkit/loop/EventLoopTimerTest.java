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
