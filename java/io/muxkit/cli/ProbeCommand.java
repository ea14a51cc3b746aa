package io.muxkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.Rlimits;
import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.output.Json;
import io.muxkit.probe.BackendProbe;
import io.muxkit.probe.FdProbe;
import io.muxkit.probe.SystemLimits;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = { "Report the fd limits of this machine and process, then fill each backend with fds until it stops:",
                "how many it watched, the highest fd proven ready, what stopped it, and the cost of one wait at each size." })
final class ProbeCommand implements Callable<Integer> {
    @Mixin
    BackendsOption backends;

    @Option(names = "--max", paramLabel = "N", defaultValue = "" + Integer.MAX_VALUE, description = "Stop each backend at N fds.")
    int max;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @ArgGroup(exclusive = true)
    LimitChange limitChange;

    static final class LimitChange {
        @Option(names = "--raise", description = "Raise the soft RLIMIT_NOFILE to the hard limit first.")
        boolean raise;

        @Option(names = "--limit", paramLabel = "N", description = "Set the soft RLIMIT_NOFILE to N first, to rehearse a small limit.")
        Long limit;
    }

    @Override
    public Integer call() throws Exception {
        List<Backend> list = backends.backends();
        FdSetMode mode = backends.fdSetMode();
        Checks.range("--max", max, 1, Integer.MAX_VALUE);
        if (limitChange != null) {
            long target = limitChange.raise ? Rlimits.nofile().hard() : limitChange.limit;
            // read once before the limit drops (the first read loads a library, which takes an fd); and a
            // limit at or below the fds this JVM holds leaves the probe none: past the hard limit the kernel says why (EINVAL), below
            int open = SystemLimits.read().openFds();
            if (target <= open)
                throw new UsageException("--limit " + target + ": this JVM holds " + open + " fds already; give more than that");
            try {
                Rlimits.setNofileSoft(target);
            } catch (NativeIOException e) {
                System.err.println("muxkit probe: cannot set the soft fd limit to " + target + " (hard limit "
                        + Rlimits.nofile().hard() + "): " + e.getMessage());
                return 1;
            }
        }
        FdProbe.Report report = FdProbe.run(list, mode, max);
        if (json) System.out.println(Json.write(FdProbe.toJson(report)));
        else print(report);
        return 0;
    }

    private static void print(FdProbe.Report report) {
        SystemLimits l = report.limits();
        System.out.println("Limits");
        row("RLIMIT_NOFILE", "soft " + l.nofileSoft() + ", hard " + l.nofileHard());
        row("fs.nr_open", l.nrOpen() + " (the most a hard limit can be)");
        row("fs.file-max", l.fileMax() + " (file handles, whole system)");
        row("fs.file-nr", l.fileNr().length == 3 ? l.fileNr()[0] + " allocated, " + l.fileNr()[2] + " max" : "?");
        row("epoll max_user_watches", String.valueOf(l.epollMaxUserWatches()));
        row("FD_SETSIZE", l.fdSetSize() + " (select's fd_set: fds 0.." + (l.fdSetSize() - 1) + ")");
        row("open fds now", l.openFds() + ", highest " + l.highestFd());
        row("JVM and the limit", jvmNote(l));
        System.out.println();

        List<Integer> counts = new ArrayList<>();
        for (BackendProbe.Result r : report.backends())
            for (BackendProbe.Step s : r.steps())
                if (!counts.contains(s.count()) && isRound(s.count())) counts.add(s.count());
        counts.sort(null);
        System.out.printf(Locale.ROOT, "%-16s %8s %8s  %s%n", "backend", "watched", "highest", "stopped by");
        for (BackendProbe.Result r : report.backends())
            System.out.printf(Locale.ROOT, "%-16s %8d %8d  %s%s%n", label(r), r.watchedMax(), r.highestFd(), r.stoppedBy(),
                    r.allProvenReady() ? "" : "  [NOT every step proved the highest fd ready]");
        System.out.println();
        System.out.println("Median cost of one wait (select(0), 1 fd ready), microseconds, by fds registered:");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-16s", "backend"));
        for (int c : counts) header.append(String.format(Locale.ROOT, " %9d", c));
        System.out.println(header.append(String.format(Locale.ROOT, " %9s", "at max")));
        for (BackendProbe.Result r : report.backends()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", label(r)));
            for (int c : counts) line.append(String.format(Locale.ROOT, " %9s", cost(r, c)));
            List<BackendProbe.Step> steps = r.steps();
            line.append(steps.isEmpty() ? "" : String.format(Locale.ROOT, " %9.1f", steps.get(steps.size() - 1).waitMicrosMedian()));
            System.out.println(line);
        }
        System.out.println();
        System.out.println(report.conclusion());
    }

    private static String jvmNote(SystemLimits l) {
        String flag = "HotSpot raises the soft limit to the hard one at start-up unless run with -XX:-MaxFDLimit";
        if (!l.maxFdLimit()) return "-XX:-MaxFDLimit is set: the soft limit is the one the JVM was started with";
        if (l.startedSoft() < 0) return flag + " (started outside ./muxkit: whether it did here is unknown)";
        if (l.jvmRaisedSoftLimit()) return "raised from " + l.startedSoft() + " to " + l.nofileSoft() + " at start-up: " + flag;
        return "not raised (started at " + l.startedSoft() + ", already the hard limit); " + flag;
    }

    private static String label(BackendProbe.Result r) {
        return r.backend().usesFdSet() ? r.backend().id() + " (" + r.fdSetMode().id() + ")" : r.backend().id();
    }

    private static boolean isRound(int count) {
        int lead = count;
        while (lead >= 10 && lead % 10 == 0) lead /= 10;
        return lead == 1;
    }

    private static String cost(BackendProbe.Result r, int count) {
        for (BackendProbe.Step s : r.steps())
            if (s.count() == count) return String.format(Locale.ROOT, "%.1f", s.waitMicrosMedian());
        return "-";
    }

    private static void row(String name, String value) {
        System.out.printf(Locale.ROOT, "  %-24s %s%n", name, value);
    }
}
