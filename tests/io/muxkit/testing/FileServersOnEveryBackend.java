package io.muxkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.muxkit.files.FileServer;
import io.muxkit.loop.Loops;
import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.process.ChildJvm;

/**
 * Child-JVM program: a file server on every backend, and on io_uring completions, in one process, for tests that need a process
 * of their own (MUXKIT_FAULTS, a locale, a heap limit) but not one per backend: one JVM start, not
 * five. The server on I (an {@link Io}) serves ROOT/I (its id) as {@code muxkit files} does by default
 * (the cache, a 15 s idle timeout), with uploads if asked; select's fd_set grows past FD_SETSIZE,
 * for floods. Prints {@code listening on 127.0.0.1:PORT io=I} for each, then serves until
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
        for (Io io : Io.values()) {
            Loops loops = io != Io.SELECT ? io.loops() : Loops.readiness(() -> {
                try {
                    return Multiplexer.open(Backend.SELECT, FdSetMode.DYNAMIC);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            FileServer server = FileServerFixture.serving(root(root, io)).uploads(allowUpload, 1L << 30).open(loops, System.err);
            server.whenLoopDies(cause -> {
                System.err.println("the file server on " + io + ": its event loop died: " + cause);
                System.exit(70);  // muxkit files' status for it (EX_SOFTWARE)
            });
            servers.add(server.start());
            System.out.println("listening on 127.0.0.1:" + server.port() + " io=" + io.id());
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);  // until ChildJvm.close's SIGTERM
    }

    /** Starts one (jvmFlags before the main class) serving root/B for every backend B, which it makes. */
    public static ChildJvm start(Map<String, String> env, List<String> jvmFlags, Path root, boolean allowUpload) throws IOException {
        for (Io io : Io.values()) Files.createDirectories(root(root, io));
        List<String> javaArgs = new ArrayList<>(jvmFlags);
        javaArgs.addAll(List.of(FileServersOnEveryBackend.class.getName(), root.toString()));
        if (allowUpload) javaArgs.add("--allow-upload");
        return ChildJvm.start(env, null, javaArgs);
    }

    /** What the server on io serves. */
    public static Path root(Path root, Io io) {
        return root.resolve(io.id());
    }

    /** The port of the server on io, waiting for its line. */
    public static int port(ChildJvm child, Io io) throws IOException, InterruptedException {
        return child.port(" io=" + io.id());  // (" io=poll" is not in " io=epoll")
    }
}
