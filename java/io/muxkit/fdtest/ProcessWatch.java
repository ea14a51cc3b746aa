package io.muxkit.fdtest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.muxkit.process.ProcFs;
import io.muxkit.process.ProcessGroup;

/**
 * Watches each process of the server's group on its own, since RLIMIT_NOFILE is a limit per
 * process (Apache's children each have theirs): every 20 ms which of its threads are runnable, every 100 ms
 * its open fds. mark() starts the window over the limit, over which CPU and runnable are figured.
 */
final class ProcessWatch extends Thread {
    /**
     * One process: the most fds it held, and over the window its CPU (share of a core) and how often
     * its most runnable thread was: a loop spins in one thread, while a JVM's compiler and GC threads
     * take turns, and would add up to a spin that is none.
     */
    record Figures(long pid, String name, long maxFds, double cpu, double runnable, String runnableThread) {}

    private static final long SAMPLE_MILLIS = 20;
    /**
     * HotSpot's own threads, not the server's: its JIT compiling the code a flood of connections just
     * ran, runnable for a second or more on a busy machine, is no spin (top -H names them so too).
     */
    private static final Pattern RUNTIME_THREAD = Pattern.compile("C1 CompilerThre|C2 CompilerThre|GC Thread|G1 |VM Thread");
    private static final int FDS_EVERY = 5;

    private static final class Process {
        String name = "?";
        long maxFds, fds, ticksAtMark = -1, ticks;
        final Map<Long, Integer> runnableByThread = new HashMap<>();

        final Map<Long, String> threadNames = new HashMap<>();

        int runnable() {
            int most = 0;
            for (int n : runnableByThread.values()) most = Math.max(most, n);
            return most;
        }

        String mostRunnableThread() {
            long tid = -1;
            int most = 0;
            for (Map.Entry<Long, Integer> e : runnableByThread.entrySet())
                if (e.getValue() > most) {
                    most = e.getValue();
                    tid = e.getKey();
                }
            return tid < 0 ? "" : threadNames.getOrDefault(tid, "?") + " (tid " + tid + ")";
        }
    }

    private final ProcessGroup group;
    private final Map<Long, Process> processes = new LinkedHashMap<>();
    private volatile boolean done;
    private long markNanos, endNanos;
    /** Samples taken over the window: the denominator of every process's runnable share, so a child born late in it, runnable while it starts, is no spin. */
    private int windowSamples;

    ProcessWatch(ProcessGroup group) {
        super("fdtest process watch");
        setDaemon(true);
        this.group = group;
    }

    @Override
    public void run() {
        for (int n = 0; !done; n++) {
            long start = System.nanoTime();
            sample(n % FDS_EVERY == 0);
            // a command with a thousand children makes a sample slow: rest as long as it took, so the
            // watch takes at most half a core from the server it judges (runnable while it waits for one)
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            try {
                Thread.sleep(Math.max(SAMPLE_MILLIS, tookMillis));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sample(boolean fds) {
        boolean inWindow = markNanos != 0 && endNanos == 0;
        if (inWindow) windowSamples++;
        for (long pid : group.members()) {
            Process p = processes.computeIfAbsent(pid, k -> new Process());
            try {
                if (p.name.equals("?")) p.name = ProcFs.name(pid);
                if (fds) {
                    p.fds = ProcFs.openFds(pid);
                    p.maxFds = Math.max(p.maxFds, p.fds);
                }
                if (inWindow) {
                    p.ticks = ProcFs.cpuTicks(pid);
                    if (p.ticksAtMark < 0) p.ticksAtMark = p.ticks;  // a process born in the window counts from its first sample
                    for (long tid : ProcFs.runnableThreads(pid)) {
                        String name = p.threadNames.computeIfAbsent(tid, t -> threadName(pid, t));
                        if (!RUNTIME_THREAD.matcher(name).lookingAt()) p.runnableByThread.merge(tid, 1, Integer::sum);
                    }
                }
            } catch (IOException gone) {
                p.fds = 0;  // it ended meanwhile
            }
        }
    }

    private static String threadName(long pid, long tid) {
        try {
            return ProcFs.threadName(pid, tid);
        } catch (IOException gone) {
            return "?";
        }
    }

    /** The open fds of the process that holds most, read now. */
    synchronized long fdsNow() {
        sample(true);
        long most = 0;
        for (Process p : processes.values()) most = Math.max(most, p.fds);
        return most;
    }

    /** The most fds any one process held so far. */
    synchronized long maxFds() {
        long most = 0;
        for (Process p : processes.values()) most = Math.max(most, p.maxFds);
        return most;
    }

    /** Starts the window over the limit. */
    synchronized void mark() {
        markNanos = System.nanoTime();
        windowSamples = 0;
        for (Process p : processes.values()) {
            p.ticksAtMark = -1;
            p.runnableByThread.clear();
        }
        sample(true);
    }

    /** Ends the window. */
    synchronized void endWindow() {
        sample(true);
        endNanos = System.nanoTime();
    }

    /** Stops watching; each process's figures, the busiest (most CPU over the window, then most fds) first. */
    List<Figures> finish() throws InterruptedException {
        done = true;
        join();
        synchronized (this) {
            double window = Math.max(1e-3, ((endNanos == 0 ? System.nanoTime() : endNanos) - markNanos) / 1e9);
            List<Figures> figures = new ArrayList<>();
            processes.forEach((pid, p) -> figures.add(new Figures(pid, p.name, p.maxFds,
                    p.ticksAtMark < 0 ? 0 : (p.ticks - p.ticksAtMark) / 100.0 / window,
                    windowSamples == 0 ? 0 : (double) p.runnable() / windowSamples, p.mostRunnableThread())));
            figures.sort((a, b) -> a.cpu() != b.cpu() ? Double.compare(b.cpu(), a.cpu()) : Long.compare(b.maxFds(), a.maxFds()));
            return figures;
        }
    }
}
