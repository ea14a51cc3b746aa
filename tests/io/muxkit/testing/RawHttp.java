package io.muxkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tests' blocking HTTP client, one connection a call: bytes out as they are (so that framing
 * itself can be tested), everything the server sends until it closes, as it came
 * ({@link #untilClose}) or as the responses in it ({@link #exchange}), framed as a client frames
 * them (RFC 9112 section 6.3): no body for HEAD, 1xx, 204 and 304, then chunked, Content-Length,
 * or the rest of the stream. A stream that does not start with "HTTP/" is an HTTP/0.9 answer, all
 * body. {@link HttpConnection} is the keep-alive mode, a response at a time, framed by the same
 * parser ({@link #frame}) into the same {@link Response}.
 */
public final class RawHttp {
    private RawHttp() {}

    /**
     * One response, from either mode: its head as sent (status line to the empty line), its status,
     * headers by lower-case name (the first of each), and its body (dechunked when chunked).
     */
    public record Response(String head, int status, Map<String, String> headers, byte[] body) {
        public String statusLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        /** The head without its Date line: what two responses sent in different seconds share. */
        public String headWithoutDate() {
            return head.replaceAll("(?m)^Date: [^\r]*\r\n", "");
        }
    }

    /**
     * What came back: the responses, what followed them that is not one (a 0.9 answer, a cut
     * response), and whether the server kept the connection open past the timeout.
     */
    public record Exchange(List<Response> responses, byte[] rest, boolean timedOut) {}

    /**
     * Connects to 127.0.0.1:port, writes request, reads until the server closes or is silent for
     * timeoutMillis (a connect waits as long). A server that refuses the connection gives an
     * exchange with no response; a write it cuts short, or a reset after its answer, keeps what came.
     */
    public static Exchange exchange(int port, byte[] request, int timeoutMillis) {
        Received received;
        try {
            received = receive(port, request, timeoutMillis, false, true);
        } catch (IOException refused) {
            return new Exchange(List.of(), new byte[0], false);
        }
        return parse(received.bytes(), headRequest(request), received.timedOut());
    }

    /** What came back on one connection, as it came, and whether the server still held it open, silent, at the timeout. */
    public record Received(byte[] bytes, boolean timedOut) {
        public String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Everything the server sends back to request, as text, up to its close (request in ISO-8859-1,
     * so a test writes any byte it likes). SocketTimeoutException when it is silent for
     * timeoutMillis first; the IOException of a refused connection, a failed write or a reset.
     */
    public static String untilClose(int port, String request, int timeoutMillis) throws IOException {
        return untilClose(port, request.getBytes(StandardCharsets.ISO_8859_1), false, timeoutMillis);
    }

    /** As {@link #untilClose(int, String, int)}, half-closing after request when halfClose: the server reads its end. */
    public static String untilClose(int port, byte[] request, boolean halfClose, int timeoutMillis) throws IOException {
        Received r = receive(port, request, timeoutMillis, halfClose, false);
        if (r.timedOut())
            throw new SocketTimeoutException("no close in " + timeoutMillis + " ms, after " + r.bytes().length + " bytes: " + r.text());
        return r.text();
    }

    /**
     * What the server sends back to request until it closes or is silent for timeoutMillis (a
     * kept-alive connection), as it came. The IOException of a refused connection, a failed write
     * or a reset.
     */
    public static Received untilCloseOrSilence(int port, String request, int timeoutMillis) throws IOException {
        return receive(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMillis, false, false);
    }

    /**
     * What the server sends back to request (the write's end half-closed after it when halfClose)
     * until it closes, resets, or is silent for timeoutMillis: whatever it does, what came counts,
     * as with a write it cut short. The IOException of a refused connection.
     */
    public static Received whatCameBack(int port, byte[] request, boolean halfClose, int timeoutMillis) throws IOException {
        return receive(port, request, timeoutMillis, halfClose, true);
    }

    /**
     * One connection: request out (the write's end half-closed when halfClose), then what comes
     * until the close or timeoutMillis of silence. keepWhatCame: a write the server cut short, or a
     * reset after its answer, ends the exchange with what came instead of throwing.
     */
    private static Received receive(int port, byte[] request, int timeoutMillis, boolean halfClose, boolean keepWhatCame) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean timedOut = false;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.setTcpNoDelay(true);
            try {
                s.getOutputStream().write(request);
                if (halfClose) s.shutdownOutput();
            } catch (IOException closedWhileWriting) {
                // it answered and closed before reading all of it: what it sent still counts
                if (!keepWhatCame) throw closedWhileWriting;
            }
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[1 << 16];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) received.write(buffer, 0, n);
            } catch (SocketTimeoutException e) {
                timedOut = true;
            } catch (IOException reset) {
                if (!keepWhatCame) throw reset;  // else a reset after the answer: keep what came
            }
        }
        return new Received(received.toByteArray(), timedOut);
    }

    /** A request's bytes: head (ISO-8859-1, so any byte a test likes) then body. */
    public static byte[] request(String head, byte[] body) {
        byte[] bytes = Arrays.copyOf(head.getBytes(StandardCharsets.ISO_8859_1), head.length() + body.length);
        System.arraycopy(body, 0, bytes, head.length(), body.length);
        return bytes;
    }

    /** Whether request is a HEAD (all requests of a pipelined exchange are of one method here). */
    private static boolean headRequest(byte[] request) {
        return new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1).equals("HEAD ");
    }

    static Exchange parse(byte[] bytes, boolean toHead, boolean timedOut) {
        List<Response> responses = new ArrayList<>();
        int at = 0;
        for (Framed f; (f = frame(bytes, at, bytes.length, toHead, true)) != null && f.response() != null; at = f.end())
            responses.add(f.response());
        return new Exchange(responses, Arrays.copyOfRange(bytes, at, bytes.length), timedOut);
    }

    /** A response framed in a stream: null when bytes at its start are no response, and where the next begins. */
    record Framed(Response response, int end) {}

    /**
     * The one response parser, for a stream read whole ({@link #exchange}) or a response at a time
     * ({@link HttpConnection}): the response in bytes[at, limit), framed as a client frames it (RFC
     * 9112 section 6.3). Null when it is not all there: more may come, or, closed (the server closed
     * after limit), it was cut short. A Framed without a response where the bytes are none: no
     * "HTTP/" start (an HTTP/0.9 answer), or no status in the status line.
     */
    static Framed frame(byte[] bytes, int at, int limit, boolean toHead, boolean closed) {
        int prefix = Math.min(limit - at, 5);
        if (!new String(bytes, at, prefix, StandardCharsets.ISO_8859_1).equals("HTTP/".substring(0, prefix))) return new Framed(null, at);
        int headEnd = indexOf(bytes, CRLFCRLF, at, limit);
        if (headEnd < 0) return null;
        String head = new String(bytes, at, headEnd + 4 - at, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) headers.putIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        int status;
        try {
            status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        } catch (RuntimeException e) {
            return new Framed(null, at);
        }
        int bodyStart = headEnd + 4, bodyEnd;
        byte[] body;
        String length = headers.get("content-length"), coding = headers.get("transfer-encoding");
        if (toHead || status / 100 == 1 || status == 204 || status == 304) {
            body = new byte[0];
            bodyEnd = bodyStart;
        } else if (coding != null && coding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            bodyEnd = dechunk(bytes, bodyStart, limit, decoded);
            if (bodyEnd < 0) return null;
            body = decoded.toByteArray();
        } else if (length != null && length.matches("\\d{1,9}")) {
            bodyEnd = bodyStart + Integer.parseInt(length);
            if (bodyEnd > limit) return null;
            body = Arrays.copyOfRange(bytes, bodyStart, bodyEnd);
        } else if (closed) {  // the rest of the stream
            bodyEnd = limit;
            body = Arrays.copyOfRange(bytes, bodyStart, bodyEnd);
        } else {
            return null;
        }
        return new Framed(new Response(head, status, headers, body), bodyEnd);
    }

    private static final byte[] CRLFCRLF = { '\r', '\n', '\r', '\n' }, CRLF = { '\r', '\n' };

    /** Decodes a chunked body from at into out; the index after it (its trailers too), or -1 when cut at limit. */
    private static int dechunk(byte[] bytes, int at, int limit, ByteArrayOutputStream out) {
        while (true) {
            int lineEnd = indexOf(bytes, CRLF, at, limit);
            if (lineEnd < 0) return -1;
            String sizeText = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon >= 0 ? sizeText.substring(0, semicolon) : sizeText).strip(), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
            at = lineEnd + 2;
            if (size == 0) {  // trailers, up to an empty line
                while (true) {
                    int end = indexOf(bytes, CRLF, at, limit);
                    if (end < 0) return -1;
                    if (end == at) return end + 2;
                    at = end + 2;
                }
            }
            if (at + size + 2 > limit) return -1;
            out.write(bytes, at, size);
            at += size + 2;
        }
    }

    static boolean startsWith(byte[] bytes, int at, String prefix) {
        if (bytes.length - at < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) if (bytes[at + i] != prefix.charAt(i)) return false;
        return true;
    }

    static int indexOf(byte[] bytes, byte[] what, int from) {
        return indexOf(bytes, what, from, bytes.length);
    }

    /** Where what first stands in bytes[from, limit), or -1. */
    static int indexOf(byte[] bytes, byte[] what, int from, int limit) {
        outer:
        for (int i = from; i <= limit - what.length; i++) {
            for (int j = 0; j < what.length; j++) if (bytes[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }
}
