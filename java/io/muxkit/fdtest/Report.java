package io.muxkit.fdtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What fdtest saw, and its verdict: dies (it ended); limit not reached (no process of it came
 * within a few fds of the limit, nor turned connections away at a limit of its own: nothing else
 * can be said); spins (over the limit a thread was runnable most of the time, with nothing to do
 * but three old clients: the EMFILE accept loop); stalls (alive, but an old client on an open
 * connection went unanswered); no recovery (new clients not served once the excess closed); else
 * survived. The limit is each process's own, and so are the figures.
 */
public record Report(List<String> command, long pid, int nofile, int port, Protocol protocol, Fill.Result fill, int toppedUp,
                     boolean oldServedAtStart, double overSeconds, List<ProcessWatch.Figures> processes,
                     OldClients.Figures old, double recoveredInSeconds, boolean alive, String death, List<String> lastLines) {

    public static final String LIMIT_NOT_REACHED = "limit not reached";

    public String verdict() {
        if (!alive) return "dies";
        if (!fill.atLimit()) return LIMIT_NOT_REACHED;
        if (maxRunnable() >= FdTest.SPIN_RUNNABLE) return "spins";
        if (!oldServedAtStart || old.stalledRounds() > 0) return "stalls";
        if (recoveredInSeconds < 0) return "no recovery";
        return "survived";
    }

    public boolean survived() {
        return verdict().equals("survived");
    }

    public boolean limitReached() {
        return !verdict().equals(LIMIT_NOT_REACHED);
    }

    /** The most fds any one process held. */
    public long maxFds() {
        long most = 0;
        for (ProcessWatch.Figures p : processes) most = Math.max(most, p.maxFds());
        return most;
    }

    private double maxRunnable() {
        double most = 0;
        for (ProcessWatch.Figures p : processes) most = Math.max(most, p.runnable());
        return most;
    }

    /** The process with most CPU over the limit (processes come sorted so). */
    private ProcessWatch.Figures busiest() {
        return processes.isEmpty() ? new ProcessWatch.Figures(pid, "?", 0, 0, 0, "") : processes.get(0);
    }

    static String outcomesText(Map<Outcome, Integer> outcomes) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Outcome, Integer> e : outcomes.entrySet())
            if (e.getValue() > 0) parts.add(e.getValue() + " " + e.getKey().text);
        return String.join(", ", parts);
    }

    private String nextTry() {
        List<String> tries = new ArrayList<>();
        if (protocol != Protocol.HTTP) tries.add("--protocol http if it speaks HTTP");
        if (protocol == Protocol.CONNECT) tries.add("--protocol echo if it echoes");
        tries.add("more --connections (" + (fill.opened() + toppedUp) + " were opened)");
        tries.add("a lower --nofile, if the server caps its own connections (workers, threads, backlog)");
        return "try " + String.join("; ", tries);
    }

    public String table() {
        ProcessWatch.Figures busy = busiest();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "connections opened", fill.opened() + " in " + String.format(Locale.ROOT, "%.1f s", fill.seconds())
                + (toppedUp > 0 ? ", and " + toppedUp + " over the limit to keep it there" : "")
                + ": " + outcomesText(fill.outcomes()) + (fill.unfinished() ? " (the server closes after each response:"
                + " later ones held with an unfinished request)" : "") });
        rows.add(new String[] { "limit", fill.how() + (!alive ? "" : fill.atLimit() ? "; at its limit" : "; NOT at its limit") });
        rows.add(new String[] { "old clients", (oldServedAtStart ? "3 served before the excess" : "NOT served even before the excess")
                + "; over the limit served in " + old.servedRounds() + " of " + old.rounds() + " rounds, "
                + old.stalledRounds() + " stalled" });
        rows.add(new String[] { "closed by the server", old.closedAfterResponse() + " after its response, " + old.closedIdle() + " as idle, "
                + old.closedUnanswered() + " before answering; " + old.reconnects() + " reconnects, " + old.reconnectsServed() + " served" });
        rows.add(new String[] { "over the limit", String.format(Locale.ROOT, "%.1f s: busiest process %s (pid %d): CPU %.0f%% of a core,"
                + " a thread runnable %.0f%% of the time%s, up to %d fds (limit %d per process)", overSeconds, busy.name(), busy.pid(),
                busy.cpu() * 100, busy.runnable() * 100, busy.runnableThread().isEmpty() ? "" : " (" + busy.runnableThread() + ")",
                busy.maxFds(), nofile) });
        if (processes.size() > 1) {
            StringBuilder each = new StringBuilder();
            for (ProcessWatch.Figures p : processes)
                each.append(String.format(Locale.ROOT, "%s%d %s: %d fds, CPU %.0f%%", each.length() == 0 ? "" : "; ", p.pid(),
                        p.name(), p.maxFds(), p.cpu() * 100));
            rows.add(new String[] { "processes", processes.size() + ": " + each });
        }
        rows.add(new String[] { "alive", alive ? "yes" : "no: " + death + (lastLines.isEmpty() ? "" : "; last lines:\n"
                + "                     " + String.join("\n                     ", lastLines)) });
        rows.add(new String[] { "recovery", recoveredInSeconds >= 0 ? String.format(Locale.ROOT, "a new client served %.2f s after the excess closed", recoveredInSeconds)
                : alive ? "no new client served after the excess closed" : "-" });
        String verdict = verdict();
        rows.add(new String[] { "verdict", verdict.equals(LIMIT_NOT_REACHED) ? verdict + ": the most fds one process held was "
                + maxFds() + " of " + nofile + "; " + nextTry() : verdict });
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
        m.put("connections", fill.opened() + toppedUp);
        m.put("connections_over_the_limit", toppedUp);
        Map<String, Object> o = new LinkedHashMap<>();
        for (Map.Entry<Outcome, Integer> e : fill.outcomes().entrySet()) o.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
        m.put("outcomes", o);
        m.put("unfinished_requests", fill.unfinished());
        m.put("at_limit", fill.atLimit());
        m.put("fill", fill.how());
        m.put("fill_seconds", fill.seconds());
        m.put("old_served_at_start", oldServedAtStart);
        m.put("over_limit_seconds", overSeconds);
        ProcessWatch.Figures busy = busiest();
        m.put("cpu_fraction_of_core", busy.cpu());
        m.put("runnable_fraction", maxRunnable());
        m.put("max_fds", maxFds());
        List<Object> each = new ArrayList<>();
        for (ProcessWatch.Figures p : processes)
            each.add(Map.of("pid", p.pid(), "name", p.name(), "max_fds", p.maxFds(), "cpu_fraction_of_core", p.cpu(),
                    "runnable_fraction", p.runnable(), "most_runnable_thread", p.runnableThread()));
        m.put("processes", each);
        m.put("old_client_rounds", old.rounds());
        m.put("old_client_rounds_served", old.servedRounds());
        m.put("old_client_rounds_stalled", old.stalledRounds());
        m.put("old_closed_after_response", old.closedAfterResponse());
        m.put("old_closed_idle", old.closedIdle());
        m.put("old_closed_unanswered", old.closedUnanswered());
        m.put("old_reconnects", old.reconnects());
        m.put("old_reconnects_served", old.reconnectsServed());
        m.put("recovered_in_seconds", recoveredInSeconds >= 0 ? recoveredInSeconds : null);
        m.put("alive", alive);
        m.put("death", death);
        m.put("last_lines", lastLines);
        m.put("verdict", verdict());
        return m;
    }
}
