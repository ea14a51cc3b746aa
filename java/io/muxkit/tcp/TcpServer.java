package io.muxkit.tcp;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;

/**
 * A TCP server on N event loops, each on its own thread with its own listening socket on the same
 * port (SO_REUSEPORT), so the kernel spreads connections over the loops. The protocol is given
 * per loop; this class knows nothing of what is said on the connections.
 */
public final class TcpServer implements AutoCloseable {
    private final List<ServerLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final String name;
    private int port;

    /**
     * Binds (port 0 picks one: see {@link #port()}) and sets up the loops; nothing runs until
     * {@link #start()}.
     *
     * @param name         names the loop threads, e.g. "echo" gives echo-loop-0
     * @param multiplexers called once per loop, e.g. {@code () -> Multiplexer.open(Backend.EPOLL)}
     * @param protocols    called once per loop with that loop, on this thread
     * @param log          where refusals and failures are reported, at most a line a second per loop
     */
    public TcpServer(String name, ListenConfig config, Supplier<Multiplexer> multiplexers,
                     Function<ServerLoop, Protocol> protocols, PrintStream log) throws IOException {
        this.name = name;
        int bindPort = config.port();
        try {
            for (int i = 0; i < config.loops(); i++) {
                int listenFd = Sockets.listen(config.host(), bindPort, config.loops() > 1, 1024);
                if (i == 0) port = bindPort = Sockets.localPort(listenFd);
                ServerLoop loop;
                EventLoop eventLoop = null;
                try {
                    eventLoop = new EventLoop(multiplexers.get());
                    loop = new ServerLoop(eventLoop, listenFd, config, openConnections, log);
                } catch (IOException | RuntimeException e) {
                    Fds.closeQuietly(listenFd);
                    if (eventLoop != null) eventLoop.close();
                    throw e;
                }
                loops.add(loop);
                loop.start(protocols.apply(loop));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The loops, for their counters. */
    public List<ServerLoop> loops() {
        return loops;
    }

    /** Starts a thread per loop. */
    public void start() {
        for (int i = 0; i < loops.size(); i++) {
            Thread t = new Thread(loops.get(i)::run, name + "-loop-" + i);
            threads.add(t);
            t.start();
        }
    }

    /** Stops accepting, closes every connection, waits for the loops to end. */
    @Override
    public void close() {
        for (ServerLoop loop : loops) loop.shutdown();
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ServerLoop loop : loops) loop.release();
    }
}
