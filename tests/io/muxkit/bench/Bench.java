package io.muxkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.muxkit.ffi.NativeAccess;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link WaitBenchmark} under JMH with the gc profiler, runs the same loop in C
 * (muxkit-waitloop, built by CMake) in a single-threaded process and in one with an idle thread
 * (as every JVM is: see waitloop.c for why that changes select and poll), and prints one Markdown
 * table with the ratio to the threaded C loop.
 *
 * <pre>mvn -q test-compile exec:exec@bench                     # full run, a few minutes
 * mvn -q test-compile exec:exec@bench -Dbench.quick=true  # shorter iterations
 * JAVA_HOME=/path/to/jdk-25 mvn -q test-compile exec:exec@bench -Dbench.only=ffi  # one crossing on jnr and on ffm
 * mvn -q test-compile exec:exec@bench -Dbench.only=timers  # how late 200 µs EventLoop timers fire, per backend
 * mvn -q test-compile exec:exec@bench -Dbench.backends=epoll,uring  # only these backends</pre>
 */
public final class Bench {
    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        boolean quick = Boolean.getBoolean("bench.quick");
        if ("timers".equals(System.getProperty("bench.only"))) {  // EventLoop timer lateness, no JMH
            TimerLateness.report(2000, 200, java.util.concurrent.TimeUnit.MICROSECONDS);
            return;
        }
        boolean onlyFfi = "ffi".equals(System.getProperty("bench.only"));
        Path waitloop = Path.of(System.getProperty("bench.waitloop", "target/native/muxkit-waitloop"));
        Collection<RunResult> results = onlyFfi ? List.of() : new Runner(options(quick)
                .include(WaitBenchmark.class.getSimpleName() + ".selectOneReady")
                .param("backend", System.getProperty("bench.backends", "select,poll,epoll,uring").split(",")).build()).run();
        // the crossing on each binding this JDK runs: jnr-ffi, and java.lang.foreign from JDK 22
        Map<String, Collection<RunResult>> bare = new LinkedHashMap<>();
        for (String binding : Runtime.version().feature() < 22 ? List.of("jnr") : List.of("jnr", "ffm"))
            bare.put(binding, new Runner(options(quick).jvmArgsAppend(bindingFlags(binding))
                    .include(FfiCallBenchmark.class.getSimpleName()).build()).run());
        // java.lang.foreign is final from JDK 22: the same crossing through it, for comparison
        Collection<RunResult> ffm = Runtime.version().feature() < 22 ? List.of() : new Runner(options(quick)
                .include(FfmCallBenchmark.class.getSimpleName()).build()).run();

        System.out.println();
        if (!results.isEmpty()) System.out.println("| backend | N | Java ns/select | C ns/call, 1 thread | C ns/call, with threads | Java / C with threads | bytes allocated per select |");
        if (!results.isEmpty()) System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (RunResult r : results) {
            String backend = r.getParams().getParam("backend");
            int n = Integer.parseInt(r.getParams().getParam("n"));
            double java = r.getPrimaryResult().getScore();
            double c = cLoop(waitloop, backend, n, java, false);
            double cThreaded = cLoop(waitloop, backend, n, java, true);
            System.out.printf("| %s | %d | %.0f | %.0f | %.0f | %.2f | %s |%n",
                    backend, n, java, c, cThreaded, java / cThreaded, alloc(r));
        }
        System.out.println();
        bare.forEach((binding, runs) -> {
            for (RunResult r : runs)
                System.out.printf("%s, %s binding: %.1f ns, %s bytes allocated (JDK %d, MUXKIT_FAULTS %s)%n",
                        switch (r.getPrimaryResult().getLabel()) {
                            case "ffiCall" -> "One FFI call into the shim, no syscall";
                            case "readArrayEagain" -> "One read(2) of an empty pipe into a Java array (EAGAIN)";
                            default -> "One read(2) of an empty pipe through the shim (EAGAIN)";
                        },
                        binding, r.getPrimaryResult().getScore(), alloc(r), Runtime.version().feature(),
                        System.getenv("MUXKIT_FAULTS") == null ? "unset" : System.getenv("MUXKIT_FAULTS"));
        });
        for (RunResult r : ffm)
            System.out.printf("The same call through a bare java.lang.foreign handle (%s): %.1f ns, %s bytes allocated%n",
                    r.getPrimaryResult().getLabel(), r.getPrimaryResult().getScore(), alloc(r));
    }

    private static OptionsBuilder options(boolean quick) {
        OptionsBuilder b = new OptionsBuilder();
        b.forks(1).warmupIterations(quick ? 2 : 3).measurementIterations(quick ? 3 : 5)
                .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend("-XX:+UseParallelGC")
                .jvmArgsAppend(NativeAccess.jvmFlags().toArray(String[]::new));
        String library = System.getProperty("muxkit.native.path");  // another build of the shim, for comparison
        if (library != null) b.jvmArgsAppend("-Dmuxkit.native.path=" + library);
        return b;
    }

    /** A fork on this binding: -Dmuxkit.binding (MUXKIT_BINDING, when set, would win), and Unsafe allowed for jnr. */
    private static String[] bindingFlags(String binding) {
        List<String> flags = new ArrayList<>(List.of("-Dmuxkit.binding=" + binding));
        if (binding.equals("jnr") && Runtime.version().feature() >= 23) flags.add("--sun-misc-unsafe-memory-access=allow");
        return flags.toArray(String[]::new);
    }

    private static String alloc(RunResult r) {
        Result norm = r.getSecondaryResults().get("·gc.alloc.rate.norm");
        if (norm == null) norm = r.getSecondaryResults().get("gc.alloc.rate.norm");
        return norm == null ? "?" : String.format("%.3f", norm.getScore());
    }

    /** ns per call of the C loop, iterations sized to take about a second. */
    private static double cLoop(Path waitloop, String backend, int n, double javaNs, boolean threaded)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(waitloop)) return Double.NaN;
        long iterations = Math.max(1000, (long) (2e9 / Math.max(javaNs, 1)));
        List<String> command = new ArrayList<>(List.of(waitloop.toString(), backend, String.valueOf(n), String.valueOf(iterations)));
        if (threaded) command.add("threaded");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) return Double.NaN;
        String[] f = out.split(" ");
        return Double.parseDouble(f[f.length - 1]);
    }
}
