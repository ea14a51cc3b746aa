package io.muxkit.scale;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One cell of the scaling experiment: a backend at one size. reads counts read calls, received
 * the writes they consumed (an eventfd read can take several): received == writes when every
 * write was read exactly once. unsupported is null when it ran, else why it could not.
 */
public record ScaleRow(String backend, int fds, int active, String fdKind, double iterationUsMedian,
                       double iterationUsP99, double waitUsMedian, double eventsPerWait, double syscallsPerIteration,
                       long reads, long writes, long received, String unsupported) {
    public static ScaleRow unsupported(String backend, int fds, int active, String why) {
        return new ScaleRow(backend, fds, active, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, why);
    }

    public boolean ran() {
        return unsupported == null;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend);
        m.put("fds", fds);
        m.put("active", active);
        if (!ran()) {
            m.put("unsupported", unsupported);
            return m;
        }
        m.put("fd_kind", fdKind);
        m.put("iteration_us_median", iterationUsMedian);
        m.put("iteration_us_p99", iterationUsP99);
        m.put("wait_us_median", waitUsMedian);
        m.put("events_per_wait", eventsPerWait);
        m.put("syscalls_per_iteration", syscallsPerIteration);
        m.put("reads", reads);
        m.put("writes", writes);
        m.put("received", received);
        return m;
    }
}
