package muxkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import muxkit.server.FileServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "files", mixinStandardHelpOptions = true,
        description = "HTTP/1.1 file server (GET, HEAD, Range, conditional requests, PUT with --allow-upload) on the chosen backend.")
final class FilesCommand implements Callable<Integer> {
    @Mixin
    MuxOptions mux;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "Directory to serve; nothing outside it is read or written.")
    Path root;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--loops", defaultValue = "1", description = "Event loops, each on its own thread and listener (SO_REUSEPORT).")
    int loops;

    @Option(names = "--max-conn", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE, description = "Refuse connections past N.")
    int maxConn;

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
        if (loops < 1 || maxConn < 1 || maxUpload < 0 || idleTimeout <= 0 || port < 0 || port > 65535)
            throw new UsageException("--loops and --max-conn must be positive, --max-upload >= 0, --idle-timeout > 0, --port 0..65535");
        if (!Files.isDirectory(root)) throw new UsageException("--root " + root + ": not a directory");
        var choice = mux.choice();
        FileServer.Config config = new FileServer.Config(host, port, loops, maxConn, (long) (idleTimeout * 1000),
                root, allowUpload, maxUpload, allowDotFiles);
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        try (FileServer server = new FileServer(config, mux.factory(), System.err).start()) {
            System.out.println("listening on " + host + ":" + server.port() + " backend=" + choice.backend().id()
                    + " root=" + server.root());
            System.out.flush();
            stop.await();
            System.out.println("stopping after " + server.requests() + " requests");
        }
        return 0;
    }
}
