package io.muxkit.cli;

import io.muxkit.mux.FdSetMode;
import picocli.CommandLine.Option;

/** --select-fdset strict|dynamic, for every command that opens multiplexers. */
final class FdSetOption {
    @Option(names = "--select-fdset", paramLabel = "strict|dynamic", defaultValue = "strict",
            description = "select's fd_set: strict stops at FD_SETSIZE as libc does; dynamic grows to the highest fd, as libevent does.")
    String name;

    FdSetMode mode() {
        try {
            return FdSetMode.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
