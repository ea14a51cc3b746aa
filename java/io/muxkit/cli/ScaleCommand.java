package io.muxkit.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.output.Json;
import io.muxkit.process.ChildJvm;
import io.muxkit.scale.ScaleBench;
import io.muxkit.scale.ScaleChart;
import io.muxkit.scale.ScaleRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "scale", mixinStandardHelpOptions = true, description = {
        "The classic select/poll/epoll scaling experiments on this machine.",
        "Default: libevent's bench.c: N descriptors registered, A active, each read forwards a byte until W writes.",
        "--tcp: the echo server with 100 active connections and K idle ones (Gammo et al., OLS 2004)." })
final class ScaleCommand implements Callable<Integer> {
    @Mixin
    BackendsOption backendsOption;

    @Option(names = "--fds", split = ",", defaultValue = "10,100,1000,10000", description = "Registered descriptors N (default: ${DEFAULT-VALUE}).")
    List<Integer> fds;

    @Option(names = "--active", split = ",", defaultValue = "1,100",
            description = "Active descriptors A (default: ${DEFAULT-VALUE}); with --tcp, the active connections (default 100).")
    List<Integer> active;

    @Spec
    CommandSpec spec;

    @Option(names = "--writes", defaultValue = "100", description = "Writes W per iteration (default: ${DEFAULT-VALUE}).")
    int writes;

    @Option(names = "--iterations", defaultValue = "50", description = "Iterations per cell (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--with-c", description = "Run the same experiment in C (native/bench/scale.c) beside each backend.")
    boolean withC;

    @Option(names = "--churn", description = "Change each descriptor's interest at every event (READ -> READ|WRITE -> READ, "
            + "as around a partial write): epoll pays an epoll_ctl per change, uring queues it for its next wait.")
    boolean churn;

    @Option(names = "--tcp", description = "Measure echo messages/s with idle TCP connections instead.")
    boolean tcp;

    @Option(names = "--idle", split = ",", defaultValue = "0,1000,10000", description = "With --tcp: idle connections K (default: ${DEFAULT-VALUE}).")
    List<Integer> idle;

    @Option(names = "--seconds", defaultValue = "5", description = "With --tcp: seconds of load per point (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Write a log-log chart.")
    Path chart;

    @Option(names = "--json", description = "Print the rows as a JSON list.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Backend> backends = backendsOption.backends();
        FdSetMode mode = backendsOption.fdSetMode();
        for (int n : fds) Checks.range("--fds", n, 1, 1_000_000);
        for (int a : active) Checks.range("--active", a, 1, 1_000_000);
        for (int k : idle) Checks.range("--idle", k, 0, 100_000);
        Checks.range("--writes", writes, 0, 10_000_000);
        Checks.range("--iterations", iterations, 1, 100_000);
        Checks.seconds("--seconds", seconds, false, 600);
        if (churn && tcp) throw new UsageException("--churn changes the descriptor experiment's interest; it does not apply to --tcp");
        return tcp ? tcp(backends, mode) : pipes(backends, mode);
    }

