package io.muxkit.cli;

import io.muxkit.mux.BackendChoice;
import picocli.CommandLine.Option;

/** --backend, shared by every command: the flag, else MUXKIT_BACKEND, else the best available. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "select|poll|epoll|uring",
            description = "Multiplexer backend (default: $MUXKIT_BACKEND, else the best available: epoll).")
    String name;

    /** The backend to use; one asked for that does not work here is a usage error naming why (exit 2). */
    BackendChoice choose() {
        BackendChoice choice;
        try {
            choice = BackendChoice.resolve(name, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String why = choice.backend().unavailableReason();
        if (why != null)
            throw new UsageException(choice.source() + ": the " + choice.backend().id() + " backend does not work here: " + why);
        return choice;
    }
}
