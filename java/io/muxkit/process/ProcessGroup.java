package io.muxkit.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * A command started in a process group of its own (setsid) under a soft and hard RLIMIT_NOFILE,
 * its output in a file; its CPU time and open fds read from /proc across the whole group (a
 * launcher script and the server it starts count as one); stopped with SIGTERM to the group, then
 * SIGKILL after a grace period, including when this JVM is interrupted (a hook) or killed (the
 * command's parent-death signal; its own children are its business).
 */
public final class ProcessGroup implements AutoCloseable {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    private static final int SIGTERM = 15, SIGKILL = 9;

    private final Process process;
    private final Path output;
    private final Thread onExit = new Thread(this::stop, "stop process group");

    private ProcessGroup(Process process, Path output) {
        this.process = process;
        this.output = output;
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Starts command with both RLIMIT_NOFILE limits at nofile (bash's ulimit: soft first, then hard). */
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

    /** user + system CPU ticks (1/100 s on Linux) of the group's processes, all their threads. */
    public long cpuTicks() {
        long ticks = 0;
        for (long pid : members()) {
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);  // utime, stime (fields 14 and 15)
            } catch (IOException | RuntimeException gone) {
                // a member that ended meanwhile
            }
        }
        return ticks;
    }

    /** Whether a thread of the group is running or waiting for a CPU (state R): a spinning process almost always is, even on a busy machine. */
    public boolean runnable() {
        for (long pid : members()) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat = Files.readString(task.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) == 'R') return true;
                }
            } catch (IOException | RuntimeException gone) {
                // a member or thread that ended meanwhile
            }
        }
        return false;
    }

    /** Open fds of the group's processes. */
    public long openFds() {
        long fds = 0;
        for (long pid : members()) {
            try {
                fds += ProcFs.openFds(pid);
            } catch (IOException gone) {
                // a member that ended meanwhile
            }
        }
        return fds;
    }

    private List<Long> members() {
        List<Long> pids = new ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    /** SIGTERM to the group, SIGKILL after 5 s; the group is gone when this returns. */
    public void stop() {
        long pgid = process.pid();  // setsid made the child a group leader: its pid is the group's id
        POSIX.kill((int) -pgid, SIGTERM);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) POSIX.kill((int) -pgid, SIGKILL);
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            POSIX.kill((int) -pgid, SIGKILL);
            Thread.currentThread().interrupt();
        }
        POSIX.kill((int) -pgid, SIGKILL);  // whatever of the group outlived its leader
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
