package io.muxkit.files;

import static io.muxkit.http.ResponseHead.headers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import io.muxkit.http.HttpError;
import io.muxkit.http.ResponseHead;

/**
 * Responses put on a connection's stream: heads rendered for the request they answer (its
 * version, its keep-alive), small bodies from memory, errors. The writing side's encoder, as
 * hyper's role.rs is. One per loop.
 */
final class Responses {
    private final ResponseHead heads;
    private final String allow;
    private long dateSecond = -1;
    private byte[] dateBytes;

    Responses(boolean allowUpload) {
        this.allow = allowUpload ? "GET, HEAD, PUT, OPTIONS" : "GET, HEAD, OPTIONS";
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

    /** An error response; after a refused PUT the connection closes, since its body was not read. */
    void error(FileConnection c, HttpError e) {
        Map<String, String> h = headers("Content-Type", "text/plain; charset=utf-8");
        if (e.status == 405) h.put("Allow", allow);
        String body = e.status + " " + ResponseHead.reason(e.status) + ": " + e.getMessage() + "\n";
        boolean bodyUnread = c.request != null && c.request.method().equals("PUT");
        whole(c, e.status, h, body.getBytes(StandardCharsets.UTF_8), e.close || bodyUnread);
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
