package io.muxkit.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What two servers' answers to one request must share to agree, as one line: the status (exact
 * for 1xx to 3xx, 405, 412 and 416; else its class, since error pages and their codes vary
 * where nothing depends on them), and for a success the Content-Type's type/subtype,
 * Content-Length, Content-Range and a digest of the body (of each part's range and bytes for
 * multipart/byteranges, never the boundary). Date, Server, ETag, Last-Modified and error bodies
 * are left out: they legitimately differ.
 */
public final class ResponseSummary {
    private ResponseSummary() {}

    /** listing: the body is a generated directory listing, whose bytes no two servers share. */
    public static String of(RawHttp.Exchange exchange, boolean listing) {
        List<String> parts = new ArrayList<>();
        for (RawHttp.Response r : exchange.responses()) parts.add(of(r, listing));
        if (exchange.rest().length > 0)
            parts.add(exchange.responses().isEmpty() && !exchange.timedOut() ? "0.9 body=" + digest(exchange.rest())
                    : "+" + exchange.rest().length + " bytes");
        if (parts.isEmpty()) parts.add(exchange.timedOut() ? "no answer (timeout)" : "closed");
        return String.join(" ; ", parts);
    }

    /** The status muxkit's entry in the allow-list names: the first response's code, or what happened instead. */
    public static String status(RawHttp.Exchange exchange) {
        if (!exchange.responses().isEmpty()) return String.valueOf(exchange.responses().get(0).status());
        if (exchange.rest().length > 0) return "0.9";
        return exchange.timedOut() ? "timeout" : "closed";
    }

    private static String of(RawHttp.Response r, boolean listing) {
        int s = r.status();
        boolean exact = s < 400 || s == 405 || s == 412 || s == 416;
        StringBuilder out = new StringBuilder(exact ? String.valueOf(s) : s / 100 + "xx");
        if (s / 100 == 3 && r.header("location") != null) out.append(" location=").append(pathOf(r.header("location")));
        if (s == 416) out.append(" range=").append(r.header("content-range") == null ? "none" : r.header("content-range"));
        if (s / 100 != 2) return out.toString();
        String type = mediaType(r.header("content-type"));
        out.append(" type=").append(type);
        if (type.equals("multipart/byteranges")) return out.append(" parts=").append(parts(r)).toString();
        if (s == 206) out.append(" range=").append(r.header("content-range"));
        if (listing) return out.toString();
        out.append(" len=").append(r.header("content-length") == null ? "none" : r.header("content-length"));
        return out.append(" body=").append(digest(r.body())).toString();
    }

    /** type/subtype in lower case, without parameters; "none" when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) return "none";
        int semicolon = contentType.indexOf(';');
        return (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).strip().toLowerCase(Locale.ROOT);
    }

    /** "/a/b" of "http://host:port/a/b" or of "/a/b". */
    private static String pathOf(String location) {
        int scheme = location.indexOf("://");
        if (scheme < 0) return location;
        int slash = location.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : location.substring(slash);
    }

    /**
     * The parts of a multipart/byteranges body (RFC 9110 section 14.6), boundary aside: their types,
     * their ranges in order, and one digest of their bytes, "text/plain 0-0,12-12/13 body=2:...".
     */
    static String parts(RawHttp.Response r) {
        String contentType = r.header("content-type");
        int b = contentType.toLowerCase(Locale.ROOT).indexOf("boundary=");
        if (b < 0) return "no boundary";
        String boundary = contentType.substring(b + 9).split(";")[0].strip().replace("\"", "");
        byte[] body = r.body();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] crlfDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] blankLine = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Set<String> types = new LinkedHashSet<>();
        List<String> ranges = new ArrayList<>();
        String total = "";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int at = RawHttp.indexOf(body, delimiter, 0);
        while (at >= 0) {
            at += delimiter.length;
            if (RawHttp.startsWith(body, at, "--"))  // the close delimiter
                return String.join(",", types) + " " + String.join(",", ranges) + total + " body=" + digest(bytes.toByteArray());
            int headEnd = RawHttp.indexOf(body, blankLine, at);
            if (headEnd < 0) break;
            String type = "none", range = "none";
            for (String line : new String(body, at, headEnd - at, StandardCharsets.ISO_8859_1).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT), value = line.substring(colon + 1).strip();
                if (name.equals("content-type")) type = mediaType(value);
                if (name.equals("content-range")) range = value;
            }
            int next = RawHttp.indexOf(body, crlfDelimiter, headEnd + 4);
            if (next < 0) break;
            types.add(type);
            int slash = range.lastIndexOf('/');
            ranges.add(range.startsWith("bytes ") && slash > 0 ? range.substring(6, slash) : range);
            total = slash > 0 ? range.substring(slash) : "";
            bytes.write(body, headEnd + 4, next - headEnd - 4);
            at = next + 2;
        }
        return "cut after " + ranges;
    }

    /** The first 10 hex digits of the SHA-256 of bytes, and their count. */
    static String digest(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return bytes.length + ":" + HexFormat.of().formatHex(d).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
