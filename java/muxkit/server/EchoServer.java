package muxkit.server;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import muxkit.loop.EventLoop;
import muxkit.mux.Multiplexer;
import muxkit.net.Sockets;

/**
 * TCP echo (RFC 862) on N event loops, each on its own thread with its own listening socket on
 * the same port (SO_REUSEPORT), so the kernel spreads connections over the loops.
 */
public final class EchoServer implements AutoCloseable {
    public record Config(String host, int port, int loops, int maxConnections, long idleTimeoutMillis,
                         int maxBufferedPerConnection) {
        public static Config defaults(int port) {
            return new Config("127.0.0.1", port, 1, Integer.MAX_VALUE, 0, 256 * 1024);
        }
    }

    private final Config config;
    private final List<EchoLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private int port;

    /** multiplexers: called once per loop (the CLI passes the chosen backend, perhaps traced). */
    public EchoServer(Config config, Supplier<Multiplexer> multiplexers, PrintStream log) throws IOException {
        this.config = config;
        int bindPort = config.port();
        try {
            for (int i = 0; i < config.loops(); i++) {
                int listenFd = Sockets.listen(config.host(), bindPort, config.loops() > 1, 1024);
                if (i == 0) port = bindPort = Sockets.localPort(listenFd);
                loops.add(new EchoLoop(new EventLoop(multiplexers.get()), listenFd, config, openConnections, log));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public Config config() {
        return config;
    }

    public EchoServer start() {
        for (int i = 0; i < loops.size(); i++) {
            EchoLoop loop = loops.get(i);
            Thread t = new Thread(loop::run, "echo-loop-" + i);
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** Counters summed over the loops (read while they run: a snapshot, not exact). */
    public EchoStats stats() {
        EchoStats sum = EchoStats.ZERO;
        for (EchoLoop loop : loops) sum = sum.plus(loop.stats());
        return sum;
    }

    /** Stops accepting, closes every connection, waits for the loops to end. */
    @Override
    public void close() {
        for (EchoLoop loop : loops) loop.shutdown();
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (EchoLoop loop : loops) loop.release();
    }
}
