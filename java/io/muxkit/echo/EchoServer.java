package io.muxkit.echo;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.muxkit.loop.Loops;
import io.muxkit.ring.RingFeatures;
import io.muxkit.mux.MuxStats;
import io.muxkit.tcp.ListenConfig;
import io.muxkit.tcp.ServerLoop;
import io.muxkit.tcp.TcpServer;

/** TCP echo (RFC 862) on a {@link TcpServer}: N loops, any backend. */
public final class EchoServer implements AutoCloseable {
    /** maxBufferedPerConnection: bytes waiting to be echoed to one peer before it is no longer read. */
    public record Config(ListenConfig listen, int maxBufferedPerConnection) {
        public static Config defaults(int port) {
            return new Config(ListenConfig.local(port), 256 * 1024);
        }
    }

    private final TcpServer server;
    private final List<EchoProtocol> protocols = new ArrayList<>();

    /** loops: opens each loop, on the chosen backend's multiplexer or a completion ring (perhaps traced). */
    public EchoServer(Config config, Loops loops, PrintStream log) throws IOException {
        server = new TcpServer("echo", config.listen(), loops, loop -> {
            EchoProtocol p = new EchoProtocol(loop, config.maxBufferedPerConnection(), config.listen().idleTimeoutMillis() > 0);
            protocols.add(p);
            return p;
        }, log);
    }

    public int port() {
        return server.port();
    }

    public EchoServer start() {
        server.start();
        return this;
    }

    /** Counters summed over the loops (read while they run: a snapshot, not exact). */
    public EchoStats stats() {
        EchoStats sum = EchoStats.ZERO;
        List<ServerLoop> loops = server.loops();
        for (int i = 0; i < loops.size(); i++) {
            ServerLoop.Counts l = loops.get(i).counts();
            EchoProtocol p = protocols.get(i);
            MuxStats m = loops.get(i).loop().stats();
            sum = sum.plus(new EchoStats(l.open(), l.accepted(), l.refusedFdLimit(), l.refusedMaxConn(), l.shedNoFd(),
                    l.idleClosed(), p.reads, p.bytes, m.waits(), m.events() + loops.get(i).loop().completionsHandled(), m.syscalls() + l.ioCalls(),
                    m.blockedNanos(), p.mostBuffered, p.buffersInUse(), p.recvsOutOfBuffers()));
        }
        return sum;
    }

    /** How the kernel set up the first loop's completion ring (once it has waited), or null on readiness. */
    public RingFeatures ringFeatures() {
        return server.ringFeatures();
    }

    /** What to do when an event loop dies (the server has then stopped, listeners closed); see {@link TcpServer}. */
    public void whenLoopDies(Consumer<Throwable> action) {
        server.whenLoopDies(action);
    }

    @Override
    public void close() {
        server.close();
    }
}
