package io.muxkit.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;

/** The whole probe: the limits, each backend filled to where it stops, and the conclusion. */
public final class FdProbe {
    public record Report(SystemLimits limits, List<BackendProbe.Result> backends, String conclusion, int openFdsAfter) {}

    private FdProbe() {}

    public static Report run(List<Backend> backends, FdSetMode mode, int max) throws IOException {
        // open and close each backend once first: what the JVM opens for good on a first use (a jar,
        // the shim) is then counted before the fill as well as after it
        for (Backend b : backends) b.unavailableReason();
        SystemLimits limits = SystemLimits.read();
        List<BackendProbe.Result> results = new ArrayList<>();
        for (Backend b : backends) results.add(BackendProbe.run(b, mode, max));
        return new Report(limits, results, conclude(limits, results), SystemLimits.countOpenFds()[0]);
    }

    /** Names the limit that binds first and how to move it. */
    static String conclude(SystemLimits l, List<BackendProbe.Result> results) {
        StringBuilder out = new StringBuilder();
        BackendProbe.Result best = null;
        for (BackendProbe.Result r : results)
            if (best == null || r.watchedMax() > best.watchedMax()) best = r;
        if (best == null) return "no backend probed";
        String stop = best.stoppedBy();
        if (stop.contains("EMFILE")) {
            out.append("RLIMIT_NOFILE binds first: ").append(best.backend().id()).append(" watched ")
               .append(best.watchedMax()).append(" fds before the soft limit of ").append(l.nofileSoft())
               .append(" (less the ").append(l.openFds()).append(" fds already open) stopped it. ");
            if (l.nofileSoft() < l.nofileHard())
                out.append("Raise it up to the hard limit ").append(l.nofileHard())
                   .append(" with `ulimit -n ").append(l.nofileHard()).append("` or `muxkit probe --raise`");
            else
                out.append("The soft limit is already the hard limit (").append(l.nofileHard())
                   .append("): only root can raise the hard limit (up to fs.nr_open ").append(l.nrOpen()).append(")");
        } else if (stop.contains("ENFILE")) {
            out.append("fs.file-max binds first (the whole system is out of file handles): raise it with sysctl fs.file-max");
        } else if (stop.contains("ENOSPC")) {
            out.append("epoll's max_user_watches (").append(l.epollMaxUserWatches())
               .append(") binds first: raise it with sysctl fs.epoll.max_user_watches");
        } else if (stop.contains("FD_SETSIZE")) {
            out.append("FD_SETSIZE binds first: select cannot watch fd ").append(l.fdSetSize())
               .append(" or above whatever the fd limit; use --backend poll or epoll (or --select-fdset dynamic)");
        } else {
            out.append("no limit was reached: ").append(stop).append(" capped the probe at ").append(best.watchedMax()).append(" fds");
        }
        for (BackendProbe.Result r : results) {
            if (r != best && r.stoppedBy().contains("FD_SETSIZE"))
                out.append(". ").append(r.backend().id()).append(" stops sooner, at FD_SETSIZE ").append(l.fdSetSize())
                   .append(": use --backend poll or epoll, or --select-fdset dynamic");
        }
        if (l.jvmRaisedSoftLimit())
            out.append(". Note: the JVM raised this process's soft limit from ").append(l.startedSoft())
               .append(" to ").append(l.nofileSoft()).append(" at start-up; JAVA_OPTS=-XX:-MaxFDLimit keeps the limit you set");
        return out.append('.').toString();
    }

    public static Map<String, Object> toJson(Report report) {
        SystemLimits l = report.limits();
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("nofile_soft", l.nofileSoft());
        limits.put("nofile_hard", l.nofileHard());
        limits.put("nr_open", l.nrOpen());
        limits.put("file_max", l.fileMax());
        List<Long> fileNr = new ArrayList<>();
        for (long v : l.fileNr()) fileNr.add(v);
        limits.put("file_nr", fileNr);
        limits.put("epoll_max_user_watches", l.epollMaxUserWatches());
        limits.put("fd_setsize", l.fdSetSize());
        limits.put("open_fds", l.openFds());
        limits.put("highest_fd", l.highestFd());
        limits.put("jvm_raised_soft_limit", l.jvmRaisedSoftLimit());
        limits.put("jvm_max_fd_limit_flag", l.maxFdLimit());
        limits.put("started_soft", l.startedSoft() < 0 ? null : l.startedSoft());
        List<Object> backends = new ArrayList<>();
        for (BackendProbe.Result r : report.backends()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("backend", r.backend().id());
            if (r.backend().usesFdSet()) b.put("fdset", r.fdSetMode().id());
            b.put("watched_max", r.watchedMax());
            b.put("highest_fd", r.highestFd());
            b.put("stopped_by", r.stoppedBy());
            b.put("all_proven_ready", r.allProvenReady());
            List<Object> steps = new ArrayList<>();
            for (BackendProbe.Step s : r.steps()) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("count", s.count());
                step.put("wait_us_median", s.waitMicrosMedian());
                steps.add(step);
            }
            b.put("steps", steps);
            backends.add(b);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("limits", limits);
        json.put("backends", backends);
        json.put("conclusion", report.conclusion());
        json.put("open_fds_after", report.openFdsAfter());
        return json;
    }
}
