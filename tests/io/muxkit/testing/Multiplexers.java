package io.muxkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;

/** Multiplexer suppliers for the servers under test, as the CLI makes them. */
public final class Multiplexers {
    private Multiplexers() {}

    public static Supplier<Multiplexer> of(Backend backend) {
        return () -> {
            try {
                return Multiplexer.open(backend);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
