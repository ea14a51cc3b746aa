package io.muxkit.timeline;

import java.util.Map;

/**
 * One event of a Chrome trace, as much of it as a summary reads. Absent numbers are NaN and absent
 * strings null; {@code args} holds the event's scalar arguments (numbers as Double, strings, booleans).
 */
public record TraceEvent(String ph, String cat, String name, double ts, double dur, String pid, String tid, Map<String, Object> args) {
    /** An argument as a number, NaN when it is absent or not a number. */
    public double number(String key) {
        return args.get(key) instanceof Double d ? d : Double.NaN;
    }

    /** An argument as text (a number as JSON writes it), null when absent. */
    public String text(String key) {
        Object v = args.get(key);
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf(d.longValue());
        return v == null ? null : v.toString();
    }

    /** The track the event is on: its process and thread. */
    public String thread() {
        return pid + "/" + tid;
    }
}
