package io.muxkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.muxkit.files.FileServer;
import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.process.ChildJvm;
import io.muxkit.tcp.ListenConfig;

/**
 * Child-JVM program: a file server on every backend in one process, for tests that need a process
 * of their own (MUXKIT_FAULTS, a locale, a heap limit) but not one per backend: one JVM start, not
 * four. The server on backend B serves ROOT/B (its id) as {@code muxkit files} does by default
 * (the cache, a 15 s idle timeout), with uploads if asked; select's fd_set grows past FD_SETSIZE,
 * for floods. Prints {@code listening on 127.0.0.1:PORT backend=B} for each, then serves until
 * stopped. A loop that dies ends the process with exit 70, saying why, as {@code muxkit files} does:
 * tests that check the process is alive check that its loops are.
 *
 * <pre>java io.muxkit.testing.FileServersOnEveryBackend ROOT [--allow-upload]</pre>
 */
public final class FileServersOnEveryBackend {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        boolean allowUpload = List.of(args).contains("--allow-upload");
        List<FileServer> servers = new ArrayList<>();
        for (Backend backend : Backend.values()) {
            FileServer.Config config = new FileServer.Config(ListenConfig.local(0).withIdleTimeout(15_000), root(root, backend),
                    allowUpload, 1L << 30, false, FileServer.Cache.defaults());
            FileServer server = new FileServer(config, () -> {
                try {
                    return Multiplexer.open(backend, FdSetMode.DYNAMIC);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, System.err);
            server.whenLoopDies(cause -> {
                System.err.println("the file server on " + backend.id() + ": its event loop died: " + cause);
                System.exit(70);  // muxkit files' status for it (EX_SOFTWARE)
            });
            servers.add(server.start());
            System.out.println("listening on 127.0.0.1:" + server.port() + " backend=" + backend.id());
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);  // until ChildJvm.close's SIGTERM
    }

    /** Starts one (jvmFlags before the main class) serving root/B for every backend B, which it makes. */
    public static ChildJvm start(Map<String, String> env, List<String> jvmFlags, Path root, boolean allowUpload) throws IOException {
        for (Backend backend : Backend.values()) Files.createDirectories(root(root, backend));
        List<String> javaArgs = new ArrayList<>(jvmFlags);
        javaArgs.addAll(List.of(FileServersOnEveryBackend.class.getName(), root.toString()));
        if (allowUpload) javaArgs.add("--allow-upload");
        return ChildJvm.start(env, null, javaArgs);
    }

    /** What the server on backend serves. */
    public static Path root(Path root, Backend backend) {
        return root.resolve(backend.id());
    }

    /** The port of the server on backend, waiting for its line. */
    public static int port(ChildJvm child, Backend backend) throws IOException, InterruptedException {
        return child.port(" backend=" + backend.id());  // (" backend=poll" is not in " backend=epoll")
    }
}
