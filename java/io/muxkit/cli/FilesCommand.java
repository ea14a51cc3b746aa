package io.muxkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.muxkit.files.FileServer;
import io.muxkit.files.FileServerConfig;
import io.muxkit.loop.LoopMonitor;
import io.muxkit.tcp.ListenConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "files", mixinStandardHelpOptions = true,
        description = "HTTP/1.1 file server (GET, HEAD, Range, conditional requests, PUT with --allow-upload) on the chosen backend.")
final class FilesCommand implements Callable<Integer> {
    /** A connection holds its socket and a file being sent, or an upload's file and directory. */
    static final int FDS_PER_CONNECTION = 3;

    @Mixin
    LoopRunOptions run;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "Directory to serve; nothing outside it is read or written.")
    Path root;

    @Mixin
    ListenOptions listen = new ListenOptions(8080);

    @Option(names = "--allow-upload", description = "Accept PUT (otherwise 405).")
    boolean allowUpload;

    @Option(names = "--max-upload", paramLabel = "BYTES", defaultValue = "1073741824", description = "Largest PUT body (default: ${DEFAULT-VALUE}).")
    long maxUpload;

    @Option(names = "--allow-dotfiles", description = "Serve names that start with a dot.")
    boolean allowDotFiles;

    @Option(names = "--index", paramLabel = "NAME[,NAME...]", defaultValue = "index.html",
            description = "What a directory's URL serves: the first of these files it holds, as nginx's index directive;"
                    + " the listing when it holds none. --index '' always lists (default: ${DEFAULT-VALUE}).")
    String index;

    @Option(names = "--no-cache", description = "Serve without the file cache: every request opens, stats and closes its file.")
    boolean noCache;

    @Option(names = "--cache-bytes", paramLabel = "BYTES", defaultValue = "" + FileServerConfig.Cache.DEFAULT_BYTES,
            description = "Memory for small files (up to 64 KiB) kept with their response heads (default: ${DEFAULT-VALUE}).")
    long cacheBytes;

    @Option(names = "--cache-fds", paramLabel = "N", defaultValue = "-1",
            description = "Open files the cache keeps (default: a quarter of the soft fd limit: ${sys:muxkit.cachefds} here).")
    int cacheFds;

    @Option(names = "--cache-valid", paramLabel = "SECS", defaultValue = "1",
            description = "A cache entry older than this is checked with a stat before it is served, for writes inotify"
                    + " cannot see (mmap, network file systems) (default: ${DEFAULT-VALUE}).")
    double cacheValid;

    @Option(names = "--stats", description = "Print a line of counters every second: requests, connections, cache hits, misses, invalidations, entries, bytes and watched directories.")
    boolean stats;

    @Option(names = "--idle-timeout", paramLabel = "SECS", defaultValue = "15",
            description = "Close peers that neither send nor take a byte for this long, and answer 408 to a request head still arriving after it (default: ${DEFAULT-VALUE}).")
    double idleTimeout;

    /**
     * An explicit --cache-fds the fd limit cannot hold is refused, not clamped: the operator asked
     * for that many files kept open and should learn at once that this limit cannot give them. The
     * most is what the soft limit leaves after the reserved fds and every connection's fds (with
     * --max-conn), or half of what it leaves after the reserved fds (without it, the other half
     * goes to connections).
     */
    private int checkCacheFds() {
        Checks.range("--cache-fds", cacheFds, 0, 10_000_000);
        long free = ListenOptions.softLimit() - ListenOptions.RESERVED_FDS;
        long most = Math.max(0, listen.maxConn > 0 ? free - (long) FDS_PER_CONNECTION * listen.maxConn : free / 2);
        if (cacheFds > most)
            throw new UsageException("--cache-fds " + cacheFds + " is more than the fd limit can hold: at most " + most
                    + " here (soft RLIMIT_NOFILE " + ListenOptions.softLimit() + ", less " + ListenOptions.RESERVED_FDS
                    + " reserved, " + (listen.maxConn > 0 ? "less " + FDS_PER_CONNECTION + " for each of --max-conn " + listen.maxConn
                    : "half of the rest kept for connections") + ")");
        return cacheFds;
    }

    @Override
    public Integer call() throws Exception {
        MuxOptions mux = run.mux();
        long idleMillis = Checks.seconds("--idle-timeout", idleTimeout, false, Checks.MAX_SECONDS);
        int fds = cacheFds == -1 ? FileServerConfig.Cache.defaultFds() : checkCacheFds();
        FileServerConfig.Cache cache = noCache ? null
                : new FileServerConfig.Cache(Checks.range("--cache-bytes", cacheBytes, 0, 1L << 40), fds,
                        Checks.seconds("--cache-valid", cacheValid, true, Checks.MAX_SECONDS));
        ListenConfig listenConfig = listen.config(idleMillis, FDS_PER_CONNECTION, cache == null ? 0 : fds);
        Checks.range("--max-upload", maxUpload, 0, 1L << 50);
        if (!Files.isDirectory(root)) throw new UsageException("--root " + root + ": not a directory");
        var choice = mux.choice();
        List<String> indexNames = index.isEmpty() ? List.of() : List.of(index.split(",", -1));
        for (String name : indexNames)
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals(".."))
                throw new UsageException("--index " + index + ": a list of file names, such as index.html,index.htm");
        FileServerConfig config = new FileServerConfig(listenConfig, root, allowUpload, maxUpload, allowDotFiles, cache, indexNames);
        LoopMonitor monitor = run.monitor("files", listen.loops);
        StopSignal stop = new StopSignal();
        try (FileServer server = new FileServer(config, mux.loops(listenConfig.maxConnections() / listenConfig.loops()), System.err)) {
            server.whenLoopDies(stop::failed);
            // before any peer can take the last fd: a class loaded later needs one to open its class file
            long lastRequests = 0;
            FileServer.CacheStats last = server.cacheStats();
            server.start();
            System.out.println("listening on " + listen.address.host + ":" + server.port() + " backend=" + choice.backend().id()
                    + mux.ioSuffix() + " root=" + server.root());
            System.out.flush();
            long lastSyscalls = server.syscalls();
            while (!stop.await(stats ? 1000 : 60_000)) {
                if (!stats) continue;
                run.sayRing(server.ringFeatures());
                long requests = server.requests(), syscalls = server.syscalls();
                FileServer.CacheStats now = server.cacheStats();
                System.out.printf(Locale.ROOT, "requests/s %d  syscalls/request %.2f  conns %d  cache hits %d  misses %d  invalidations %d  entries %d  bytes %d  watches %d  %s%n",
                        requests - lastRequests, requests == lastRequests ? 0.0 : (double) (syscalls - lastSyscalls) / (requests - lastRequests),
                        server.openConnections(), now.hits() - last.hits(), now.misses() - last.misses(),
                        now.invalidations() - last.invalidations(), now.entries(), now.bytes(), now.watches(), monitor.lagLine(true));
                lastRequests = requests;
                lastSyscalls = syscalls;
                last = now;
            }
            System.out.println("stopping after " + server.requests() + " requests");
        }
        System.out.println("lag: " + monitor.lagLine(false));
        run.writeTimeline();
        return stop.exitStatus();
    }
}
