package muxkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `muxkit echo` in a JVM of its own, so that its fds are its own (a client in this process would
 * otherwise share FD_SETSIZE and the fd limit with it). Its output goes to a temporary file.
 */
final class ChildEcho implements AutoCloseable {
    private final Process process;
    private final Path log;
    final int port;

    ChildEcho(String... echoArgs) throws IOException, InterruptedException {
        log = Files.createTempFile("muxkit-echo", ".log");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "echo", "--port", "0"));
        cmd.addAll(List.of(echoArgs));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        port = Integer.parseInt(waitFor("listening on").replaceAll(".*:(\\d+) .*", "$1"));
    }

    /** The first line of the server's output containing text, waiting up to 30 s for it. */
    String waitFor(String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && process.isAlive()) {
            String line = firstLine(text);
            if (line != null) return line;
            Thread.sleep(20);
        }
        String line = firstLine(text);
        if (line != null) return line;
        throw new IOException("the echo server did not say '" + text + "': " + String.join("\n", Files.readAllLines(log)));
    }

    /** The first line containing text, or null. */
    String firstLine(String text) throws IOException {
        for (String line : Files.readAllLines(log)) if (line.contains(text)) return line;
        return null;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        Files.deleteIfExists(log);
    }
}
