package io.muxkit.testing;

import java.io.IOException;

import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.probe.BackendProbe;

/**
 * Child-JVM helper for the fd-limit tests: {@link BackendProbe} fills one backend with eventfds until
 * something stops it, proving at every step that the highest one is reported ready, and closes them
 * all; this prints its result in one line:
 * {@code registered=N highest=FD stopped=<exception> ready=true|false}.
 */
public final class FillToLimit {
    public static void main(String[] args) throws IOException {
        Backend backend = Backend.parse(args[0]);
        FdSetMode mode = args.length > 1 ? FdSetMode.parse(args[1]) : FdSetMode.STRICT;
        BackendProbe.Result r = BackendProbe.run(backend, mode, Integer.MAX_VALUE);
        String stopped = r.stop() == null ? "nothing" : r.stop().getClass().getSimpleName() + ": " + r.stop().getMessage();
        System.out.println("registered=" + r.watchedMax() + " highest=" + r.highestFd() + " stopped=" + stopped
                + " ready=" + (r.highestFd() >= 0 && r.allProvenReady()));
    }
}
