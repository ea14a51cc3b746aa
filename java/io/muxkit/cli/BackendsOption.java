package io.muxkit.cli;

import java.util.List;

import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --backend B|all and --select-fdset, for the commands that compare backends (probe, scale). */
final class BackendsOption {
    @Option(names = "--backend", paramLabel = "select|poll|epoll|uring|all", defaultValue = "all",
            description = "Backend, or all of them (default: ${DEFAULT-VALUE}).")
    String name;

    @Mixin
    FdSetOption fdSet;

    List<Backend> backends() {
        if (name.equalsIgnoreCase("all")) return List.of(Backend.values());
        try {
            return List.of(Backend.parse(name));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + ", or all");
        }
    }

    FdSetMode fdSetMode() {
        return fdSet.mode();
    }
}
