package io.muxkit.files;

import static io.muxkit.http.ResponseHead.headers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import io.muxkit.http.HttpError;
import io.muxkit.http.HttpRequest;
import io.muxkit.http.ResponseHead;
import io.muxkit.net.Sockets;

/**
 * Responses put on a connection's stream: heads rendered for the request they answer (its
 * version, its keep-alive), small bodies from memory, errors. The writing side's encoder, as
 * hyper's role.rs is. One per loop.
 */
final class Responses {
    private final ResponseHead heads;
    private final String allow;
    private final Consumer<String> log;  // the server's log: rate-limited, on stderr
    private final long maxUpload;
    private long dateSecond = -1;
    private byte[] dateBytes;

    Responses(boolean allowUpload, long maxUpload, Consumer<String> log) {
        this.allow = allowUpload ? "GET, HEAD, PUT, OPTIONS" : "GET, HEAD, OPTIONS";
        this.maxUpload = maxUpload;
        this.log = log;
        // no content sniffing; and where anyone may upload, uploaded HTML or SVG must not run as this origin
        this.heads = new ResponseHead(allowUpload
                ? headers("X-Content-Type-Options", "nosniff", "Content-Security-Policy", "sandbox")
                : headers("X-Content-Type-Options", "nosniff"));
    }

    /** A head that answers no request in particular (the cache stores it with a file). */
    byte[] render(int status, Map<String, String> h) {
        return heads.render(status, h, null);
    }

    /** The methods this server takes, as the Allow header lists them (405 and OPTIONS responses). */
    String allow() {
        return allow;
    }

    /** The Date header's value for this second, as the stored responses carry it. */
    byte[] dateBytes(long second) {
        if (second != dateSecond) {
            dateBytes = heads.date(second).getBytes(StandardCharsets.US_ASCII);
            dateSecond = second;
        }
        return dateBytes;
    }

    /**
     * An error response; after a refused PUT the connection closes, since its body was not read
     * (the lingering close drops the rest of it, so a client still sending it can read the refusal).
     * A failure of the server's own (a 5xx other than 501 and 505, which explain the request's
     * mistake) shows the client its status and reason only, as nginx does: its detail (an errno,
     * a system call, an fd) goes to the server's log with the peer's address.
     */
    void error(FileConnection c, HttpError e) {
        Map<String, String> h = headers("Content-Type", "text/plain; charset=utf-8");
        if (e.status == 405) h.put("Allow", allow);
        String statusLine = e.status + " " + ResponseHead.reason(e.status);
        boolean ours = e.status >= 500 && e.status != 501 && e.status != 505;
        if (ours) log.accept(statusLine + " to " + Sockets.peerAddress(c.fd, "a peer already gone") + (c.request == null ? "" : " for " + c.request.method() + " "
                + c.request.target()) + ": " + e.getMessage());
        String body = statusLine + (ours ? "" : ": " + e.getMessage()) + "\n";
        boolean bodyUnread = c.request != null && c.request.method().equals("PUT");
        if (bodyUnread) c.refusedBody(bodyToCome(c.request));
        whole(c, e.status, h, body.getBytes(StandardCharsets.UTF_8), e.close || bodyUnread);
    }

    /** The most a refused PUT may still send: its declared length, or --max-upload when chunked; 0 when its framing was bad. */
    private long bodyToCome(HttpRequest r) {
        try {
            return r.chunked() ? maxUpload : Math.max(0, r.contentLength());
        } catch (HttpError malformed) {
            return 0;
        }
    }

    /** A complete response: head and (except for HEAD requests) a small body from memory. */
    void whole(FileConnection c, int status, Map<String, String> h, byte[] body, boolean close) {
        boolean noBody = status == 204 || status == 304;
        if (!noBody) h.put("Content-Length", String.valueOf(body == null ? 0 : body.length));
        byte[] head = render(c, status, h, close);
        boolean sendBody = body != null && !noBody && (c.request == null || !c.request.method().equals("HEAD"));
        byte[] all = sendBody ? Arrays.copyOf(head, head.length + body.length) : head;
        if (sendBody) System.arraycopy(body, 0, all, head.length, body.length);
        c.queue(all);
        c.responding();
    }

    /** A response head whose body (if any) the caller queues after it. */
    void head(FileConnection c, int status, Map<String, String> h, boolean close) {
        c.queue(render(c, status, h, close));
        c.responding();
    }

    private byte[] render(FileConnection c, int status, Map<String, String> h, boolean close) {
        c.closeAfterResponse = close || c.request == null || !c.request.keepAlive();
        String connection = c.closeAfterResponse ? "close" : !c.request.http11() ? "keep-alive" : null;
        return heads.render(status, h, connection);
    }
}
