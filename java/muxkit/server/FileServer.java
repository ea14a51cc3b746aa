package muxkit.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import muxkit.http.RootDir;
import muxkit.mux.Multiplexer;

/** The HTTP/1.1 file server on a {@link TcpServer}: N loops, any backend, one root. */
public final class FileServer implements AutoCloseable {
    public record Config(String host, int port, int loops, int maxConnections, long idleTimeoutMillis, Path root,
                         boolean allowUpload, long maxUpload, boolean allowDotFiles) {}

    private final RootDir root;
    private final TcpServer server;
    private final List<FileProtocol> protocols = new ArrayList<>();

    public FileServer(Config config, Supplier<Multiplexer> multiplexers, PrintStream log) throws IOException {
        root = RootDir.open(config.root());
        try {
            server = new TcpServer("files", new TcpServer.Config(config.host(), config.port(), config.loops(),
                    config.maxConnections(), config.idleTimeoutMillis()), multiplexers, loop -> {
                        FileProtocol p = new FileProtocol(loop, root, config);
                        protocols.add(p);
                        return p;
                    }, log);
        } catch (IOException | RuntimeException e) {
            root.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public Path root() {
        return root.path();
    }

    public FileServer start() {
        server.start();
        return this;
    }

    /** Requests served so far, over all loops (a snapshot while running). */
    public long requests() {
        long n = 0;
        for (FileProtocol p : protocols) n += p.requests;
        return n;
    }

    /** Connections open now, over all loops (a snapshot while running). */
    public long openConnections() {
        long n = 0;
        for (ServerLoop loop : server.loops()) n += loop.open;
        return n;
    }

    @Override
    public void close() {
        server.close();
        root.close();
    }
}
