package io.muxkit.cli;

import io.muxkit.tcp.ListenConfig;
import picocli.CommandLine.Option;

/** Where and how a server listens: --host, --loops, --max-conn (the port's default is each server's own). */
final class ListenOptions {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--loops", defaultValue = "1", description = "Event loops, each on its own thread and listener (SO_REUSEPORT).")
    int loops;

    @Option(names = "--max-conn", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE, description = "Refuse connections past N.")
    int maxConn;

    /** The checked options with the command's port and idle timeout. */
    ListenConfig config(int port, long idleTimeoutMillis) {
        if (loops < 1 || maxConn < 1 || port < 0 || port > 65535)
            throw new UsageException("--loops and --max-conn must be positive, --port 0..65535");
        return new ListenConfig(host, port, loops, maxConn, idleTimeoutMillis);
    }
}
