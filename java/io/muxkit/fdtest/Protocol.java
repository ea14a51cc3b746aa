package io.muxkit.fdtest;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What fdtest sends on a connection, and what counts as being served. */
public enum Protocol {
    /** a line, echoed back */
    ECHO,
    /** GET /, answered with any HTTP/1.x status line (keep-alive, so old clients ask again) */
    HTTP,
    /** nothing: accepted (connected, and not closed or reset) is served */
    CONNECT;

    /** Reads of one connection per readiness event: a server that floods cannot hold fdtest (level-triggered, it comes back). */
    static final int READS_PER_EVENT = 16;
    /** What is kept of an answer: enough to judge it, however much a server sends. */
    static final int ANSWER_BYTES = 16 * 1024;

    /** Appends n bytes of buf to received, up to {@link #ANSWER_BYTES} in all. */
    static void keep(StringBuilder received, byte[] buf, int n) {
        int room = ANSWER_BYTES - received.length();
        if (room > 0) received.append(new String(buf, 0, Math.min(n, room), StandardCharsets.ISO_8859_1));
    }

    public static Protocol parse(String name) {
        for (Protocol p : values()) if (p.name().equalsIgnoreCase(name)) return p;
        throw new IllegalArgumentException("unknown protocol '" + name + "': choose echo, http or connect");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    byte[] request() {
        return switch (this) {
            case ECHO -> "fdtest\n".getBytes(StandardCharsets.ISO_8859_1);
            case HTTP -> "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            case CONNECT -> new byte[0];
        };
    }

    /**
     * The start of a request that a server holds its connection open for, waiting for the rest: the
     * way to fill a server that closes each connection after its response. Empty where there is none.
     */
    byte[] unfinishedRequest() {
        return this == HTTP ? "GET / HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.ISO_8859_1) : request();
    }

    /** Whether an answer says the server closes the connection after it (HTTP/1.0, or Connection: close). */
    boolean closesAfter(String received) {
        if (this != HTTP) return false;
        String head = received.toLowerCase(Locale.ROOT);
        int end = head.indexOf("\r\n\r\n");
        if (end >= 0) head = head.substring(0, end);
        return head.startsWith("http/1.0") ? !head.contains("connection: keep-alive") : head.contains("connection: close");
    }

    /** Whether the bytes received so far answer the request (connect expects none). */
    boolean answered(String received) {
        return switch (this) {
            case ECHO -> received.contains("fdtest\n");
            case HTTP -> received.contains("HTTP/1.");
            case CONNECT -> false;
        };
    }
}
