package io.muxkit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.muxkit.testing.RawHttp.Response;

/**
 * One keep-alive HTTP/1.1 connection to a loopback port, a request at a time: raw bytes out, one
 * response in, framed by {@link RawHttp}'s parser (so chunked and close-delimited bodies too). The
 * one-shot exchanges, a connection a call, are {@link RawHttp}'s.
 */
public final class HttpConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    /** What came and no response has taken yet: received[0, length). */
    private byte[] received = new byte[1 << 16];
    private int length;
    private boolean closed;

    public HttpConnection(int port) throws IOException {
        this(port, 10_000);
    }

    /** A connection whose reads give up (SocketTimeoutException) after timeoutMillis of silence. */
    public HttpConnection(int port, int timeoutMillis) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);  // pipelined requests leave at once, not after the ACK of the first
        in = socket.getInputStream();
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

    /**
     * Reads one response (toHead: the response to a HEAD, without a body); IOException when the
     * server closed before all of it came, or sent something that is no HTTP response.
     */
    public Response read(boolean toHead) throws IOException {
        while (true) {
            RawHttp.Framed framed = RawHttp.frame(received, 0, length, toHead, closed);
            if (framed != null && framed.response() == null)
                throw new IOException("not an HTTP response: " + new String(received, 0, Math.min(length, 200), StandardCharsets.ISO_8859_1));
            if (framed != null) {
                System.arraycopy(received, framed.end(), received, 0, length - framed.end());
                length -= framed.end();
                return framed.response();
            }
            if (closed) throw new IOException("the server closed the connection after " + length + " bytes of a response");
            fill();
        }
    }

    /** Reads until the server closes the connection (SocketTimeoutException if it does not); what came after the responses read. */
    public byte[] untilClose() throws IOException {
        while (!closed) fill();
        return Arrays.copyOf(received, length);
    }

    /** One read from the socket into what is received and not yet framed. */
    private void fill() throws IOException {
        if (length == received.length) received = Arrays.copyOf(received, 2 * length);
        int n = in.read(received, length, received.length - length);
        if (n < 0) closed = true;
        else length += n;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
