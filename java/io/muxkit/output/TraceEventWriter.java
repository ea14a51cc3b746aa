package io.muxkit.output;

import java.io.IOException;
import java.io.Writer;

/**
 * Chrome Trace Event JSON, written event by event (Perfetto and Chromium DevTools open it):
 * {@code {"traceEvents":[...], "displayTimeUnit":"ms", "otherData":{...}}}. Times are given in
 * nanoseconds from the start of the run and written as microseconds with three decimals. An event
 * is begun by {@link #slice}, {@link #counter}, {@link #instant} or {@link #metadata}, given its
 * args, and ended by {@link #end}.
 */
public final class TraceEventWriter {
    private final Writer out;
    private final long pid;
    private boolean firstEvent = true, firstArg;

    /** Starts the document on out (closed by the caller). */
    public TraceEventWriter(Writer out, long pid) throws IOException {
        this.out = out;
        this.pid = pid;
        out.write("{\"traceEvents\":[\n");
    }

    /** An M event: process_name or thread_name, whose value is args.name. tid 0 for the process. */
    public void metadata(String name, int tid, String value) throws IOException {
        begin("M", null, name, tid);
        args().arg("name", value).end();
    }

    /** A complete slice (X), from tsNanos for durNanos. */
    public TraceEventWriter slice(String cat, String name, long tsNanos, long durNanos, int tid) throws IOException {
        begin("X", cat, name, tid);
        time("ts", tsNanos);
        time("dur", durNanos);
        return args();
    }

    /** A counter sample (C): each arg is a series of the counter's track, which is the process's, keyed by name and id (null: none). */
    public TraceEventWriter counter(String name, long tsNanos, int tid, String id) throws IOException {
        begin("C", null, name, tid);
        if (id != null) {
            out.write(",\"id\":");
            string(id);
        }
        time("ts", tsNanos);
        return args();
    }

    /** An instant (i) on its thread's track. */
    public TraceEventWriter instant(String cat, String name, long tsNanos, int tid) throws IOException {
        begin("i", cat, name, tid);
        out.write(",\"s\":\"t\"");
        time("ts", tsNanos);
        return args();
    }

    public TraceEventWriter arg(String key, long value) throws IOException {
        key(key);
        out.write(Long.toString(value));
        return this;
    }

    /** nanos as milliseconds (up to 6 decimals); a negative value is written -1 (forever). */
    public TraceEventWriter argMillis(String key, long nanos) throws IOException {
        key(key);
        if (nanos < 0) out.write("-1");
        else decimal(nanos, 1_000_000);
        return this;
    }

    public TraceEventWriter arg(String key, String value) throws IOException {
        key(key);
        string(value);
        return this;
    }

    /** Ends the event begun last. */
    public void end() throws IOException {
        out.write("}}");
    }

    /** Ends the document with otherData, whose values are strings or numbers. */
    public void finish(java.util.Map<String, ?> otherData) throws IOException {
        out.write("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{");
        boolean first = true;
        for (var e : otherData.entrySet()) {
            if (!first) out.write(',');
            first = false;
            string(e.getKey());
            out.write(':');
            if (e.getValue() instanceof Number n) out.write(n.toString());
            else string(String.valueOf(e.getValue()));
        }
        out.write("}}\n");
    }

    private void begin(String ph, String cat, String name, int tid) throws IOException {
        out.write(firstEvent ? "{\"ph\":\"" : ",\n{\"ph\":\"");
        firstEvent = false;
        out.write(ph);
        out.write('"');
        if (cat != null) {
            out.write(",\"cat\":");
            string(cat);
        }
        out.write(",\"name\":");
        string(name);
        out.write(",\"pid\":");
        out.write(Long.toString(pid));
        out.write(",\"tid\":");
        out.write(Integer.toString(tid));
    }

    private TraceEventWriter args() throws IOException {
        out.write(",\"args\":{");
        firstArg = true;
        return this;
    }

    private void key(String key) throws IOException {
        if (!firstArg) out.write(',');
        firstArg = false;
        string(key);
        out.write(':');
    }

    /** An event's field (ts, dur) of nanos, written as µs with up to three decimals: 1234567 -> 1234.567. */
    private void time(String field, long nanos) throws IOException {
        out.write(",\"");
        out.write(field);
        out.write("\":");
        decimal(nanos, 1000);
    }

    /** value / unit (a power of ten) in decimal, exact, without trailing zeros. */
    private void decimal(long value, long unit) throws IOException {
        if (value < 0) {
            out.write('-');
            value = -value;
        }
        out.write(Long.toString(value / unit));
        long frac = value % unit;
        if (frac == 0) return;
        StringBuilder digits = new StringBuilder(Long.toString(frac));
        while (digits.length() < Long.toString(unit).length() - 1) digits.insert(0, '0');
        while (digits.charAt(digits.length() - 1) == '0') digits.setLength(digits.length() - 1);
        out.write('.');
        out.append(digits);
    }

    private void string(String s) throws IOException {
        out.write('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.write('\\');
                out.write(c);
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.write(String.format("\\u%04x", (int) c));
            } else {
                out.write(c);
            }
        }
        out.write('"');
    }
}
