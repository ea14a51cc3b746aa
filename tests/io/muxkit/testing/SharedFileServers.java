package io.muxkit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.muxkit.process.ChildJvm;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link FileServersOnEveryBackend} process shared by the tests of one class that need a process of
 * their own (a fault rule, a locale, a heap limit) but not a fresh one: started by the first test that
 * asks, serving a temp dir of its own, and stopped (the dir deleted) after the class. Declare it
 * {@code @RegisterExtension static final SharedFileServers name = new SharedFileServers(env, jvmFlags, allowUpload);}.
 */
public final class SharedFileServers implements AfterAllCallback {
    private final Map<String, String> env;
    private final List<String> jvmFlags;
    private final boolean allowUpload;
    private Path root;
    private ChildJvm child;

    public SharedFileServers(Map<String, String> env, List<String> jvmFlags, boolean allowUpload) {
        this.env = env;
        this.jvmFlags = jvmFlags;
        this.allowUpload = allowUpload;
    }

    /** The process, started on first use. */
    public synchronized ChildJvm child() throws IOException {
        if (child == null) {
            root = Files.createTempDirectory("muxkit-file-servers");
            child = FileServersOnEveryBackend.start(env, jvmFlags, root, allowUpload);
        }
        return child;
    }

    /** What the server on io serves (the process started if it was not). */
    public synchronized Path root(Io io) throws IOException {
        child();
        return FileServersOnEveryBackend.root(root, io);
    }

    /** The port of the server on io, waiting for its line. */
    public int port(Io io) throws IOException, InterruptedException {
        return FileServersOnEveryBackend.port(child(), io);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        if (child == null) return;
        child.close();
        child = null;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