    private int pipes(List<Backend> backends, FdSetMode mode) throws Exception {
        List<ScaleRow> rows = new ArrayList<>();
        String kind = ScaleBench.fdKind(fds.stream().mapToInt(Integer::intValue).max().orElse(1));
        for (Backend b : backends) {
            for (int a : active) {
                for (int n : fds) {
                    rows.add(a > n ? ScaleRow.unsupported(ScaleBench.name(b, mode), n, a, "more active (" + a + ") than descriptors")
                            : ScaleBench.run(b, mode, kind, n, a, writes, iterations, churn));
                    progress(rows.get(rows.size() - 1));
                    if (withC) {
                        rows.add(a > n ? ScaleRow.unsupported("c-" + ScaleBench.name(b, mode), n, a, "more active than descriptors")
                                : ScaleBench.runC(ScaleBench.cExecutable(), b, mode, kind, n, a, writes, iterations, churn));
                        progress(rows.get(rows.size() - 1));
                    }
                }
            }
        }
        if (json) {
            List<Object> out = new ArrayList<>();
            for (ScaleRow r : rows) out.add(r.toJson());
            System.out.println(Json.write(out));
        } else {
            System.out.printf(Locale.ROOT, "%-17s %6s %6s %-10s %12s %12s %10s %11s %13s%n", "backend", "fds", "active", "kind",
                    "iter us p50", "iter us p99", "wait us", "events/wait", "syscalls/iter");
            for (ScaleRow r : rows) {
                if (!r.ran()) System.out.printf(Locale.ROOT, "%-17s %6d %6d unsupported: %s%n", r.backend(), r.fds(), r.active(), r.unsupported());
                else System.out.printf(Locale.ROOT, "%-17s %6d %6d %-10s %12.1f %12.1f %10.1f %11.2f %13.1f%n", r.backend(), r.fds(),
                        r.active(), r.fdKind(), r.iterationUsMedian(), r.iterationUsP99(), r.waitUsMedian(),
                        r.eventsPerWait(), r.syscallsPerIteration());
            }
        }
        if (chart != null) {
            ScaleChart.iterations(rows, "Time per iteration (A active, " + writes + " forwarded writes, " + kind + "s"
                    + (churn ? ", interest changed at every event" : "") + ") vs descriptors, "
                    + Runtime.getRuntime().availableProcessors() + " cores", chart);
            System.err.println("scale: chart written to " + chart);
        }
        return 0;
    }

    private int tcp(List<Backend> backends, FdSetMode mode) throws Exception {
        int conns = spec.commandLine().getParseResult().hasMatchedOption("--active") ? active.get(0) : 100;
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        // with the default strict fd_set, select refuses idle connections past FD_SETSIZE; --select-fdset dynamic holds them
        for (EchoRun run : EchoRun.of(backends, mode)) {
            String name = run.name();
            for (int k : idle) {
                LoadClient.Result r;
                try (ChildJvm server = ChildJvm.muxkit(null, run.echo());
                     EventLoop loop = new EventLoop(Multiplexer.open(Backend.best()))) {
                    r = new LoadClient(loop, new LoadClient.Config("127.0.0.1", server.port(), conns, 64, 1, seconds, k),
                            new PrintStream(OutputStream.nullOutputStream())).run();
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("backend", name);
                row.put("idle", k);
                row.put("idle_open", r.idleOpen());
                row.put("active", conns);
                row.put("messages_per_sec", r.messagesPerSecond());
                row.put("p99_us", r.latencyMicros().getValueAtPercentile(99));
                row.put("connect_failures", r.connectFailures());
                row.put("errors", r.errors() + r.mismatches());
                rows.add(row);
                points.computeIfAbsent(name, x -> new ArrayList<>()).add(new double[] { k, r.messagesPerSecond() });
                System.err.printf(Locale.ROOT, "scale: %s with %d idle: %.0f msgs/s%n", name, k, r.messagesPerSecond());
            }
        }
        if (json) {
            System.out.println(Json.write(rows));
        } else {
            System.out.printf(Locale.ROOT, "%-16s %7s %7s %12s %9s %9s%n", "backend", "idle", "active", "messages/s", "p99 us", "failures");
            for (Map<String, Object> r : rows)
                System.out.printf(Locale.ROOT, "%-16s %7d %7d %12.0f %9d %9d%n", r.get("backend"), r.get("idle"), r.get("active"),
                        r.get("messages_per_sec"), r.get("p99_us"), (long) r.get("connect_failures") + (long) r.get("errors"));
        }
        if (chart != null) {
            ScaleChart.idle(points, "Echo messages/s with " + conns + " active and K idle TCP connections, "
                    + Runtime.getRuntime().availableProcessors() + " cores", chart);
            System.err.println("scale: chart written to " + chart);
        }
        return 0;
    }

    private static void progress(ScaleRow r) {
        if (r.ran())
            System.err.printf(Locale.ROOT, "scale: %s fds=%d active=%d: %.1f us per iteration%n", r.backend(), r.fds(), r.active(), r.iterationUsMedian());
        else
            System.err.printf(Locale.ROOT, "scale: %s fds=%d active=%d: unsupported (%s)%n", r.backend(), r.fds(), r.active(), r.unsupported());
    }
}
