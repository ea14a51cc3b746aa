package io.muxkit.tcp;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import io.muxkit.loop.EventLoop;
import io.muxkit.loop.Loops;
import io.muxkit.ring.Ring;
import io.muxkit.ring.RingFeatures;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;

/**
 * A TCP server on N event loops, each on its own thread with its own listening socket on the same
 * port (SO_REUSEPORT), so the kernel spreads connections over the loops. The protocol is given
 * per loop; this class knows nothing of what is said on the connections.
 *
 * <p>A loop that dies (its wait fails, a handler throws an Error such as OutOfMemoryError) takes
 * the whole server down: every listener is closed, so no port is held that nobody serves, and the
 * action given to {@link #whenLoopDies} runs (the CLI prints why and exits non-zero).
 */
public final class TcpServer implements AutoCloseable {
    private final List<ServerLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicReference<Throwable> death = new AtomicReference<>();
    private final String name;
    private final PrintStream log;
    private volatile Consumer<Throwable> whenLoopDies;
    private int port;

    /**
     * Binds (port 0 picks one: see {@link #port()}) and sets up the loops; nothing runs until
     * {@link #start()}.
     *
     * @param name         names the loop threads, e.g. "echo" gives echo-loop-0
     * @param opener       opens each loop, on a readiness multiplexer or on a completion ring ({@link Loops})
     * @param protocols    called once per loop with that loop, on this thread
     * @param log          where refusals and failures are reported, at most a line a second per loop
     */
    public TcpServer(String name, ListenConfig config, Loops opener,
                     Function<ServerLoop, Protocol> protocols, PrintStream log) throws IOException {
        this.name = name;
        this.log = log;
        this.whenLoopDies = e -> log.println("muxkit: " + name + ": an event loop died, the server stopped: " + e);
        int bindPort = config.port();
        try {
            for (int i = 0; i < config.loops(); i++) {
                int listenFd = Sockets.listen(config.host(), bindPort, config.loops() > 1, 1024);
                if (i == 0) port = bindPort = Sockets.localPort(listenFd);
                ServerLoop loop;
                EventLoop eventLoop = null;
                try {
                    eventLoop = opener.open(log);
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

    /** How the kernel set up the first loop's completion ring (once it has waited), or null on readiness. */
    public RingFeatures ringFeatures() {
        Ring ring = loops.isEmpty() ? null : loops.get(0).loop().ring();
        return ring == null ? null : ring.features();
    }

    /** What to do, once the server has stopped, when a loop died (the default logs it). Call before start(). */
    public TcpServer whenLoopDies(Consumer<Throwable> action) {
        this.whenLoopDies = action;
        return this;
    }

    /** Why a loop died, or null while none has. */
    public Throwable death() {
        return death.get();
    }

    /** Starts a thread per loop. */
    public void start() {
        for (int i = 0; i < loops.size(); i++) {
            ServerLoop loop = loops.get(i);
            Thread t = new Thread(() -> loop.run(e -> died(loop, e)), name + "-loop-" + i);
            threads.add(t);
            t.start();
        }
    }

    /** On the dead loop's thread: it releases what it holds; the other loops shut down; then the action. */
    private void died(ServerLoop loop, Throwable e) {
        if (!death.compareAndSet(null, e)) return;
        try {
            loop.release();
            for (ServerLoop other : loops) if (other != loop) other.shutdown();
        } catch (Throwable releasing) {
            e.addSuppressed(releasing);
        }
        whenLoopDies.accept(e);
    }

    /** Stops accepting, closes every connection, waits for the loops to end. */
    @Override
    public void close() {
        for (ServerLoop loop : loops) loop.shutdown();
        for (int i = 0; i < threads.size(); i++) {
            try {
                threads.get(i).join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = 0; i < loops.size(); i++) {
            if (i < threads.size() && threads.get(i).isAlive())  // still inside a wait: freeing under it would corrupt memory
                log.println("muxkit: " + name + "-loop-" + i + " did not stop within 10 s; its resources are left to the process's exit");
            else
                loops.get(i).release();
        }
    }
}
