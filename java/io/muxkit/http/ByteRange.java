package io.muxkit.http;

import java.util.Locale;

/** One byte range of a file (RFC 9110 section 14): [start, end] inclusive. */
public record ByteRange(long start, long end) {
    public long length() {
        return end - start + 1;
    }

    /**
     * The range a Range header asks for in a file of `size` bytes, by the grammar of RFC 9110
     * section 14.1 ("bytes" in any case, digits only, a last position past the end meaning the
     * end); null to send the whole file: no header, a header that does not parse (which a server
     * ignores), another unit, or several ranges (which a server may answer whole).
     *
     * @throws HttpError 416 when the range is well formed but cannot be satisfied
     */
    public static ByteRange parse(String header, long size) throws HttpError {
        if (header == null) return null;
        String h = header.strip();
        if (!h.toLowerCase(Locale.ROOT).startsWith("bytes=") || h.indexOf(',') >= 0) return null;
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        String first = spec.substring(0, dash).strip(), last = spec.substring(dash + 1).strip();
        if (first.isEmpty()) {  // suffix-range: the last n bytes
            long n = digits(last);
            if (n < 0) return null;
            if (n == 0 || size == 0) throw unsatisfiable();
            return new ByteRange(Math.max(0, size - n), size - 1);
        }
        long start = digits(first), end = last.isEmpty() ? Long.MAX_VALUE : digits(last);
        if (start < 0 || end < 0 || end < start) return null;  // not a range: ignored
        if (start >= size) throw unsatisfiable();
        return new ByteRange(start, Math.min(end, size - 1));
    }

    /** 1*DIGIT as a number (Long.MAX_VALUE for more than fits), or -1 when it is not that. */
    static long digits(String s) {
        if (s.isEmpty()) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }

    private static HttpError unsatisfiable() {
        return new HttpError(416, "range not satisfiable");
    }
}
