package io.muxkit.cli;

import io.muxkit.mux.BackendChoice;
import picocli.CommandLine.Option;

/** --backend, shared by every command: the flag, else MUXKIT_BACKEND, else the best available. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "select|poll|epoll",
            description = "Multiplexer backend (default: $MUXKIT_BACKEND, else the best available: epoll).")
    String name;

    BackendChoice choose() {
        try {
            return BackendChoice.resolve(name, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
