package io.muxkit.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;

/**
 * The echo and file servers, on each backend at once, each in a JVM of its own (-Xmx256m) with
 * faults injected, under honest, hostile and faulty traffic for N minutes. Every minute, a line
 * per server: what it served that minute, what failed by kind, its fds, its heap after a full GC,
 * its RSS.
 * It passes when no byte came back wrong, every server is alive, and fds and heap stayed flat.
 */
public final class Soak {
    /** The faults of a soak: EINTR, EAGAIN and short I/O often, resets and EMFILE now and then. */
    public static final String DEFAULT_FAULTS = "read:EINTR:0.01,read:EAGAIN:0.02,read:SHORT:0.05,write:SHORT:0.05,"
            + "send:SHORT:0.05,sendfile:SHORT:0.05,read:ECONNRESET:0.0002,accept4:EMFILE:0.001,openat2:EIO:0.001,fsync:EIO:0.005";

    /** One server under soak: its process, its traffic's tally, and what it held each minute. */
    private record Server(String name, ChildJvm process, Tally tally, List<ProcessStats> minutes, Map<String, Long> lastCounts) {}

    private Soak() {}

    /** Runs for `minutes` and returns true when it passed; lines go to out. */
    public static boolean run(List<Backend> backends, double minutes, String faults, long seed, PrintStream out)
            throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("muxkit-soak");
        byte[] data = new byte[2 << 20];
        new Random(seed).nextBytes(data);
        Map<String, String> env = Map.of("MUXKIT_FAULTS", faults, "MUXKIT_FAULTS_SEED", String.valueOf(seed));
        List<Server> servers = new ArrayList<>();
        List<Thread> traffic = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (minutes * 60e9);
        try {
            for (Backend b : backends) {
                Server echo = start("echo-" + b.id(), env, List.of("echo", "--port", "0", "--backend", b.id(),
                        "--idle-timeout", "30", "--select-fdset", "dynamic"));
                servers.add(echo);
                Path filesRoot = Files.createDirectory(root.resolve(b.id()));  // a root each: their uploads are their own
                Files.write(filesRoot.resolve("data.bin"), data);
                Server files = start("files-" + b.id(), env, List.of("files", "--root", filesRoot.toString(), "--port", "0",
                        "--allow-upload", "--idle-timeout", "5", "--backend", b.id(), "--select-fdset", "dynamic"));
                servers.add(files);
                int echoPort = echo.process().port(), filesPort = files.process().port();
                traffic.add(thread(() -> new EchoTraffic(echoPort, echo.tally(), seed).runUntil(deadline)));
                traffic.add(thread(() -> new FilesTraffic(filesPort, filesRoot, data, files.tally(), seed).runUntil(deadline)));
            }
            out.printf(Locale.ROOT, "soak: %d servers, %.1f minutes, faults %s (seed %d)%n", servers.size(), minutes, faults, seed);
            for (Thread t : traffic) t.start();
            for (int minute = 1; System.nanoTime() < deadline; minute++) {
                long next = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (System.nanoTime() < Math.min(next, deadline)) Thread.sleep(200);
                for (Server s : servers) report(minute, s, out);
            }
            for (Thread t : traffic) t.join(TimeUnit.MINUTES.toMillis(2));
            return verdict(servers, out);
        } finally {
            for (Thread t : traffic) t.interrupt();
            for (Server s : servers) s.process().close();
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Server start(String name, Map<String, String> env, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("-Xmx256m", "io.muxkit.cli.Main"));
        command.addAll(args);
        return new Server(name, ChildJvm.start(env, null, command), new Tally(), new ArrayList<>(), new LinkedHashMap<>());
    }

    private interface Work {
        void run() throws Exception;
    }

    private static Thread thread(Work work) {
        return new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                System.err.println("soak: traffic stopped: " + e);
            }
        }, "soak-traffic");
    }

    private static void report(int minute, Server s, PrintStream out) throws IOException, InterruptedException {
        Map<String, Long> counts = s.tally().snapshot();
        if (!s.process().process().isAlive()) {
            out.printf(Locale.ROOT, "%3d min  %-14s DEAD (exit %d)%n", minute, s.name(), s.process().process().exitValue());
            return;
        }
        ProcessStats st = ProcessStats.of(s.process().process().pid());
        s.minutes().add(st);
        Map<String, Long> others = new LinkedHashMap<>();  // this minute's, not since the start
        counts.forEach((k, v) -> others.put(k, v - s.lastCounts().getOrDefault(k, 0L)));
        s.lastCounts().putAll(counts);
        long requests = others.getOrDefault("requests", 0L);
        others.remove("requests");
        out.printf(Locale.ROOT, "%3d min  %-14s requests %10d  %s  fds %5d  heap after GC %7.1f MiB  RSS %6.1f MiB%n",
                minute, s.name(), requests, others, st.fds(), st.heapAfterGcKiB() / 1024.0, st.rssKiB() / 1024.0);
        out.flush();
    }

    /** Passed: no mismatch, every server alive, fds and heap after GC at the end within a little of the first minute's. */
    private static boolean verdict(List<Server> servers, PrintStream out) {
        boolean passed = true;
        for (Server s : servers) {
            List<ProcessStats> m = s.minutes();
            boolean alive = s.process().process().isAlive();
            long mismatches = s.tally().get("mismatch");
            String growth = m.size() < 2 ? "fewer than 2 minutes: flatness not judged"
                    : String.format(Locale.ROOT, "fds %d -> %d, heap after GC %.1f -> %.1f MiB", m.get(0).fds(),
                            m.get(m.size() - 1).fds(), m.get(0).heapAfterGcKiB() / 1024.0, m.get(m.size() - 1).heapAfterGcKiB() / 1024.0);
            // connections come and go with the traffic: a leak shows as growth past what one round holds
            boolean flat = m.size() < 2 || (m.get(m.size() - 1).fds() <= m.get(0).fds() + 100
                    && m.get(m.size() - 1).heapAfterGcKiB() <= m.get(0).heapAfterGcKiB() + 32 * 1024);
            boolean ok = alive && mismatches == 0 && flat;
            out.printf(Locale.ROOT, "soak: %-14s %s: %d mismatches, %s%s%n", s.name(), ok ? "passed" : "FAILED", mismatches,
                    growth, alive ? "" : ", the server died");
            passed &= ok;
        }
        return passed;
    }
}
