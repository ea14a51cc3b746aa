package io.muxkit.files;

import java.nio.file.Path;
import java.util.List;

import io.muxkit.ffi.Rlimits;
import io.muxkit.tcp.ListenConfig;

/**
 * What a {@link FileServer} serves and how; read by the parts it assembles (the protocol, GET, PUT),
 * so it stands on its own rather than inside the server.
 *
 * @param allowUpload   accept PUT (otherwise 405)
 * @param maxUpload     the largest PUT body, in bytes (413 past it)
 * @param allowDotFiles serve names that start with a dot (otherwise 404)
 * @param cache         the file cache's limits, or null for none (every request opens, stats and closes its file)
 * @param index         the names a directory's URL serves, the first that is a file, as nginx's index directive
 *                      tries them; the listing only when none is there; empty: always the listing
 */
public record FileServerConfig(ListenConfig listen, Path root, boolean allowUpload, long maxUpload, boolean allowDotFiles,
                               Cache cache, List<String> index) {
    public static final List<String> DEFAULT_INDEX = List.of("index.html");

    public FileServerConfig {
        index = List.copyOf(index);
        for (String name : index)
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals(".."))
                throw new IllegalArgumentException("an index is a file name: '" + name + "'");
    }

    /** With index.html as the index. */
    public FileServerConfig(ListenConfig listen, Path root, boolean allowUpload, long maxUpload, boolean allowDotFiles,
                            Cache cache) {
        this(listen, root, allowUpload, maxUpload, allowDotFiles, cache, DEFAULT_INDEX);
    }

    /** With the file cache's default limits and index.html as the index. */
    public FileServerConfig(ListenConfig listen, Path root, boolean allowUpload, long maxUpload, boolean allowDotFiles) {
        this(listen, root, allowUpload, maxUpload, allowDotFiles, Cache.defaults());
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
}
