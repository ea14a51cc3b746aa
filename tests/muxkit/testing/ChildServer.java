package muxkit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A muxkit command (a server) in a child JVM, its output going to a file that is read while it runs. */
public record ChildServer(Process process, Path output) {
    /** nofile: run under this soft and hard fd limit (ulimit -n, and -XX:-MaxFDLimit), or null. */
    public static ChildServer start(Integer nofile, String... muxkitArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        if (nofile != null) cmd.addAll(List.of("bash", "-c", "ulimit -n " + nofile + " && exec \"$@\"", "child"));
        cmd.addAll(List.of(java, "-XX:-MaxFDLimit", "-cp", System.getProperty("java.class.path"), "muxkit.cli.Main"));
        cmd.addAll(List.of(muxkitArgs));
        Path output = Files.createTempFile("muxkit-child", ".log");
        output.toFile().deleteOnExit();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new ChildServer(p, output);
    }

    public List<String> lines() throws IOException {
        return Files.readAllLines(output);
    }

    /** Waits (30 s at most) until a line of the output contains text; returns that line. */
    public String waitForLine(String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean ended = !process.isAlive();  // read once more after it ended: the last lines may be new
            for (String line : lines()) if (line.contains(text)) return line;
            if (System.nanoTime() > deadline || ended)
                throw new AssertionError("no line with '" + text + "' in:\n" + String.join("\n", lines()));
            Thread.sleep(20);
        }
    }

    /** The port of the "listening on HOST:PORT ..." line. */
    public int port() throws IOException, InterruptedException {
        return Integer.parseInt(waitForLine("listening on").replaceAll(".*:(\\d+) .*", "$1"));
    }

    /** SIGTERM, then SIGKILL if it has not ended within 30 s. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
        process.destroyForcibly();
    }
}
