package io.muxkit.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders response heads: status line, Server, Date, the given headers, Connection. One per loop. */
public final class ResponseHead {
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(204, "No Content"),
            Map.entry(206, "Partial Content"), Map.entry(301, "Moved Permanently"), Map.entry(304, "Not Modified"),
            Map.entry(400, "Bad Request"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(411, "Length Required"), Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(416, "Range Not Satisfiable"), Map.entry(417, "Expectation Failed"),
            Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(505, "HTTP Version Not Supported"), Map.entry(507, "Insufficient Storage"));
    /** Sent when the server agreed to continue with a request body (RFC 9110 section 10.1.1). */
    public static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final HttpDate date = new HttpDate();
    private final String extraHeaders;

    /** A renderer whose heads all carry no extra headers. */
    public ResponseHead() {
        this(Map.of());
    }

    /** A renderer whose heads all carry these headers too (e.g. X-Content-Type-Options). */
    public ResponseHead(Map<String, String> always) {
        StringBuilder s = new StringBuilder();
        always.forEach((k, v) -> s.append(k).append(": ").append(v).append("\r\n"));
        this.extraHeaders = s.toString();
    }

    /** This renderer's Date value for a second (29 characters, as every head carries it). */
    public String date(long epochSecond) {
        return date.format(epochSecond);
    }

    public static String reason(int status) {
        return REASONS.getOrDefault(status, "Status");
    }

    /** Headers in the order given: {@code headers("ETag", etag, "Accept-Ranges", "bytes")}. */
    public static Map<String, String> headers(String... pairs) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) h.put(pairs[i], pairs[i + 1]);
        return h;
    }

    /**
     * The head as bytes.
     *
     * @param connection the Connection header's value ("close", "keep-alive"), or null for none
     */
    public byte[] render(int status, Map<String, String> headers, String connection) {
        StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Server: muxkit\r\n")
                .append("Date: ").append(date.format(System.currentTimeMillis() / 1000)).append("\r\n")
                .append(extraHeaders);
        for (Map.Entry<String, String> e : headers.entrySet()) s.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        if (connection != null) s.append("Connection: ").append(connection).append("\r\n");
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
