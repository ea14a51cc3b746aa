package io.muxkit.fdtest;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.muxkit.process.ProcessGroup;

/**
 * Drives a server to its limit: opens connections in waves, each wave twice what the server took
 * of the last unless SYNs were dropped (a short listen backlog is not flooded), and holds what stays
 * open, until one process holds within NEAR fds of its limit (then one wave more, the excess it
 * must turn away), or it turns connections away or leaves them in its backlog with its fds no
 * higher (a limit of its own: a --max-conn, select's FD_SETSIZE), or the fds stop growing for
 * STILL_WAVES waves and STILL_MILLIS, or the budget of
 * connections or time is spent. Connections answered and closed put no pressure on the server: for HTTP, once one is,
 * the waves that follow hold theirs open with an unfinished request.
 */
final class Fill {
    /** opened: connections; atLimit: the server was at its limit; how: why the filling stopped, in words. */
    record Result(int opened, Map<Outcome, Integer> outcomes, boolean unfinished, boolean atLimit, String how, double seconds) {}

    static final int NEAR = 4;
    private static final int WAVE = 32, FIRST_WAVE = 8;
    private static final long CONNECT_MILLIS = 1000, ANSWER_MILLIS = 500, UNFINISHED_MILLIS = 100, STILL_MILLIS = 2000, MAX_MILLIS = 15_000;
    private static final int STILL_WAVES = 4;
    /**
     * Waves in a row that found the fds no higher, with connections closed or reset, or left unanswered
     * in the backlog: a limit of the server's own (a --max-conn; lighttpd's a third of its fds).
     */
    private static final int REFUSING_WAVES = 2;

    private Fill() {}

    static Result run(FdTest.Config config, ProcessGroup server, Probe probe, ProcessWatch watch, List<Integer> held)
            throws IOException {
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) outcomes.put(o, 0);
        long start = System.nanoTime(), grewAt = start;
        long best = watch.fdsNow(), limit = config.nofile();
        int opened = 0, wave = FIRST_WAVE;
        boolean unfinished = false, reached = false, ownLimit = false;
        int refusingWaves = 0, stillWaves = 0;
        String how = null;
        while (how == null) {
            if (opened >= config.connections()) how = "all " + config.connections() + " connections opened (--connections)";
            else if (!server.alive()) how = "the server ended";
            else if (System.nanoTime() - start > MAX_MILLIS * 1_000_000) how = "time up (" + MAX_MILLIS / 1000 + " s)";
            if (how != null) break;
            // an unfinished request is not answered: the wait is only for the server to close it at once
            Outcome[] o = probe.wave(Math.min(wave, config.connections() - opened), CONNECT_MILLIS,
                    unfinished ? UNFINISHED_MILLIS : ANSWER_MILLIS, held, unfinished);
            opened += o.length;
            for (Outcome x : o) outcomes.merge(x, 1, Integer::sum);
            if (config.protocol() == Protocol.HTTP && FdTest.count(o, Outcome.SERVED_CLOSED) > FdTest.count(o, Outcome.SERVED)) unfinished = true;
            boolean turnedAway = FdTest.count(o, Outcome.CLOSED) + FdTest.count(o, Outcome.RESET) > 0, queued = FdTest.count(o, Outcome.NO_ANSWER) > 0;
            // paced by what it takes: twice as many as last time, unless SYNs were dropped (a short listen backlog)
            int dropped = FdTest.count(o, Outcome.CONNECT_TIMEOUT), taken = o.length - dropped - FdTest.count(o, Outcome.REFUSED);
            wave = Math.max(1, Math.min(WAVE, dropped > 0 ? taken : 2 * taken));
            long fds = watch.fdsNow();
            if (reached) how = "a process at " + fds + " fds of its " + limit + ", and " + o.length + " connections past that";
            else if (fds >= limit - NEAR) reached = true;
            else if (fds > best) {
                best = fds;
                grewAt = System.nanoTime();
                refusingWaves = stillWaves = 0;
            } else if ((turnedAway || queued) && ++refusingWaves >= REFUSING_WAVES) {
                ownLimit = true;
                how = "its fds stopped growing at " + watch.maxFds() + " of " + limit + ", and it "
                        + (turnedAway ? "turns away" : "leaves in its listen backlog") + " the connections past that: a limit of its own";
            } else if (++stillWaves >= STILL_WAVES && System.nanoTime() - grewAt > STILL_MILLIS * 1_000_000) {
                how = "its fds stopped growing at " + watch.maxFds() + " of " + limit;
            }
        }
        boolean atLimit = reached || ownLimit || watch.maxFds() >= limit - NEAR;
        return new Result(opened, outcomes, unfinished, atLimit, how, (System.nanoTime() - start) / 1e9);
    }
}
