package io.muxkit.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import io.muxkit.files.FileServer;
import io.muxkit.files.FileServerConfig;
import io.muxkit.loop.Loops;
import io.muxkit.tcp.ListenConfig;

/**
 * A file server for a test, on 127.0.0.1 and a port of the kernel's choosing: the one place the
 * tests build a {@link FileServerConfig}, so each says only how its server differs from
 * {@link #serving}'s (a 15 s idle timeout, no uploads, uploads up to 1 MiB, no dot files, the
 * default cache, index.html). Close the server {@link #start} returns.
 */
public record FileServerFixture(ListenConfig listen, Path root, boolean allowUpload, long maxUpload, boolean allowDotFiles,
                                FileServerConfig.Cache cache, List<String> index) {
    /** What {@code muxkit files} tries for a directory by default. */
    public static final List<String> DEFAULT_INDEX = FileServerConfig.DEFAULT_INDEX;

    /** root, with the defaults above. */
    public static FileServerFixture serving(Path root) {
        return new FileServerFixture(ListenConfig.local(0).withIdleTimeout(15_000), root, false, 1 << 20, false,
                FileServerConfig.Cache.defaults(), DEFAULT_INDEX);
    }

    /** Idle connections closed after millis; 0: never. */
    public FileServerFixture idleTimeout(long millis) {
        return new FileServerFixture(listen.withIdleTimeout(millis), root, allowUpload, maxUpload, allowDotFiles, cache, index);
    }

    /** PUT accepted (when allowUpload), bodies up to maxUpload bytes. */
    public FileServerFixture uploads(boolean allowUpload, long maxUpload) {
        return new FileServerFixture(listen, root, allowUpload, maxUpload, allowDotFiles, cache, index);
    }

    public FileServerFixture dotFiles(boolean allowDotFiles) {
        return new FileServerFixture(listen, root, allowUpload, maxUpload, allowDotFiles, cache, index);
    }

    /** The file cache's limits; null: no cache. */
    public FileServerFixture cache(FileServerConfig.Cache cache) {
        return new FileServerFixture(listen, root, allowUpload, maxUpload, allowDotFiles, cache, index);
    }

    public FileServerFixture index(List<String> index) {
        return new FileServerFixture(listen, root, allowUpload, maxUpload, allowDotFiles, cache, index);
    }

    public FileServerConfig config() {
        return new FileServerConfig(listen, root, allowUpload, maxUpload, allowDotFiles, cache, index);
    }

    /** The server on loops, logging to log, not started yet (to hook it first). */
    public FileServer open(Loops loops, PrintStream log) throws IOException {
        return new FileServer(config(), loops, log);
    }

    /** The server on loops, logging to log, started. */
    public FileServer start(Loops loops, PrintStream log) throws IOException {
        return open(loops, log).start();
    }

    /** The server on io's loops, as the CLI opens them, logging to stderr, started. */
    public FileServer start(Io io) throws IOException {
        return start(io.loops(), System.err);
    }
}
