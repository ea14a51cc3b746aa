package io.muxkit.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Supplier;

import io.muxkit.mux.Multiplexer;
import io.muxkit.mux.SyscallTrace;
import io.muxkit.ring.RingSetup;

/**
 * How a server or a client opens its event loops, one per thread: on a readiness
 * {@link Multiplexer} of any backend, or on an io_uring completion ring, where the I/O itself is
 * requests and completions (see {@link EventLoop}). What runs on the loops is the same either way.
 */
@FunctionalInterface
public interface Loops {
    /** A new loop; an exception a handler throws is reported on log. */
    EventLoop open(PrintStream log) throws IOException;

    /** Loops on the multiplexers multiplexers.get() opens (each an unchecked exception when it fails). */
    static Loops readiness(Supplier<Multiplexer> multiplexers) {
        return log -> new EventLoop(multiplexers.get(), log);
    }

    /** Loops on completion rings of that setup, their syscalls written to trace (null: none). */
    static Loops completion(RingSetup setup, SyscallTrace trace) {
        return log -> new EventLoop(Multiplexer.openRing(setup, trace), log);
    }
}
