package io.muxkit.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;

/**
 * Fills one backend with eventfds (one fd each, so the count can reach the process limit) in
 * growing steps until the backend or the process stops it, proving at every step that the
 * highest-numbered fd is reported ready when written to, and timing one wait at each step.
 * Every fd it opened is closed again.
 */
public final class BackendProbe {
    /** One step: how many fds were registered and the median cost of one select(0) then. */
    public record Step(int count, double waitMicrosMedian) {}

    /** stoppedBy: what stopped the fill, as said; stop: the exception that said it, or null when max did. */
    public record Result(Backend backend, FdSetMode fdSetMode, int watchedMax, int highestFd, String stoppedBy,
                         IOException stop, boolean allProvenReady, List<Step> steps) {}

    private static final int WAITS_PER_STEP = 11;

    private BackendProbe() {}

    public static Result run(Backend backend, FdSetMode mode, int max) throws IOException {
        int[] fds = new int[1024];
        int count = 0, highest = -1;
        List<Step> steps = new ArrayList<>();
        String stoppedBy = "--max " + max;
        IOException stop = null;
        boolean allReady = true;
        // one fd held back and given up when the fill stops, so the JVM is never left without one
        int spare = Fds.eventfd(0);
        try (Multiplexer mux = Multiplexer.open(backend, mode)) {
            for (int i = 0; i < 20_000; i++) mux.select(0);  // warm: time the syscall, not the interpreter
            int nextStep = 1;
            while (count < max) {
                int fd;
                try {
                    fd = Fds.eventfd(0);
                } catch (IOException e) {
                    stop = e;
                    stoppedBy = e.getMessage();
                    break;
                }
                if (count == fds.length) fds = Arrays.copyOf(fds, count * 2);
                fds[count] = fd;
                try {
                    mux.register(fd, Multiplexer.READ);
                } catch (IOException e) {
                    Fds.closeQuietly(fd);
                    stop = e;
                    stoppedBy = e.getMessage();
                    break;
                }
                count++;
                highest = Math.max(highest, fd);
                if (count == nextStep) {
                    allReady &= step(mux, highest, count, steps);
                    nextStep = nextStepAfter(nextStep);
                }
            }
            Fds.closeQuietly(spare);
            spare = -1;
            if (count > 0 && (steps.isEmpty() || steps.get(steps.size() - 1).count() != count))
                allReady &= step(mux, highest, count, steps);
        } finally {
            Fds.closeQuietly(spare);
            for (int i = 0; i < count; i++) Fds.closeQuietly(fds[i]);
        }
        return new Result(backend, mode, count, highest, stoppedBy, stop, allReady, steps);
    }

    /** 1, 2, 5, 10, 20, 50, ... */
    static int nextStepAfter(int step) {
        int magnitude = 1;
        while (magnitude * 10 <= step) magnitude *= 10;
        int lead = step / magnitude;
        return lead == 1 ? 2 * magnitude : lead == 2 ? 5 * magnitude : 10 * magnitude;
    }

    /** Makes the highest fd readable, checks it is the one fd reported, times the waits, drains it. */
    private static boolean step(Multiplexer mux, int highest, int count, List<Step> steps) throws IOException {
        Fds.eventfdWrite(highest, 1);
        long[] nanos = new long[WAITS_PER_STEP];
        boolean proven = true;
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            int n = mux.select(0);
            nanos[i] = System.nanoTime() - start;
            proven &= n == 1 && mux.readyFd(0) == highest && mux.readyOps(0) == Multiplexer.READ;
        }
        Fds.eventfdRead(highest);
        proven &= mux.select(0) == 0;
        Arrays.sort(nanos);
        steps.add(new Step(count, nanos[nanos.length / 2] / 1000.0));
        return proven;
    }
}
