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

    /** Whether the connection stays open after the response: not with a close token; HTTP/1.0 only with keep-alive. */
    public boolean keepAlive() {
        return !hasConnectionToken("close") && (http11 || hasConnectionToken("keep-alive"));
    }

    private boolean hasConnectionToken(String token) {
        String c = headers.get("connection");
        if (c == null) return false;
        for (String t : c.split(",")) if (t.strip().equalsIgnoreCase(token)) return true;
        return false;
    }

    /** -1 when absent. Any number a long holds is a length (too large for an upload is a 413, not a 400); more is a 400. */
    public long contentLength() throws HttpError {
        String v = headers.get("content-length");
        if (v == null) return -1;
        if (v.isEmpty() || v.length() > 19 || !v.chars().allMatch(c -> c >= '0' && c <= '9'))
            throw new HttpError(400, "bad Content-Length: " + v, true);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException tooLarge) {
            throw new HttpError(400, "bad Content-Length: " + v, true);
        }
    }

    /** Whether a body follows the head: a server that answers without reading it must close after the answer. */
    public boolean hasBody() throws HttpError {
        return contentLength() > 0 || chunked();
    }

    /** Whether the body is chunked; Transfer-Encoding in an HTTP/1.0 request is faulty framing (RFC 9112 section 6.1). */
    public boolean chunked() throws HttpError {
        String te = headers.get("transfer-encoding");
        if (te == null) return false;
        if (!http11) throw new HttpError(400, "Transfer-Encoding in an HTTP/1.0 request", true);
        if (!te.strip().equalsIgnoreCase("chunked"))
            throw new HttpError(501, "Transfer-Encoding " + te + " is not supported (only chunked)", true);
        return true;
    }

    /** Longest method name taken before the request is called not HTTP. */
    public static final int MAX_METHOD = 32;

    /**
     * 2 when buf[0, len) starts with an empty line (CRLF) before the request line, which a server
     * should ignore (RFC 9112 section 2.2); else 0.
     */
    public static int leadingEmptyLine(byte[] buf, int len) {
        return len >= 2 && buf[0] == '\r' && buf[1] == '\n' ? 2 : 0;
    }

    /**
     * Whether the bytes that have arrived can still begin a request: a method of token characters
     * followed by a space. A TLS ClientHello (0x16), binary garbage or a second empty line cannot,
     * and is refused at once instead of waiting for a CRLFCRLF that will never come.
     *
     * @throws HttpError 400, closing the connection
     */
    public static void checkStart(byte[] buf, int len) throws HttpError {
        for (int i = 0; i < len && i <= MAX_METHOD; i++) {
            byte b = buf[i];
            if (b == ' ' && i > 0) return;
            if (b < 0 || !isTokenChar((char) b)) throw new HttpError(400, "not an HTTP/1.1 request", true);
        }
        if (len > MAX_METHOD) throw new HttpError(400, "not an HTTP/1.1 request (no method in the first " + MAX_METHOD + " bytes)", true);
    }

    /**
     * Length of the head ending in CRLFCRLF within buf[0, len), or -1 if it is not complete yet.
     *
     * @throws HttpError 400 for a bare LF (lines end in CRLF here): refused at once, not after the idle timeout
     */
    public static int headLength(byte[] buf, int len) throws HttpError {
        return headLength(buf, 0, len);
    }

    /** {@link #headLength(byte[], int)} for bytes of which buf[0, from) were searched already (and held no end). */
    public static int headLength(byte[] buf, int from, int len) throws HttpError {
        for (int i = Math.max(0, from); i < len; i++) {
            if (buf[i] != '\n') continue;
            if (i == 0 || buf[i - 1] != '\r') throw new HttpError(400, "a bare LF in the request head", true);
            if (i >= 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r') return i + 1;
        }
        return -1;
    }

    /** Parses buf[0, headLength). Anything malformed is a 400 that closes the connection. */
    public static HttpRequest parse(byte[] buf, int headLength) throws HttpError {
        String head = new String(buf, 0, headLength - 4, StandardCharsets.ISO_8859_1);
        String[] lines = lines(head);
        if (hasControl(lines[0], false)) throw new HttpError(400, "control character in the request line", true);
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
            String raw = line.substring(colon + 1);
            // RFC 9110 5.5: CR, LF and NUL must not be in a value (a bare LF is a header to some proxies);
            // checked before the optional whitespace around it is trimmed, which must not hide a NUL
            if (hasControl(raw, true)) throw new HttpError(400, "control character (CR, LF, NUL, ...) in header " + name, true);
            String value = raw.strip();
            String before = headers.get(name);
            if (before == null) headers.put(name, value);
            else if (name.equals("content-length")) {
                if (!before.equals(value)) throw new HttpError(400, "conflicting Content-Length headers", true);
            } else if (name.equals("host")) {
                throw new HttpError(400, "more than one Host header", true);
            } else if (!value.isEmpty()) {  // an empty element adds nothing to a list (and "a, " would not read back as itself)
                headers.put(name, before.isEmpty() ? value : before + ", " + value);
            }
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
        for (int i = 0; i < s.length(); i++) if (!isTokenChar(s.charAt(i))) return false;
        return !s.isEmpty();
    }

    /** tchar of RFC 9110 section 5.6.2. */
    static boolean isTokenChar(char c) {
        return c > ' ' && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    /** A control character (0x00-0x1f, 0x7f), a horizontal tab allowed where tabAllowed. */
    static boolean hasControl(String s, boolean tabAllowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && !(tabAllowed && c == '\t')) || c == 0x7f) return true;
        }
        return false;
    }
}
