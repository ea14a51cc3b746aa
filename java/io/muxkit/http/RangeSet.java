package io.muxkit.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The byte ranges a Range header asks of a file (RFC 9110 section 14.1.2), as a server sends
 * them: unsatisfiable ones dropped, overlapping or adjacent ones merged into one, the rest in the
 * order they were asked for (as nginx, lighttpd and Apache send them). Never empty, never
 * overlapping, so a response never carries more than the file.
 *
 * @param ranges one range: a plain 206; more: a multipart/byteranges 206 ({@link MultipartByteRanges})
 */
public record RangeSet(List<ByteRange> ranges) {
    /** More range-specs than this get the whole file: the defence against CVE-2011-3192. */
    public static final int MAX_RANGES = 16;

    public RangeSet {
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) throw new IllegalArgumentException("a range set is never empty");
    }

    public boolean single() {
        return ranges.size() == 1;
    }

    /**
     * What a Range header asks of a file of size bytes; null to send the whole file (200): no
     * header, another unit, a header that does not parse (which a server ignores, section 14.2),
     * more than {@link #MAX_RANGES} ranges, or ranges adding up to more than the file (both the
     * CVE-2011-3192 defence; nginx has the second), or a suffix or a range from 0 of an empty file
     * (nginx). Ranges that cannot be satisfied are left out, the others still sent.
     *
     * @throws HttpError 416 when the header parses but none of its ranges can be satisfied
     */
    public static RangeSet parse(String header, long size) throws HttpError {
        if (header == null) return null;
        String h = header.strip();
        if (!h.toLowerCase(Locale.ROOT).startsWith("bytes=")) return null;
        List<String> specs = new ArrayList<>();
        for (String spec : h.substring(6).split(",", -1)) {
            spec = spec.strip();
            if (!spec.isEmpty()) specs.add(spec);  // 1#range-spec: empty list elements are ignored (section 5.6.1)
            if (specs.size() > MAX_RANGES) return null;
        }
        if (specs.isEmpty()) return null;
        List<ByteRange> satisfiable = new ArrayList<>();
        long total = 0;
        for (String spec : specs) {
            int dash = spec.indexOf('-');
            if (dash < 0) return null;
            String first = spec.substring(0, dash).strip(), last = spec.substring(dash + 1).strip();
            ByteRange r;
            if (first.isEmpty()) {  // suffix-range: the last n bytes
                long n = ByteRange.digits(last);
                if (n < 0) return null;
                // on an empty file a suffix is satisfiable (section 14.1.2) yet no Content-Range can say
                // "zero bytes": the whole (empty) file, as nginx, lighttpd and Apache send it (nginx: -0 too)
                if (size == 0) return null;
                r = n == 0 ? null : new ByteRange(Math.max(0, size - n), size - 1);
            } else {
                long start = ByteRange.digits(first), end = last.isEmpty() ? Long.MAX_VALUE : ByteRange.digits(last);
                if (start < 0 || end < 0 || end < start) return null;  // not a range: the header is ignored
                // a range from 0 of an empty file asks for all there is: the whole (empty) file, as nginx
                // sends it (section 14.2 lets a server ignore Range), rather than a 416 for resuming nothing
                if (start == 0 && size == 0) return null;
                r = start >= size ? null : new ByteRange(start, Math.min(end, size - 1));
            }
            if (r == null) continue;  // unsatisfiable: the others are still sent
            if (total > size - r.length()) return null;  // more than the file in all: the whole file, once
            total += r.length();
            satisfiable.add(r);
        }
        if (satisfiable.isEmpty()) throw new HttpError(416, "range not satisfiable");
        return new RangeSet(merged(satisfiable));
    }

    /** ranges with every overlapping or adjacent group made one, each group where its first member was asked for. */
    private static List<ByteRange> merged(List<ByteRange> ranges) {
        record Asked(ByteRange range, int order) {}
        List<Asked> byStart = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) byStart.add(new Asked(ranges.get(i), i));
        byStart.sort(Comparator.comparingLong((Asked a) -> a.range().start()));
        List<Asked> groups = new ArrayList<>();
        for (Asked a : byStart) {
            Asked last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && a.range().start() <= last.range().end() + 1) {
                groups.set(groups.size() - 1, new Asked(new ByteRange(last.range().start(),
                        Math.max(last.range().end(), a.range().end())), Math.min(last.order(), a.order())));
            } else {
                groups.add(a);
            }
        }
        groups.sort(Comparator.comparingInt(Asked::order));
        return groups.stream().map(Asked::range).toList();
    }
}
