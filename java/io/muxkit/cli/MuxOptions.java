package io.muxkit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

import io.muxkit.mux.BackendChoice;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.mux.TracingMultiplexer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --backend, --select-fdset and --trace: how a server or client command opens its multiplexers. */
final class MuxOptions {
    @Mixin
    BackendOption backend;

    @Mixin
    FdSetOption fdSet;

    @Option(names = "--trace", description = "Print each multiplexer call with its arguments and result (at most 50 lines/s).")
    boolean trace;

    BackendChoice choice() {
        return backend.choose();
    }

    /** Opens one multiplexer per call, of the chosen backend; a failure to open is thrown unchecked. */
    Supplier<Multiplexer> factory() {
        BackendChoice choice = backend.choose();
        FdSetMode mode = fdSet.mode();
        return () -> {
            try {
                Multiplexer mux = Multiplexer.open(choice.backend(), mode);
                return trace ? new TracingMultiplexer(mux, System.out, 50) : mux;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
