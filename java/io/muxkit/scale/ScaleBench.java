package io.muxkit.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.ffi.Rlimits;
import io.muxkit.mux.Backend;
import io.muxkit.mux.FdLimitException;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.probe.SystemLimits;

/**
 * libevent's test/bench.c on a Multiplexer: N descriptors registered for READ, A of them active;
 * each iteration writes a byte to A of them spread evenly, and every read forwards a byte to the
 * next descriptor until W writes have been made. Waits use timeout 0 (EVLOOP_NONBLOCK).
 * Descriptors are socketpairs, or eventfds (one fd each) when 2N fds would not fit the limit.
 *
 * <p>With churn, every event also changes the descriptor's interest, as a server does around a
 * partial write: a read makes it READ|WRITE, the WRITE event that follows makes it READ again.
 * epoll pays an epoll_ctl per change; uring queues the change for its next wait.
 */
public final class ScaleBench {
    private static final int FD_HEADROOM = 64;

    private ScaleBench() {}

    /**
     * The descriptor kind for a run whose largest size is n: "socketpair" if n of them fit under the
     * soft limit with what is open, else "eventfd" (one fd each). One kind for every size of a run,
     * so the curve measures the backend, not a change of descriptor.
     */
    public static String fdKind(int n) {
        return 2L * n <= freeFds() ? "socketpair" : "eventfd";
    }

    /** Null if n descriptors of this kind fit, else why not. */
    static String wontFit(int n, String kind) {
        long need = kind.equals("socketpair") ? 2L * n : n;
        return need <= freeFds() ? null
                : "needs " + need + " fds (" + kind + "s); RLIMIT_NOFILE soft is " + Rlimits.nofile().soft();
    }

    private static long freeFds() {
        return SystemLimits.freeFds(FD_HEADROOM);
    }

    public static String name(Backend backend, FdSetMode mode) {
        return backend.usesFdSet() && mode == FdSetMode.DYNAMIC ? backend.id() + "-dynamic" : backend.id();
    }

    /** One cell: a backend at size n, its interest changed at every event when churn is set. */
    public static ScaleRow run(Backend backend, FdSetMode mode, String kind, int n, int active, int writes, int iterations,
                               boolean churn) throws IOException {
        String name = name(backend, mode);
        String why = wontFit(n, kind);
        if (why != null) return ScaleRow.unsupported(name, n, active, why);
        boolean eventfds = kind.equals("eventfd");
        int[] rd = new int[n], wr = new int[n];
        Arrays.fill(rd, -1);
        Arrays.fill(wr, -1);
        try (Multiplexer mux = Multiplexer.open(backend, mode)) {
            int maxFd = 0;
            for (int i = 0; i < n; i++) {
                if (eventfds) {
                    rd[i] = wr[i] = Fds.eventfd(0);
                } else {
                    int[] sv = Fds.socketPair();
                    rd[i] = sv[0];
                    wr[i] = sv[1];
                }
                maxFd = Math.max(maxFd, Math.max(rd[i], wr[i]));
            }
            int[] indexOf = new int[maxFd + 1];
            for (int i = 0; i < n; i++) {
                indexOf[rd[i]] = i;
                try {
                    mux.register(rd[i], Multiplexer.READ);
                } catch (FdLimitException e) {
                    return ScaleRow.unsupported(name, n, active, e.getMessage());
                }
            }
            return measure(name, mux, rd, wr, indexOf, eventfds, active, writes, iterations, churn);
        } finally {
            for (int i = 0; i < n; i++) {
                Fds.closeQuietly(rd[i]);
                if (wr[i] != rd[i]) Fds.closeQuietly(wr[i]);
            }
        }
    }

    private static ScaleRow measure(String name, Multiplexer mux, int[] rd, int[] wr, int[] indexOf, boolean eventfds,
                                    int active, int nwrites, int iterations, boolean churn) throws IOException {
        NativeBuffer one = NativeMemory.allocate(1), buf = NativeMemory.allocate(64);
        try {
            return measure(name, mux, rd, wr, indexOf, eventfds, active, nwrites, iterations, churn, one, buf);
        } finally {
            NativeMemory.free(one);
            NativeMemory.free(buf);
        }
    }

