package io.muxkit.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.muxkit.ffi.Signals;

/**
 * A command started in a process group of its own (setsid) under a soft and hard RLIMIT_NOFILE,
 * its output in a file; its processes listed for /proc to be read one by one (the limit is each
 * process's own, so are its fds and CPU: see ProcFs); stopped with SIGTERM to the group, then
 * SIGKILL after a grace period, including when this JVM is interrupted (a hook) or killed (the
 * command's parent-death signal; its own children are its business).
 */
public final class ProcessGroup implements AutoCloseable {
    private static final int SIGTERM = 15, SIGKILL = 9;

    private final Process process;
    private final Path output;
    private final Thread onExit = new Thread(this::stop, "stop process group");

    private ProcessGroup(Process process, Path output) {
        this.process = process;
        this.output = output;
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Starts command with both RLIMIT_NOFILE limits at nofile (bash's ulimit -n sets both). */
    public static ProcessGroup start(List<String> command, int nofile) throws IOException {
        // setpriv --pdeathsig: even a SIGKILL of this JVM, which runs no hook, takes the command with it
        List<String> argv = new ArrayList<>(List.of("setsid", "setpriv", "--pdeathsig", "KILL"));
        argv.addAll(ChildJvm.underFdLimit(nofile, command));
        Path output = Files.createTempFile("muxkit-fdtest", ".log");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new ProcessGroup(p, output);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** "exit 1", or "killed by signal 9" (a shell reports a signal as 128 + n). */
    public String exitText() {
        int code = process.exitValue();
        return code > 128 ? "killed by signal " + (code - 128) : "exit " + code;
    }

    /** The last lines of what it printed (stdout and stderr together). */
    public List<String> lastLines(int count) {
        try {
            List<String> lines = Files.readAllLines(output, java.nio.charset.StandardCharsets.ISO_8859_1);
            return lines.subList(Math.max(0, lines.size() - count), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The group's processes: the command, and what it started (an Apache's children). */
    public List<Long> members() {
        List<Long> pids = new ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    /** SIGTERM to the group, SIGKILL after 5 s; the group is gone when this returns. */
    public void stop() {
        long pgid = process.pid();  // setsid made the child a group leader: its pid is the group's id
        Signals.kill((int) -pgid, SIGTERM);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) Signals.kill((int) -pgid, SIGKILL);
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Signals.kill((int) -pgid, SIGKILL);
            Thread.currentThread().interrupt();
        }
        Signals.kill((int) -pgid, SIGKILL);  // whatever of the group outlived its leader
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
