package io.muxkit.files;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.muxkit.mux.Multiplexer;
import io.muxkit.tcp.ListenConfig;
import io.muxkit.tcp.ServerLoop;
import io.muxkit.tcp.TcpServer;

/** The HTTP/1.1 file server on a {@link TcpServer}: N loops, any backend, one root. */
public final class FileServer implements AutoCloseable {
    /**
     * @param allowUpload   accept PUT (otherwise 405)
     * @param maxUpload     the largest PUT body, in bytes (413 past it)
     * @param allowDotFiles serve names that start with a dot (otherwise 404)
     */
    public record Config(ListenConfig listen, Path root, boolean allowUpload, long maxUpload, boolean allowDotFiles) {}

    private final RootDir root;
    private final TcpServer server;
    private final List<FileProtocol> protocols = new ArrayList<>();

    public FileServer(Config config, Supplier<Multiplexer> multiplexers, PrintStream log) throws IOException {
        root = RootDir.open(config.root());
        try {
            server = new TcpServer("files", config.listen(), multiplexers, loop -> {
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

    /** Waits made so far, over all loops' multiplexers (a snapshot while running). */
    public long waits() {
        long n = 0;
        for (ServerLoop loop : server.loops()) n += loop.loop().stats().waits();
        return n;
    }

    /** Connections open now, over all loops (a snapshot while running). */
    public long openConnections() {
        long n = 0;
        for (ServerLoop loop : server.loops()) n += loop.counts().open();
        return n;
    }

    /** What to do when an event loop dies (the server has then stopped, listeners closed); see {@link TcpServer}. */
    public void whenLoopDies(Consumer<Throwable> action) {
        server.whenLoopDies(action);
    }

    @Override
    public void close() {
        server.close();
        root.close();
    }
}
