package muxkit.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import muxkit.server.EchoServer;
import muxkit.server.EchoStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "TCP echo server (RFC 862) on the chosen backend. SIGINT/SIGTERM stop it cleanly.")
final class EchoCommand implements Callable<Integer> {
    @Mixin
    MuxOptions mux;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "9000", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--loops", defaultValue = "1", description = "Event loops, each on its own thread and listener (SO_REUSEPORT).")
    int loops;

    @Option(names = "--max-conn", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE, description = "Refuse connections past N.")
    int maxConn;

    @Option(names = "--idle-timeout", paramLabel = "SECS", defaultValue = "0", description = "Close peers idle this long (0: never).")
    double idleTimeout;

    @Option(names = "--max-buffer", paramLabel = "BYTES", defaultValue = "262144",
            description = "Bytes buffered per peer before it is no longer read (default: ${DEFAULT-VALUE}).")
    int maxBuffer;

    @Option(names = "--stats", description = "Print a line of counters every second.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        if (loops < 1 || maxConn < 1 || idleTimeout < 0 || maxBuffer < 1 || port < 0 || port > 65535)
            throw new UsageException("--loops, --max-conn and --max-buffer must be positive, --idle-timeout >= 0, --port 0..65535");
        var choice = mux.choice();
        EchoServer.Config config = new EchoServer.Config(host, port, loops, maxConn, (long) (idleTimeout * 1000), maxBuffer);
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        try (EchoServer server = new EchoServer(config, mux.factory(), System.err).start()) {
            System.out.println("listening on " + host + ":" + server.port() + " backend=" + choice.backend().id() + " loops=" + loops);
            System.out.flush();
            EchoStats last = server.stats();
            long lastNanos = System.nanoTime();
            while (!stop.await(stats ? 1000 : 60_000, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (!stats) continue;
                EchoStats now = server.stats();
                long nanos = System.nanoTime();
                System.out.println(now.line(last, (nanos - lastNanos) / 1e9));
                last = now;
                lastNanos = nanos;
            }
            System.out.println("stopping: closing " + server.stats().open() + " connections");
            server.close();
            System.out.println("final: " + server.stats().summary());
        }
        return 0;
    }
}
