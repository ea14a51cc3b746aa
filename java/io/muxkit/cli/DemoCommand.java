package io.muxkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.muxkit.ffi.Native;
import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.loop.LoopMonitor;
import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.process.ChildJvm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The first thing to run: the echo server on each backend in turn (in a child JVM, so its fds
 * are its own), driven by the load client with 100 connections and then with more than select
 * can hold, and one table of what happened.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the echo server on each backend, load it with 100 and then 1100 connections, print one table.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "3", description = "Seconds of load per run (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--many", defaultValue = "1100", description = "Connections in the second run (default: ${DEFAULT-VALUE}).")
    int many;

    @Override
    public Integer call() throws Exception {
        Checks.seconds("--seconds", seconds, false, 60);
        Checks.range("--many", many, 1, 8000);
        System.out.println("Each backend serves echo in its own JVM; the load client (epoll) checks every byte.");
        System.out.printf(Locale.ROOT, "%n%-16s %6s %12s %10s %9s  %s%n", "backend", "conns", "messages/s", "p99 us", "refused", "why");
        boolean clean = true;
        LoopMonitor.install(new LoopMonitor(0, false, null));  // the load client's own lag is not what the table shows
        for (EchoRun run : EchoRun.of(List.of(Backend.values()), FdSetMode.STRICT)) {
            // one server for both runs: the first run's connections are closed before the second opens its own
            try (ChildJvm server = ChildJvm.muxkit(null, run.echo())) {
                int port = server.port();
                for (int conns : new int[] { 100, many }) {
                    LoadClient.Result r;
                    try (EventLoop loop = new EventLoop(Multiplexer.open(Backend.best()))) {
                        r = new LoadClient(loop, new LoadClient.Config("127.0.0.1", port, conns, 64, 1, seconds),
                                new PrintStream(OutputStream.nullOutputStream())).run();
                    }
                    clean &= r.errors() == 0 && r.mismatches() == 0;
                    // the connections opened: fewer than asked when the run ended before its ramp did (a busy machine)
                    System.out.printf(Locale.ROOT, "%-16s %6d %12.0f %10d %9d  %s%n", run.name(), r.connections(), r.messagesPerSecond(),
                            r.latencyMicros().getValueAtPercentile(99), r.refused(), why(r, server));
                }
            }
        }
        System.out.println();
        System.out.println("select refuses every fd >= FD_SETSIZE (" + Native.FD_SETSIZE + "); poll, epoll and uring take them.");
        System.out.println("uring completion: io_uring does the I/O itself (multishot accept and recv, send; --io completion). Try:");
        System.out.println("  ./muxkit echo --backend select --stats     and, in another terminal,");
        System.out.println("  ./muxkit load --port 9000 --connections " + many);
        return clean ? 0 : 1;
    }

    private static final String REFUSED = "refused a connection: ";

    /** Why connections were refused, in the server's own words (the first such line of its log). */
    private static String why(LoadClient.Result r, ChildJvm server) throws IOException {
        if (r.errors() > 0 || r.mismatches() > 0) return r.errors() + " errors, " + r.mismatches() + " mismatches";
        if (r.refused() == 0) return "";
        String line = server.firstLine(REFUSED);
        return line == null ? "closed by the server" : line.substring(line.indexOf(REFUSED) + REFUSED.length());
    }
}
