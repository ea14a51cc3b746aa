package io.muxkit.files;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.muxkit.ffi.Rlimits;
import io.muxkit.loop.Loops;
import io.muxkit.ring.RingFeatures;
import io.muxkit.tcp.ListenConfig;
import io.muxkit.tcp.ServerLoop;
import io.muxkit.tcp.TcpServer;

/** The HTTP/1.1 file server on a {@link TcpServer}: N loops, any backend, one root. */
public final class FileServer implements AutoCloseable {
    /**
     * @param allowUpload   accept PUT (otherwise 405)
     * @param maxUpload     the largest PUT body, in bytes (413 past it)
     * @param allowDotFiles serve names that start with a dot (otherwise 404)
     * @param cache         the file cache's limits, or null for none (every request opens, stats and closes its file)
     * @param index         the names a directory's URL serves, the first that is a file, as nginx's index directive
     *                      tries them; the listing only when none is there; empty: always the listing
     */
    public record Config(ListenConfig listen, Path root, boolean allowUpload, long maxUpload, boolean allowDotFiles,
                         Cache cache, List<String> index) {
        public static final List<String> DEFAULT_INDEX = List.of("index.html");

        public Config {
            index = List.copyOf(index);
            for (String name : index)
                if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals(".."))
                    throw new IllegalArgumentException("an index is a file name: '" + name + "'");
        }

        /** With index.html as the index. */
        public Config(ListenConfig listen, Path root, boolean allowUpload, long maxUpload, boolean allowDotFiles, Cache cache) {
            this(listen, root, allowUpload, maxUpload, allowDotFiles, cache, DEFAULT_INDEX);
        }

        /** With the file cache's default limits and index.html as the index. */
        public Config(ListenConfig listen, Path root, boolean allowUpload, long maxUpload, boolean allowDotFiles) {
            this(listen, root, allowUpload, maxUpload, allowDotFiles, Cache.defaults());
        }
    }

    /**
     * The file cache (one per loop, inotify on the loop's multiplexer): at most maxBytes of small
     * files and maxFds open files over all loops; an entry older than validMillis is checked with a
     * stat before it is served.
     */
    public record Cache(long maxBytes, int maxFds, long validMillis) {
        public static final long DEFAULT_BYTES = 64L << 20, DEFAULT_VALID_MILLIS = 1000;

        /** 64 MiB, a quarter of the soft fd limit, 1 s. */
        public static Cache defaults() {
            return new Cache(DEFAULT_BYTES, defaultFds(), DEFAULT_VALID_MILLIS);
        }

        /** A quarter of the soft fd limit: the rest is for connections. */
        public static int defaultFds() {
            return (int) Math.min(Integer.MAX_VALUE / 4, Rlimits.nofile().soft()) / 4;
        }

        FileCache.Limits perLoop(int loops) {
            return new FileCache.Limits(maxBytes / loops, maxFds / loops, validMillis);
        }
    }

    /** Worker threads for blocking file work, shared by the loops. */
    private static final int WORKERS = 2;

    private final RootDir root;
    private final Blocking blocking = new Blocking(WORKERS);
    private final TcpServer server;
    private final List<FileProtocol> protocols = new ArrayList<>();

    public FileServer(Config config, Loops loops, PrintStream log) throws IOException {
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
