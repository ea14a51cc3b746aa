package io.muxkit.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What /proc says of a process, read from outside it. Each call throws IOException once the process is gone. */
public final class ProcFs {
    private ProcFs() {}

    /** Its open fds (the entries of /proc/PID/fd). */
    public static long openFds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.count();
        }
    }

    /** Its name (comm): "nginx", "apache2", "python3". */
    public static String name(long pid) throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).trim();
    }

    /** A thread's name (its comm): "C2 CompilerThre", "main". */
    public static String threadName(long pid, long tid) throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(pid), "task", String.valueOf(tid), "comm")).trim();
    }

    /** user + system CPU ticks (1/100 s on Linux) of all its threads. */
    public static long cpuTicks(long pid) throws IOException {
        String[] f = statFields(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        try {
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);  // utime, stime (fields 14 and 15)
        } catch (RuntimeException e) {
            throw new IOException("unreadable /proc/" + pid + "/stat", e);
        }
    }

    /** Its threads that are running or waiting for a CPU (state R): a spinning loop's thread almost always is, even on a busy machine. */
    public static List<Long> runnableThreads(long pid) throws IOException {
        List<Long> runnable = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (statFields(Files.readString(task.resolve("stat")))[0].equals("R"))
                        runnable.add(Long.parseLong(task.getFileName().toString()));
                } catch (IOException threadGone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return runnable;
    }

    /** The fields of a stat line after "pid (comm) ": state first (the name may hold spaces and parentheses). */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}
