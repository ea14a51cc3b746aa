package io.muxkit.cli;

import java.util.concurrent.Callable;

import io.muxkit.echo.EchoServer;
import io.muxkit.echo.EchoStats;
import io.muxkit.loop.LoopMonitor;
import io.muxkit.tcp.ListenConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "TCP echo server (RFC 862) on the chosen backend. SIGINT/SIGTERM stop it cleanly.")
final class EchoCommand implements Callable<Integer> {
    /** A connection holds its socket and nothing else. */
    static final int FDS_PER_CONNECTION = 1;

    @Mixin
    LoopRunOptions run;

    @Mixin
    ListenOptions listen = new ListenOptions(9000);

    @Option(names = "--idle-timeout", paramLabel = "SECS", defaultValue = "0", description = "Close peers idle this long (0: never).")
    double idleTimeout;

    @Option(names = "--max-buffer", paramLabel = "BYTES", defaultValue = "262144",
            description = "Bytes buffered per peer before it is no longer read (default: ${DEFAULT-VALUE}).")
    int maxBuffer;

    @Option(names = "--stats", description = "Print a line of counters every second, with the loops' lag: iteration time p50, p99, max and the longest handler.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        MuxOptions mux = run.mux();
        long idleMillis = Checks.seconds("--idle-timeout", idleTimeout, true, Checks.MAX_SECONDS);
        ListenConfig listenConfig = listen.config(idleMillis, FDS_PER_CONNECTION, 0);
        Checks.range("--max-buffer", maxBuffer, 1, 1 << 30);
        var choice = mux.choice();
        EchoServer.Config config = new EchoServer.Config(listenConfig, maxBuffer);
        LoopMonitor monitor = run.monitor("echo", listen.loops);
        StopSignal stop = new StopSignal();
        try (EchoServer server = new EchoServer(config, mux.loops(listenConfig.maxConnections() / listenConfig.loops()), System.err)) {
            server.whenLoopDies(stop::failed);
            // before any peer can take the last fd: a class loaded later needs one to open its class file
            EchoStats last = server.stats();
            server.start();
            System.out.println("listening on " + listen.address.host + ":" + server.port() + " backend=" + choice.backend().id()
                    + mux.ioSuffix() + " loops=" + listen.loops);
            System.out.flush();
            long lastNanos = System.nanoTime();
            while (!stop.await(stats ? 1000 : 60_000)) {
                if (!stats) continue;
                run.sayRing(server.ringFeatures());
                EchoStats now = server.stats();
                long nanos = System.nanoTime();
                System.out.println(now.line(last, (nanos - lastNanos) / 1e9) + "  " + monitor.lagLine(true));
                last = now;
                lastNanos = nanos;
            }
            System.out.println("stopping: closing " + server.stats().open() + " connections");
            server.close();
            System.out.println("final: " + server.stats().summary());
            System.out.println("lag: " + monitor.lagLine(false));
        }
        run.writeTimeline();
        return stop.exitStatus();
    }
}