    private static ScaleRow measure(String name, Multiplexer mux, int[] rd, int[] wr, int[] indexOf, boolean eventfds,
                                    int active, int nwrites, int iterations, boolean churn, NativeBuffer one, NativeBuffer buf)
            throws IOException {
        int n = rd.length, space = n / active;
        one.putByte(0, (byte) 'e');
        long[] iterationNanos = new long[iterations];
        long[] waitNanos = new long[1 << 16];
        long waits = 0, events = 0, reads = 0, writes = 0, received = 0;
        long syscallsBefore = mux.stats().syscalls();
        for (int it = 0; it < iterations; it++) {
            long count = 0, fired = active, left = nwrites;
            long start = System.nanoTime();
            for (int i = 0; i < active; i++) {
                send(wr[i * space], eventfds, one);
                writes++;
            }
            while (count < fired) {
                long w0 = System.nanoTime();
                int ready = mux.select(0);
                if (waits < waitNanos.length) waitNanos[(int) waits] = System.nanoTime() - w0;
                waits++;
                events += ready;
                for (int j = 0; j < ready; j++) {
                    int i = indexOf[mux.readyFd(j)], ops = mux.readyOps(j);
                    if (churn) {  // a read starts a partial write (READ|WRITE); the WRITE event ends it
                        int want = (ops & Multiplexer.READ) != 0 ? Multiplexer.READ | Multiplexer.WRITE : Multiplexer.READ;
                        if (want != mux.interest(rd[i])) mux.modify(rd[i], want);
                        if ((ops & Multiplexer.READ) == 0) continue;
                    }
                    long got = receive(rd[i], eventfds, buf);
                    reads++;
                    count += got;
                    received += got;
                    for (long g = 0; g < got && left > 0; g++, left--, fired++) {
                        send(wr[(i + 1) % n], eventfds, one);
                        writes++;
                    }
                }
            }
            iterationNanos[it] = System.nanoTime() - start;
        }
        long syscalls = mux.stats().syscalls() - syscallsBefore + reads + writes;
        long[] measuredWaits = Arrays.copyOf(waitNanos, (int) Math.min(waits, waitNanos.length));
        return new ScaleRow(name, n, active, eventfds ? "eventfd" : "socketpair",
                percentile(iterationNanos, 0.5) / 1000, percentile(iterationNanos, 0.99) / 1000,
                percentile(measuredWaits, 0.5) / 1000, waits == 0 ? 0 : (double) events / waits,
                (double) syscalls / iterations, reads, writes, received, null);
    }

    private static void send(int fd, boolean eventfd, NativeBuffer one) throws IOException {
        if (eventfd) Fds.eventfdWrite(fd, 1);
        else if (Fds.write(fd, one, 1) != 1) throw new IOException("socketpair fd " + fd + " is full");
    }

    /** Bytes (or eventfd counts) read: every write is counted once. */
    private static long receive(int fd, boolean eventfd, NativeBuffer buf) throws IOException {
        if (eventfd) return Math.max(Fds.eventfdRead(fd), 0);
        int got = Fds.read(fd, buf, 64);
        return Math.max(got, 0);
    }

    static double percentile(long[] values, double p) {
        if (values.length == 0) return 0;
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(p * (sorted.length - 1))];
    }

    private static final Pattern FIELD = Pattern.compile("(\\w+)=([\\w.-]+)");

    /** The same experiment in C (native/bench/scale.c), with the same descriptor kind. */
    public static ScaleRow runC(Path exe, Backend backend, FdSetMode mode, String kind, int n, int active, int writes,
                                int iterations, boolean churn) throws IOException, InterruptedException {
        String name = "c-" + name(backend, mode);
        String why = wontFit(n, kind);
        if (why != null) return ScaleRow.unsupported(name, n, active, why);
        if (!Files.isExecutable(exe)) return ScaleRow.unsupported(name, n, active, exe + " is not built (mvn package builds it)");
        Process p = new ProcessBuilder(exe.toString(), backend.id(), String.valueOf(n), String.valueOf(active),
                String.valueOf(writes), String.valueOf(iterations), kind, mode.id(), churn ? "churn" : "steady")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        int exit = p.waitFor();
        if (exit == 3) return ScaleRow.unsupported(name, n, active, out);  // strict select past FD_SETSIZE, as libc
        if (exit != 0) return ScaleRow.unsupported(name, n, active, "the C run failed: " + out);
        Map<String, String> f = new java.util.HashMap<>();
        Matcher m = FIELD.matcher(out);
        while (m.find()) f.put(m.group(1), m.group(2));
        return new ScaleRow(name, n, active, kind, Double.parseDouble(f.get("iteration_us_median")),
                Double.parseDouble(f.get("iteration_us_p99")), Double.parseDouble(f.get("wait_us_median")),
                Double.parseDouble(f.get("events_per_wait")), Double.parseDouble(f.get("syscalls_per_iteration")),
                Long.parseLong(f.get("reads")), Long.parseLong(f.get("writes")), Long.parseLong(f.get("received")), null);
    }

    /** The C build next to this jar's source tree, or -Dmuxkit.scale.c=FILE. */
    public static Path cExecutable() {
        String override = System.getProperty("muxkit.scale.c");
        if (override != null) return Path.of(override);
        List<Path> candidates = new ArrayList<>(List.of(Path.of("target/native/muxkit-scale")));
        String home = System.getenv("MUXKIT_HOME");
        if (home != null) candidates.add(0, Path.of(home, "target/native/muxkit-scale"));
        for (Path p : candidates) if (Files.isExecutable(p)) return p;
        return candidates.get(0);
    }
}
