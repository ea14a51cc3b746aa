package muxkit.server;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import muxkit.mux.Multiplexer;
import muxkit.mux.MuxStats;

/** TCP echo (RFC 862) on a {@link TcpServer}: N loops, any backend. */
public final class EchoServer implements AutoCloseable {
    public record Config(String host, int port, int loops, int maxConnections, long idleTimeoutMillis,
                         int maxBufferedPerConnection) {
        public static Config defaults(int port) {
            return new Config("127.0.0.1", port, 1, Integer.MAX_VALUE, 0, 256 * 1024);
        }
    }

    private final TcpServer server;
    private final List<EchoProtocol> protocols = new ArrayList<>();

    /** multiplexers: called once per loop (the CLI passes the chosen backend, perhaps traced). */
    public EchoServer(Config config, Supplier<Multiplexer> multiplexers, PrintStream log) throws IOException {
        TcpServer.Config tcp = new TcpServer.Config(config.host(), config.port(), config.loops(),
                config.maxConnections(), config.idleTimeoutMillis());
        server = new TcpServer("echo", tcp, multiplexers, loop -> {
            EchoProtocol p = new EchoProtocol(loop, config.maxBufferedPerConnection(), config.idleTimeoutMillis() > 0);
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
            ServerLoop l = loops.get(i);
            EchoProtocol p = protocols.get(i);
            MuxStats m = l.loop().stats();
            sum = sum.plus(new EchoStats(l.open, l.accepted, l.refusedFdLimit, l.refusedMaxConn, l.shedNoFd,
                    l.idleClosed, p.reads, p.bytes, m.waits(), m.events(), m.syscalls() + l.ioCalls,
                    m.blockedNanos(), p.mostBuffered));
        }
        return sum;
    }

    /** Stops accepting, closes every connection, waits for the loops to end. */
    @Override
    public void close() {
        server.close();
    }
}
