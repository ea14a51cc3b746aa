package io.muxkit.http;

/** One byte range of a file (RFC 9110 section 14): [start, end] inclusive. */
public record ByteRange(long start, long end) {
    public long length() {
        return end - start + 1;
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
}
