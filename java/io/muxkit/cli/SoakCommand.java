package io.muxkit.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import io.muxkit.process.ChildJvm;

import io.muxkit.soak.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "soak", mixinStandardHelpOptions = true, description = "Run echo and files on each backend (JVMs of their"
        + " own, -Xmx256m, faults injected) under honest, hostile and faulty traffic; print a line per server each minute."
        + " Exit 0 when no byte came back wrong, every server lived, and fds and heap after GC stayed flat.")
final class SoakCommand implements Callable<Integer> {
    @Mixin
    BackendsOption backends;

    @Option(names = "--minutes", defaultValue = "30", description = "How long (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--faults", paramLabel = "SPEC", description = "MUXKIT_FAULTS for the servers, or 'none' (default: "
            + Soak.DEFAULT_FAULTS + ").")
    String faults;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the faults and the traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0 && minutes <= Checks.MAX_SECONDS / 60))  // (false for NaN)
            throw new UsageException("--minutes must be a number of minutes in (0, " + (long) (Checks.MAX_SECONDS / 60) + "], not " + minutes);
        String spec = faults == null ? Soak.DEFAULT_FAULTS : faults.equals("none") ? "" : faults;
        if (faults != null && !spec.isEmpty()) {  // the shim parses the rules: one short child JVM says whether they do, before eight start
            ChildJvm.Result check = ChildJvm.run(Map.of("MUXKIT_FAULTS", spec), null, "io.muxkit.cli.Main", "backends");
            if (check.exit() != 0) throw new UsageException("--faults: " + check.output().strip().replaceFirst("^muxkit: ", ""));
        }
        return Soak.run(backends.backends(), minutes, spec, seed, System.out) ? 0 : 1;
    }
}
