package io.muxkit.http;

/** One byte range of a file (RFC 9110 section 14): [start, end] inclusive. */
public record ByteRange(long start, long end) {
    public long length() {
        return end - start + 1;
    }

    /**
     * The range a Range header asks for in a file of `size` bytes; null to send the whole file
     * (no header, another unit, or several ranges, which a server may ignore).
     *
     * @throws HttpError 416 when the range cannot be satisfied
     */
    public static ByteRange parse(String header, long size) throws HttpError {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) return null;
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        try {
            String a = spec.substring(0, dash).trim(), b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {  // suffix: the last b bytes
                long n = Long.parseLong(b);
                if (n <= 0 || size == 0) throw unsatisfiable();
                return new ByteRange(Math.max(0, size - n), size - 1);
            }
            long start = Long.parseLong(a);
            long end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (start < 0 || (!b.isEmpty() && Long.parseLong(b) < start)) return null;  // malformed: ignore
            if (start >= size) throw unsatisfiable();
            return new ByteRange(start, end);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static HttpError unsatisfiable() {
        return new HttpError(416, "range not satisfiable");
    }
}
