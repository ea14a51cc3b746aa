package muxkit.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of ours in a child JVM, optionally under a lowered RLIMIT_NOFILE (bash's
 * ulimit -n, with -XX:-MaxFDLimit so HotSpot keeps it), and collects its output.
 */
public final class ChildJvm {
    public record Result(int exit, String output) {}

    private ChildJvm() {}

    /** nofile: the soft and hard limit to run under, or null to inherit ours. */
    public static Result run(Integer nofile, String... javaArgs) throws IOException, InterruptedException {
        return run(Map.of(), nofile, javaArgs);
    }

    /** As {@link #run(Integer, String...)}, with extra environment variables (a null value removes one). */
    public static Result run(Map<String, String> env, Integer nofile, String... javaArgs)
            throws IOException, InterruptedException {
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.add("-XX:-MaxFDLimit");
        java.add("-Xshare:auto");
        java.add("-cp");
        java.add(System.getProperty("java.class.path"));
        java.addAll(Arrays.asList(javaArgs));
        List<String> command = new ArrayList<>();
        if (nofile != null) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + nofile + " && exec \"$@\"", "child"));
        }
        command.addAll(java);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        env.forEach((k, v) -> {
            if (v == null) builder.environment().remove(k);
            else builder.environment().put(k, v);
        });
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + command);
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** The libmuxkit.so CMake built for this test run. */
    public static Path builtLibrary() {
        return Path.of(System.getProperty("muxkit.test.libraryPath"));
    }
}
