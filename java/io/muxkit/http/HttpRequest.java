package io.muxkit.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed request head. Header names are lower case; a repeated header's values are joined
 * with ", " (RFC 9110), except Content-Length, which must not disagree with itself.
 */
public record HttpRequest(String method, String target, boolean http11, Map<String, String> headers) {
    public static final int MAX_REQUEST_LINE = 8192;
    public static final int MAX_HEAD = 16384;

    public String header(String name) {
        return headers.get(name);
    }

    /** Whether the connection stays open after the response. */
    public boolean keepAlive() {
        String c = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        return http11 ? !c.contains("close") : c.contains("keep-alive");
    }

    /** -1 when absent. */
    public long contentLength() throws HttpError {
        String v = headers.get("content-length");
        if (v == null) return -1;
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit))
            throw new HttpError(400, "bad Content-Length: " + v, true);
        return Long.parseLong(v);
    }

    public boolean chunked() throws HttpError {
        String te = headers.get("transfer-encoding");
        if (te == null) return false;
        if (!te.trim().equalsIgnoreCase("chunked"))
            throw new HttpError(501, "Transfer-Encoding " + te + " is not supported (only chunked)", true);
        return true;
    }

    /** Length of the head ending in CRLFCRLF within buf[0, len), or -1 if it is not complete yet. */
    public static int headLength(byte[] buf, int len) {
        for (int i = 3; i < len; i++)
            if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') return i + 1;
        return -1;
    }

    /** Parses buf[0, headLength). Anything malformed is a 400 that closes the connection. */
    public static HttpRequest parse(byte[] buf, int headLength) throws HttpError {
        String head = new String(buf, 0, headLength - 4, StandardCharsets.ISO_8859_1);
        String[] lines = lines(head);
        String[] parts = lines[0].split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !isToken(parts[0]))
            throw new HttpError(400, "malformed request line", true);
        String version = parts[2];
        if (!version.startsWith("HTTP/")) throw new HttpError(400, "malformed request line", true);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0"))
            throw new HttpError(505, "HTTP version " + version + " is not supported", true);
        for (int i = 0; i < parts[1].length(); i++) {
            char c = parts[1].charAt(i);
            if (c <= ' ' || c >= 0x7f) throw new HttpError(400, "malformed request target", true);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon)))
                throw new HttpError(400, "malformed header line", true);
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            String before = headers.get(name);
            if (before == null) headers.put(name, value);
            else if (name.equals("content-length")) {
                if (!before.equals(value)) throw new HttpError(400, "conflicting Content-Length headers", true);
            } else if (name.equals("host")) {
                throw new HttpError(400, "more than one Host header", true);
            } else headers.put(name, before + ", " + value);
        }
        boolean http11 = version.equals("HTTP/1.1");
        if (http11 && !headers.containsKey("host")) throw new HttpError(400, "HTTP/1.1 request without Host", true);
        if (headers.containsKey("content-length") && headers.containsKey("transfer-encoding"))
            throw new HttpError(400, "both Content-Length and Transfer-Encoding", true);
        return new HttpRequest(parts[0], parts[1], http11, headers);
    }

    /** Splits at CRLF; a bare CR or LF inside a line is left for the checks to refuse. */
    private static String[] lines(String head) {
        java.util.List<String> out = new java.util.ArrayList<>(16);
        int from = 0;
        for (int i; (i = head.indexOf("\r\n", from)) >= 0; from = i + 2) out.add(head.substring(from, i));
        out.add(head.substring(from));
        return out.toArray(new String[0]);
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) return false;
        }
        return !s.isEmpty();
    }
}
