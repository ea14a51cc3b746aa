package io.muxkit.fdtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What fdtest saw, and its verdict: dies (it ended), spins (over the limit it was runnable most of
 * the time, with nothing to do but three old clients a second: the EMFILE accept loop), stalls (alive, but the old clients went unserved), no recovery (new
 * clients not served once the excess connections closed), else survived.
 */
public record Report(List<String> command, long pid, int nofile, int port, Protocol protocol, int connections,
                     Map<Outcome, Integer> outcomes, boolean oldServedAtStart, double overSeconds, double cpu,
                     double runnable, long maxFds, int rounds, int servedRounds, double recoveredInSeconds, boolean alive, String death,
                     List<String> lastLines) {

    public String verdict() {
        if (!alive) return "dies";
        if (runnable >= FdTest.SPIN_RUNNABLE) return "spins";
        if (!oldServedAtStart || servedRounds < rounds) return "stalls";
        if (recoveredInSeconds < 0) return "no recovery";
        return "survived";
    }

    public boolean survived() {
        return verdict().equals("survived");
    }

    static String outcomesText(Map<Outcome, Integer> outcomes) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Outcome, Integer> e : outcomes.entrySet()) parts.add(e.getValue() + " " + e.getKey().text);
        return String.join(", ", parts);
    }

    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "connections opened", connections + ": " + outcomesText(outcomes) });
        rows.add(new String[] { "old clients", oldServedAtStart ? "3 served before the excess" : "NOT served even before the excess" });
        rows.add(new String[] { "over the limit", String.format(Locale.ROOT, "%.1f s: CPU %.0f%% of a core, runnable %.0f%% of the time, "
                + "up to %d fds (limit %d), old clients served in %d of %d rounds", overSeconds, cpu * 100, runnable * 100, maxFds,
                nofile, servedRounds, rounds) });
        rows.add(new String[] { "alive", alive ? "yes" : "no: " + death + (lastLines.isEmpty() ? "" : "; last lines:\n"
                + "                     " + String.join("\n                     ", lastLines)) });
        rows.add(new String[] { "recovery", recoveredInSeconds >= 0 ? String.format(Locale.ROOT, "a new client served %.2f s after the excess closed", recoveredInSeconds)
                : alive ? "no new client served after the excess closed" : "-" });
        rows.add(new String[] { "verdict", verdict() });
        StringBuilder s = new StringBuilder();
        for (String[] r : rows) s.append(String.format(Locale.ROOT, "%-20s %s%n", r[0], r[1]));
        return s.toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("pid", pid);
        m.put("nofile", nofile);
        m.put("port", port);
        m.put("protocol", protocol.id());
        m.put("connections", connections);
        Map<String, Object> o = new LinkedHashMap<>();
        for (Map.Entry<Outcome, Integer> e : outcomes.entrySet()) o.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
        m.put("outcomes", o);
        m.put("old_served_at_start", oldServedAtStart);
        m.put("over_limit_seconds", overSeconds);
        m.put("cpu_fraction_of_core", cpu);
        m.put("runnable_fraction", runnable);
        m.put("max_fds", maxFds);
        m.put("old_client_rounds", rounds);
        m.put("old_client_rounds_served", servedRounds);
        m.put("recovered_in_seconds", recoveredInSeconds >= 0 ? recoveredInSeconds : null);
        m.put("alive", alive);
        m.put("death", death);
        m.put("last_lines", lastLines);
        m.put("verdict", verdict());
        return m;
    }
}
