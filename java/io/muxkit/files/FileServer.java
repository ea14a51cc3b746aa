package io.muxkit.files;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.muxkit.loop.Loops;
import io.muxkit.ring.RingFeatures;
import io.muxkit.tcp.ServerLoop;
import io.muxkit.tcp.TcpServer;

/** The HTTP/1.1 file server on a {@link TcpServer}: N loops, any backend, one root. */
public final class FileServer implements AutoCloseable {
    /** Worker threads for blocking file work, shared by the loops. */
    private static final int WORKERS = 2;

    private final RootDir root;
    private final Blocking blocking = new Blocking(WORKERS);
    private final TcpServer server;
    private final List<FileProtocol> protocols = new ArrayList<>();

    public FileServer(FileServerConfig config, Loops loops, PrintStream log) throws IOException {
        root = RootDir.open(config.root());
        try {
            server = new TcpServer("files", config.listen(), loops, loop -> {
                        FileProtocol p = new FileProtocol(loop, blocking, root, config);
                        protocols.add(p);
                        return p;
                    }, log);
        } catch (IOException | RuntimeException e) {
            blocking.close();
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

    /** The file cache's counters over all loops (zeros without a cache). */
    public CacheStats cacheStats() {
        FileCache.Stats sum = new FileCache.Stats(0, 0, 0, 0, 0, 0);
        for (FileProtocol p : protocols) {
            FileCache.Stats s = p.cacheStats();
            if (s != null) sum = sum.plus(s);
        }
        return new CacheStats(sum.hits(), sum.misses(), sum.invalidations(), sum.entries(), sum.bytes(), sum.watches());
    }

    /**
     * What {@link #cacheStats()} reports: hits, misses and invalidations so far; the entries, the
     * bytes of small files and the directories watched now.
     */
    public record CacheStats(long hits, long misses, long invalidations, int entries, long bytes, int watches) {}

    /** Waits made so far, over all loops' multiplexers (a snapshot while running). */
    public long waits() {
        long n = 0;
        for (ServerLoop loop : server.loops()) n += loop.loop().stats().waits();
        return n;
    }

    /** Syscalls made so far, over all loops: the multiplexers' and the streams' own (a snapshot while running). */
    public long syscalls() {
        long n = 0;
        for (ServerLoop loop : server.loops()) n += loop.loop().stats().syscalls() + loop.counts().ioCalls();
        return n;
    }

    /** How the kernel set up the first loop's completion ring (once it has waited), or null on readiness. */
    public RingFeatures ringFeatures() {
        return server.ringFeatures();
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

    /** Lets the workers finish what they have (their outcomes reach the loops first), then stops the loops. */
    @Override
    public void close() {
        blocking.close();
        server.close();
        root.close();
    }
}
