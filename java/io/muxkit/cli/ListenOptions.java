package io.muxkit.cli;

import io.muxkit.ffi.Rlimits;
import io.muxkit.tcp.ListenConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where and how a server listens: --host and --port (the port's default is each server's own), --loops, --max-conn. */
final class ListenOptions {
    @Mixin
    AddressOptions.Bind address;

    ListenOptions(int defaultPort) {
        address = new AddressOptions.Bind(defaultPort);
    }

    @Option(names = "--loops", defaultValue = "1", description = "Event loops, each on its own thread and listener (SO_REUSEPORT).")
    int loops;

    @Option(names = "--max-conn", paramLabel = "N", defaultValue = "0", description = {
            "Refuse connections past N. Default: what the fd limit allows, the soft RLIMIT_NOFILE less " + RESERVED_FDS
                    + " for the process (and, for files, less the file cache's fds), divided by the fds one connection"
                    + " can hold (echo 1, files 3):",
            "${sys:muxkit.maxconn.echo} for echo and ${sys:muxkit.maxconn.files} for files here." })
    int maxConn;

    /** fds kept for the JVM, the listener, the multiplexer and the spare fd. */
    static final int RESERVED_FDS = 64;

    /** The soft RLIMIT_NOFILE, capped where a count of fds stops meaning anything. */
    static long softLimit() {
        return Math.min(Rlimits.nofile().soft(), 10_000_000L);
    }

    /** The default --max-conn for a server whose connections hold up to fdsPerConnection fds each, besides `reserved` others. */
    static int defaultMaxConn(int fdsPerConnection, long reserved) {
        return (int) Math.max(1, (softLimit() - RESERVED_FDS - reserved) / fdsPerConnection);
    }

    /** The checked options with the command's idle timeout; `reserved`: fds the server keeps for other things. */
    ListenConfig config(long idleTimeoutMillis, int fdsPerConnection, long reserved) {
        int port = address.port();
        Checks.range("--loops", loops, 1, 256);
        int max = maxConn == 0 ? defaultMaxConn(fdsPerConnection, reserved) : Checks.range("--max-conn", maxConn, 1, 10_000_000);
        return new ListenConfig(address.host, port, loops, max, idleTimeoutMillis);
    }
}
