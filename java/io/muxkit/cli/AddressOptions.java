package io.muxkit.cli;

import picocli.CommandLine.Option;

/**
 * --host and --port, declared once for every command that takes them. Two mixins, because the two
 * sides differ in more than a default: a server binds (any port, 0 for a free one, each server its
 * own default), a client connects (a port it must be told, 0 not among them).
 */
final class AddressOptions {
    private AddressOptions() {}

    /**
     * Where a server binds: echo, files and the example servers. Each command makes its own with
     * its default port ({@code @Mixin Bind address = new Bind(9000)}); picocli keeps a mixin it
     * finds already made, and shows the port it holds as the default.
     */
    static final class Bind {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
        int port;

        Bind(int defaultPort) {
            port = defaultPort;
        }

        /** The checked port. */
        int port() {
            return Checks.range("--port", port, 0, 65535);
        }
    }

    /** The server a client talks to: load and the example clients. */
    static final class Connect {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", required = true, description = "Server port.")
        int port;

        /** The checked port. */
        int port() {
            return Checks.range("--port", port, 1, 65535);
        }
    }
}
