package io.muxkit.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One keep-alive HTTP/1.1 connection to a loopback port, a request at a time: raw bytes out, one parsed response in. */
public final class HttpConnection implements AutoCloseable {
    /** A response: its status, its head as sent, its headers by lower-case name (the first of each) and its body. */
    public record Response(int status, String head, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The head without its Date line: what two responses sent in different seconds share. */
        public String headWithoutDate() {
            return head.replaceAll("(?m)^Date: [^\r]*\r\n", "");
        }
    }

    private final Socket socket;
    private final InputStream in;

    public HttpConnection(int port) throws IOException {
        this(port, 10_000);
    }

    /** A connection whose reads give up (SocketTimeoutException) after timeoutMillis of silence. */
    public HttpConnection(int port, int timeoutMillis) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);  // pipelined requests leave at once, not after the ACK of the first
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    /** GET path, keeping the connection. */
    public Response get(String path) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    /** Sends request (a whole head, no body) and reads its response; a HEAD's response has no body. */
    public Response send(String request) throws IOException {
        write(request);
        return read(request.startsWith("HEAD "));
    }

    /** Sends bytes without reading: pipelined requests, read with {@link #read} one at a time. */
    public void write(String bytes) throws IOException {
        write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends bytes as they are (a request's body) without reading. */
    public void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
    }

    /** Reads one response (toHead: the response to a HEAD, without a body); IOException when the server closed first. */
    public Response read(boolean toHead) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int b, crlf = 0; crlf < 4; ) {
            if ((b = in.read()) < 0) throw new IOException("the server closed the connection after " + head.size() + " bytes of a head");
            head.write(b);
            crlf = (b == '\r' && crlf % 2 == 0) || (b == '\n' && crlf % 2 == 1) ? crlf + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = text.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) headers.putIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        int status = Integer.parseInt(lines[0].substring(9, 12));
        String length = headers.get("content-length");
        boolean noBody = toHead || status == 204 || status == 304 || status / 100 == 1;
        byte[] body = noBody || length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        if (!noBody && length != null && body.length < Integer.parseInt(length))
            throw new IOException("the server closed the connection after " + body.length + " of " + length + " body bytes");
        return new Response(status, text, headers, body);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
