package io.muxkit.http;

/** Conditional requests (RFC 9110 section 13) against a representation's ETag and mtime. */
public final class Conditionals {
    private Conditionals() {}

    /** If-None-Match (weak comparison), else If-Modified-Since: whether a 304 answers the request. */
    public static boolean notModified(HttpRequest r, String etag, long mtimeSeconds) {
        String inm = r.header("if-none-match");
        if (inm != null) {
            for (String tag : inm.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) return true;
            }
            return false;
        }
        String ims = r.header("if-modified-since");
        Long since = ims == null ? null : HttpDate.parse(ims);
        // a date later than now is not a valid validator and is ignored (RFC 9110 section 13.1.3)
        return since != null && since <= System.currentTimeMillis() / 1000 && since >= mtimeSeconds;
    }

    /**
     * Whether a Range header may be honoured: always without If-Range; with it, only when its
     * validator still matches (section 13.1.5): the same strong ETag, or exactly the Last-Modified
     * date. A stale validator means the client's partial copy is of another version: send it all.
     */
    public static boolean rangeApplies(HttpRequest r, String etag, long mtimeSeconds) {
        String ifRange = r.header("if-range");
        if (ifRange == null) return true;
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) return v.equals(etag);  // a weak tag never matches
        Long date = HttpDate.parse(v);
        return date != null && date == mtimeSeconds;
    }
}
