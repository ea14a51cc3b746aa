package io.muxkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.muxkit.files.FileServer;
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
    MuxOptions mux;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "Directory to serve; nothing outside it is read or written.")
    Path root;

    @Mixin
    ListenOptions listen;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--allow-upload", description = "Accept PUT (otherwise 405).")
    boolean allowUpload;

    @Option(names = "--max-upload", paramLabel = "BYTES", defaultValue = "1073741824", description = "Largest PUT body (default: ${DEFAULT-VALUE}).")
    long maxUpload;

    @Option(names = "--allow-dotfiles", description = "Serve names that start with a dot.")
    boolean allowDotFiles;

    @Option(names = "--idle-timeout", paramLabel = "SECS", defaultValue = "15",
            description = "Close peers that neither send nor take a byte for this long, and answer 408 to a request head still arriving after it (default: ${DEFAULT-VALUE}).")
    double idleTimeout;

    @Override
    public Integer call() throws Exception {
        long idleMillis = Checks.seconds("--idle-timeout", idleTimeout, false, Checks.MAX_SECONDS);
        ListenConfig listenConfig = listen.config(port, idleMillis, FDS_PER_CONNECTION);
        Checks.range("--max-upload", maxUpload, 0, 1L << 50);
        if (!Files.isDirectory(root)) throw new UsageException("--root " + root + ": not a directory");
        var choice = mux.choice();
        FileServer.Config config = new FileServer.Config(listenConfig, root, allowUpload, maxUpload, allowDotFiles);
        StopSignal stop = new StopSignal();
        try (FileServer server = new FileServer(config, mux.factory(), System.err)) {
            server.whenLoopDies(stop::failed);
            server.start();
            System.out.println("listening on " + listen.host + ":" + server.port() + " backend=" + choice.backend().id()
                    + " root=" + server.root());
            System.out.flush();
            stop.await();
            System.out.println("stopping after " + server.requests() + " requests");
        }
        return stop.exitStatus();
    }
}
