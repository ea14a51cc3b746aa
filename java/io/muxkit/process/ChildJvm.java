package io.muxkit.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.muxkit.ffi.NativeAccess;

/**
 * A JVM running our classes in a child process, so that its fds are its own (a client in this
 * process would otherwise share FD_SETSIZE and the fd limit with it), optionally under a lowered
 * RLIMIT_NOFILE: bash's {@code ulimit -n N} sets the soft and hard limit, and -XX:-MaxFDLimit keeps
 * HotSpot from raising the soft one again. Its output goes to a file that is read while it runs.
 */
public final class ChildJvm implements AutoCloseable {
    /** The exit status and everything the child printed (stdout and stderr). */
    public record Result(int exit, String output) {}

    private static final long WAIT_SECONDS = 30;
    private final Process process;
    private final Path output;
    private final Thread onExit;

    private ChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
        // a child outlives nothing: if this JVM is stopped (Ctrl-C, SIGTERM) before close(), it is killed
        this.onExit = new Thread(process::destroyForcibly, "stop child JVM");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** {@code java -XX:-MaxFDLimit [this JVM's binding and its flags: NativeAccess] [-Dmuxkit.childJvmFlags] -cp <our classpath> javaArgs...}. */
    public static List<String> javaCommand(List<String> javaArgs) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-MaxFDLimit"));
        cmd.addAll(NativeAccess.jvmFlags());
        String extra = System.getProperty("muxkit.childJvmFlags", "").strip();  // the test suite's: cheaper starts
        if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        cmd.addAll(javaArgs);
        return cmd;
    }

    /** command run under a soft and hard RLIMIT_NOFILE of nofile, or as it is when nofile is null. */
    public static List<String> underFdLimit(Integer nofile, List<String> command) {
        if (nofile == null) return command;
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + nofile + " && exec \"$@\"", "child"));
        cmd.addAll(command);
        return cmd;
    }

    /** Starts java with javaArgs (a main class and its arguments); env values of null remove a variable. */
    public static ChildJvm start(Map<String, String> env, Integer nofile, List<String> javaArgs) throws IOException {
        Path output = Files.createTempFile("muxkit-child", ".log");
        ProcessBuilder builder = new ProcessBuilder(underFdLimit(nofile, javaCommand(javaArgs)))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        env.forEach((k, v) -> {
            if (v == null) builder.environment().remove(k);
            else builder.environment().put(k, v);
        });
        try {
            Process p = builder.start();
            p.getOutputStream().close();
            return new ChildJvm(p, output);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(output);
            throw e;
        }
    }

    /** Starts {@code muxkit args...} (the CLI's main class) in a child JVM. */
    public static ChildJvm muxkit(Integer nofile, String... args) throws IOException {
        List<String> javaArgs = new ArrayList<>(List.of("io.muxkit.cli.Main"));
        javaArgs.addAll(List.of(args));
        return start(Map.of(), nofile, javaArgs);
    }

    /** Runs java with javaArgs to its end (two minutes at most) and returns what it printed. */
    public static Result run(Map<String, String> env, Integer nofile, String... javaArgs)
            throws IOException, InterruptedException {
        try (ChildJvm child = start(env, nofile, List.of(javaArgs))) {
            if (!child.process.waitFor(120, TimeUnit.SECONDS))
                throw new IOException("the child JVM did not finish in 120 s: " + String.join(" ", javaArgs));
            return new Result(child.process.exitValue(), Files.readString(child.output, StandardCharsets.UTF_8));
        }
    }

    public static Result run(Integer nofile, String... javaArgs) throws IOException, InterruptedException {
        return run(Map.of(), nofile, javaArgs);
    }

    public Process process() {
        return process;
    }

    /** What it printed so far, line by line. */
    public List<String> lines() throws IOException {
        return Files.readAllLines(output, StandardCharsets.UTF_8);
    }

    /**
     * The first line printed so far that contains text, or null. A line still being written (no
     * newline yet: a long line reaches the file in pieces) is not matched while the child runs.
     */
    public String firstLine(String text) throws IOException {
        boolean running = process.isAlive();  // before the read: a child that ended after it may have left a line half read
        String out = Files.readString(output, StandardCharsets.UTF_8);
        int end = running ? out.lastIndexOf('\n') + 1 : out.length();
        for (String line : out.substring(0, end).split("\n")) if (line.contains(text)) return line;
        return null;
    }

    /** Waits (30 s at most, or until the child ends) for a line containing text and returns it. */
    public String waitForLine(String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            boolean ended = !process.isAlive();  // read once more after it ended: the last lines may be new
            String line = firstLine(text);
            if (line != null) return line;
            if (ended || System.nanoTime() > deadline)
                throw new IOException("the child printed no line containing '" + text + "' "
                        + (ended ? "before it ended" : "in " + WAIT_SECONDS + " s") + "; its output:\n" + String.join("\n", lines()));
            Thread.sleep(20);
        }
    }

    /** The port of its "listening on HOST:PORT ..." line, waiting for it. */
    public int port() throws IOException, InterruptedException {
        return port("listening on ");
    }

    /** The port of its first "... listening on HOST:PORT ..." line that contains text (one server of several), waiting for it. */
    public int port(String text) throws IOException, InterruptedException {
        String line = waitForLine(text);
        int at = line.indexOf("listening on ");
        if (at < 0) throw new IOException("no 'listening on HOST:PORT' in the line containing '" + text + "': " + line);
        String address = line.substring(at + 13).split(" ")[0];
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** SIGTERM, then SIGKILL if it has not ended within 30 s. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Stops it and deletes its output. */
    @Override
    public void close() throws IOException, InterruptedException {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        Files.deleteIfExists(output);
    }
}
