package io.muxkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.muxkit.loop.EventLoop;
import io.muxkit.loop.Loops;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;

/** Loops on a backend's multiplexers for the servers under test, as the CLI makes them. */
public final class Multiplexers {
    private Multiplexers() {}

    public static Loops of(Backend backend) {
        return Loops.readiness(() -> {
            try {
                return Multiplexer.open(backend);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** One readiness loop on backend (for a client). */
    public static EventLoop loop(Backend backend) throws IOException {
        return new EventLoop(Multiplexer.open(backend));
    }
}
