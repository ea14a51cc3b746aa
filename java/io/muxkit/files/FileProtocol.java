package io.muxkit.files;

import static io.muxkit.http.ResponseHead.headers;
import static io.muxkit.mux.Multiplexer.ERROR;
import static io.muxkit.mux.Multiplexer.HANGUP;
import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.http.ByteRange;
import io.muxkit.http.Conditionals;
import io.muxkit.http.HttpDate;
import io.muxkit.http.HttpError;
import io.muxkit.http.HttpRequest;
import io.muxkit.http.ResponseHead;
import io.muxkit.loop.FdTable;
import io.muxkit.loop.Handler;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;
import io.muxkit.tcp.Protocol;
import io.muxkit.tcp.ServerLoop;
import jnr.ffi.Pointer;

/**
 * HTTP/1.1 file serving on one loop: the connection's state machine (head, body, response),
 * GET and HEAD with sendfile(2), conditional requests and one byte range; directory listings
 * ({@link Listing}) and PUT ({@link Upload}). Files are opened beneath the root only, and never
 * registered with the multiplexer.
 */
final class FileProtocol implements Protocol {
    private static final int CHUNK = 64 * 1024;
    /**
     * After a response that closes the connection, its input is still read (and dropped) for up
     * to this long, or this many bytes, as nginx's lingering close does: closing a socket with
     * unread input makes the kernel send RST, which can destroy the response on its way.
     */
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final long LINGER_BYTES = 256 * 1024;
    /**
     * What one connection may do per turn (one readiness event) before the others get theirs:
     * requests started (a directory listing counts as many) and bytes sent. A connection with more
     * to do keeps WRITE interest, so the next wait gives it another turn: one peer pipelining
     * requests, or downloading from a fast socket, cannot hold the loop.
     */
    private static final int TURN_REQUESTS = 16, LISTING_COST = 16;
    private static final long TURN_BYTES = 2 << 20;

    private final ServerLoop server;
    private final RootDir root;
    private final FileServer.Config config;
    private Pointer buf = NativeMemory.allocate(CHUNK);
    private Pointer wbuf = NativeMemory.allocate(CHUNK);
    private final byte[] scratch = new byte[CHUNK];
    private final Handler handler = this::onReady;
    private final FdTable<FileConnection> conns = new FdTable<>();
    private final ResponseHead heads;
    private final HttpDate lastModified = new HttpDate();
    long requests;  // read by FileServer.requests()

    FileProtocol(ServerLoop server, RootDir root, FileServer.Config config) {
        this.server = server;
        this.root = root;
        this.config = config;
        // no content sniffing; and where anyone may upload, uploaded HTML or SVG must not run as this origin
        this.heads = new ResponseHead(config.allowUpload()
                ? headers("X-Content-Type-Options", "nosniff", "Content-Security-Policy", "sandbox")
                : headers("X-Content-Type-Options", "nosniff"));
    }

    @Override
    public Handler handler() {
        return handler;
    }

    @Override
    public void opened(int fd) {
        conns.put(fd, new FileConnection(fd, System.nanoTime()));
    }

    /** Idle peers are closed; a head that has been trickling in since before then gets a 408 first. */
    @Override
    public void closeIdle(long activeSinceNanos) {
        long now = System.nanoTime();
        conns.forEach(c -> {
            if (c.state == FileConnection.State.LINGERING) {
                if (now - c.lingerUntilNanos > 0) close(c);
            } else if (c.state == FileConnection.State.HEAD && c.headStartNanos != 0 && c.headStartNanos < activeSinceNanos
                    && !c.sending()) {
                queueError(c, new HttpError(408, "the request head took too long", true));
                c.turnBytes = TURN_BYTES;
                try {
                    if (flush(c)) linger(c);  // the 408 is a courtesy: what does not go out at once is dropped
                    else close(c);
                } catch (IOException e) {
                    close(c);
                }
            } else if (c.lastActiveNanos < activeSinceNanos) {
                conns.remove(c.fd);
                release(c);
                server.closedIdle(c.fd);
            }
        });
    }

    /** Closes every connection and frees the buffers; a second call finds nothing left to do. */
    @Override
    public void closeAll() {
        conns.forEach(this::close);
        NativeMemory.free(buf);
        NativeMemory.free(wbuf);
        buf = wbuf = null;
    }

    // ---- the connection's state machine ----

    private void onReady(int fd, int ops) {
        FileConnection c = conns.get(fd);
        if (c == null) return;
        try {
            if ((ops & ERROR) != 0) {
                close(c);
                return;
            }
            if (c.state == FileConnection.State.LINGERING) {
                if (drop(c)) close(c);
                return;
            }
            c.turnRequests = TURN_REQUESTS;
            c.turnBytes = TURN_BYTES;
            if ((ops & (READ | HANGUP)) != 0 && !c.peerDone) c.peerDone = readInput(c);
            if (!progress(c)) return;
            boolean moreToDo = c.turnRequests <= 0 && c.inLen > 0;  // out of turn with requests waiting
            if (c.peerDone && !c.sending() && !moreToDo) {
                close(c);
                return;
            }
            int interest = (!c.peerDone && c.room() > 0 ? READ : 0) | (c.sending() || moreToDo ? WRITE : 0);
            server.loop().setInterest(fd, interest);
        } catch (IOException e) {
            close(c);  // ECONNRESET, EPIPE, ...: the peer is gone
        } catch (RuntimeException e) {  // a bug of ours: this connection is closed, never left hanging
            server.log("closing a connection after an internal error: " + e);
            close(c);
        }
    }

    /** Reads what is there into c.in, as much as it has room for; true when the peer has closed its side. */
    private boolean readInput(FileConnection c) throws NativeIOException {
        for (int i = 0; i < 16 && c.room() > 0; i++) {
            int want = Math.min(CHUNK, c.room());
            server.countIo();
            int n = Fds.read(c.fd, buf, want);
            if (n == Native.AGAIN) return false;
            if (n == 0) return true;
            buf.get(0, scratch, 0, n);
            c.append(scratch, n);
            c.lastActiveNanos = System.nanoTime();
            if (c.state == FileConnection.State.HEAD && c.headStartNanos == 0) c.headStartNanos = c.lastActiveNanos;
            if (n < want) return false;
        }
        return false;
    }

    /** Sends, reads bodies and parses requests as far as the bytes allow; false once the connection is closed or lingering. */
    private boolean progress(FileConnection c) throws IOException {
        while (true) {
            if (c.sending()) {
                if (!flush(c)) return true;
                if (c.state == FileConnection.State.RESPONDING) {
                    if (c.closeAfterResponse) {
                        linger(c);
                        return false;
                    }
                    c.state = FileConnection.State.HEAD;
                    c.request = null;
                    c.startChecked = false;
                    c.headStartNanos = c.inLen > 0 ? System.nanoTime() : 0;
                }
                continue;
            }
            if (c.state == FileConnection.State.BODY) {
                if (!readBody(c)) return true;
                continue;
            }
            if (c.state != FileConnection.State.HEAD || c.inLen == 0 || c.turnRequests <= 0) return true;
            if (!nextRequest(c)) return true;
        }
    }

    /** Parses and starts one request if its head is complete; false when more bytes are needed. */
    private boolean nextRequest(FileConnection c) {
        if (!c.startChecked) {
            if (c.inLen == 1 && c.in[0] == '\r') return false;  // perhaps the empty line a request may follow
            c.consume(HttpRequest.leadingEmptyLine(c.in, c.inLen));  // one empty line before a request is ignored
            c.startChecked = true;
        }
        int headLength;
        try {
            HttpRequest.checkStart(c.in, c.inLen);  // TLS, binary garbage, bare LFs: refused now, not after the idle timeout
            headLength = HttpRequest.headLength(c.in, c.inLen);
        } catch (HttpError e) {
            c.inLen = 0;
            queueError(c, e);
            return true;
        }
        if (headLength < 0) {
            HttpError tooLong = headTooLong(c);
            if (tooLong == null) return false;
            c.inLen = 0;
            queueError(c, tooLong);
            return true;
        }
        try {
            if (requestLineEnd(c) > HttpRequest.MAX_REQUEST_LINE)
                throw new HttpError(414, "request line longer than " + HttpRequest.MAX_REQUEST_LINE + " bytes", true);
            if (headLength > HttpRequest.MAX_HEAD)
                throw new HttpError(431, "request head longer than " + HttpRequest.MAX_HEAD + " bytes", true);
            HttpRequest r = HttpRequest.parse(c.in, headLength);
            c.consume(headLength);
            c.request = r;
            c.turnRequests--;
            requests++;
            switch (r.method()) {
                case "GET", "HEAD" -> serveFile(c, r);
                case "PUT" -> startUpload(c, r);
                default -> throw new HttpError(501, "method " + r.method() + " is not implemented", true);
            }
        } catch (HttpError e) {
            if (c.request == null) c.inLen = 0;  // nothing after a head we could not read can be trusted
            queueError(c, e);
        } catch (NativeIOException e) {
            queueError(c, new HttpError(500, e.getMessage(), true));
        } catch (RuntimeException e) {  // a bug of ours: the peer gets a 500 and the connection closes, not silence
            server.log("a request failed: " + e);
            queueError(c, new HttpError(500, "internal error", true));
        }
        return true;
    }

    /** An incomplete head that is already too long: 414 for the request line, 431 for the rest; else null. */
    private static HttpError headTooLong(FileConnection c) {
        int lineEnd = requestLineEnd(c);
        if (lineEnd > HttpRequest.MAX_REQUEST_LINE || (lineEnd < 0 && c.inLen > HttpRequest.MAX_REQUEST_LINE))
            return new HttpError(414, "request line longer than " + HttpRequest.MAX_REQUEST_LINE + " bytes", true);
        if (c.inLen > HttpRequest.MAX_HEAD)
            return new HttpError(431, "request head longer than " + HttpRequest.MAX_HEAD + " bytes", true);
        return null;
    }

    /** Index of the CR ending the request line, or -1 if it has not arrived. */
    private static int requestLineEnd(FileConnection c) {
        for (int i = 0; i + 1 < c.inLen; i++) if (c.in[i] == '\r' && c.in[i + 1] == '\n') return i;
        return -1;
    }

    /** The last response is out: shut our side, and read and drop what the peer still sends until it closes. */
    private void linger(FileConnection c) throws IOException {
        if (config.listen().idleTimeoutMillis() <= 0) {  // no sweeps would end it: close now
            close(c);
            return;
        }
        release(c);
        Sockets.shutdownOutput(c.fd);
        c.state = FileConnection.State.LINGERING;
        c.lingerUntilNanos = System.nanoTime() + LINGER_NANOS;
        c.inLen = 0;
        if (drop(c)) close(c);
        else server.loop().setInterest(c.fd, READ);
    }

    /** Reads and drops the peer's bytes; true when it is time to close (the peer closed, or sent too much). */
    private boolean drop(FileConnection c) throws NativeIOException {
        while (true) {
            server.countIo();
            int n = Fds.read(c.fd, buf, CHUNK);
            if (n == Native.AGAIN) return false;
            if (n == 0) return true;
            c.lingerBytes += n;
            if (c.lingerBytes > LINGER_BYTES) return true;
        }
    }

    // ---- GET and HEAD ----

    private void serveFile(FileConnection c, HttpRequest r) throws HttpError, NativeIOException {
        if (r.contentLength() > 0 || r.chunked()) throw new HttpError(400, r.method() + " with a body", true);
        RequestPath path = RequestPath.decode(r.target(), config.allowDotFiles());
        RootDir.Opened opened = root.openForReading(path.relative());
        int fd = opened.fd();
        boolean keep = false;
        try {
            RootDir.Stat st = opened.stat();
            if (st.directory()) {
                if (!path.trailingSlash() && !path.relative().isEmpty()) {
                    String location = "/" + RequestPath.encode(path.relative()) + "/";
                    queue(c, 301, headers("Location", location), ("see " + location + "\n").getBytes(), false);
                } else {
                    c.turnRequests -= LISTING_COST;
                    Listing.Body listing = Listing.render(fd, path.relative(), r.header("accept"), config.allowDotFiles(), buf);
                    queue(c, 200, headers("Content-Type", listing.contentType(),
                            "X-Muxkit-Listing", listing.shown() + " of " + listing.total() + " entries"), listing.bytes(), false);
                }
                return;
            }
            String etag = st.etag();
            Map<String, String> h = headers("ETag", etag, "Last-Modified", lastModified.format(st.mtimeSeconds()),
                    "Accept-Ranges", "bytes");
            if (Conditionals.notModified(r, etag, st.mtimeSeconds())) {
                queue(c, 304, h, null, false);
                return;
            }
            ByteRange range;
            try {
                range = Conditionals.rangeApplies(r, etag, st.mtimeSeconds()) ? ByteRange.parse(r.header("range"), st.size()) : null;
            } catch (HttpError e) {
                h.put("Content-Range", "bytes */" + st.size());
                queue(c, 416, h, (e.getMessage() + "\n").getBytes(), false);
                return;
            }
            long start = range == null ? 0 : range.start(), length = range == null ? st.size() : range.length();
            if (range != null) h.put("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + st.size());
            h.put("Content-Type", MimeTypes.of(path.relative()));
            h.put("Content-Length", String.valueOf(length));
            queueHead(c, range == null ? 200 : 206, h, false);
            if (r.method().equals("GET") && length > 0) {
                c.bodyFd = fd;
                c.bodyOffset = start;
                c.bodyEnd = start + length;
                keep = true;
            }
        } finally {
            if (!keep) Fds.closeQuietly(fd);
        }
    }

    // ---- PUT ----

    private void startUpload(FileConnection c, HttpRequest r) throws HttpError, NativeIOException {
        if (!config.allowUpload())
            throw new HttpError(405, "uploads are off (start the server with --allow-upload)", true);
        String expect = r.header("expect");
        boolean continueExpected = expect != null && expect.equalsIgnoreCase("100-continue");
        if (expect != null && !continueExpected)
            throw new HttpError(417, "Expect: " + expect + " is not supported (only 100-continue)", true);
        c.upload = Upload.begin(root, r, RequestPath.decode(r.target(), config.allowDotFiles()), config.maxUpload());
        c.state = FileConnection.State.BODY;
        if (continueExpected && r.http11()) c.out = ResponseHead.CONTINUE;
    }

    /** Writes the body bytes that have arrived; true when the body is complete (and the response queued). */
    private boolean readBody(FileConnection c) {
        try {
            if (!c.upload.complete()) {  // an empty body is complete before any byte arrives
                if (c.inLen == 0) return false;
                c.consume(c.upload.take(c.in, c.inLen, wbuf));
                if (!c.upload.complete()) return false;
            }
            int status = c.upload.finish();
            c.upload = null;
            queue(c, status, headers(), null, false);
        } catch (HttpError e) {
            abortUpload(c);
            queueError(c, e);
        } catch (IOException e) {
            abortUpload(c);
            boolean full = e instanceof NativeIOException n && n.errno() == Native.ENOSPC;
            queueError(c, new HttpError(full ? 507 : 500, e.getMessage(), true));
        }
        return true;
    }

    private static void abortUpload(FileConnection c) {
        if (c.upload != null) c.upload.abort();
        c.upload = null;
    }

    // ---- responses ----

    /** An error response; after a refused PUT the connection closes, since its body was not read. */
    private void queueError(FileConnection c, HttpError e) {
        Map<String, String> h = headers("Content-Type", "text/plain; charset=utf-8");
        if (e.status == 405) h.put("Allow", "GET, HEAD");
        String body = e.status + " " + ResponseHead.reason(e.status) + ": " + e.getMessage() + "\n";
        boolean bodyUnread = c.request != null && c.request.method().equals("PUT");
        queue(c, e.status, h, body.getBytes(StandardCharsets.UTF_8), e.close || bodyUnread);
    }

    /** A complete response: head and (except for HEAD requests) a small body from memory. */
    private void queue(FileConnection c, int status, Map<String, String> h, byte[] body, boolean close) {
        boolean noBody = status == 204 || status == 304;
        if (!noBody) h.put("Content-Length", String.valueOf(body == null ? 0 : body.length));
        byte[] head = head(c, status, h, close);
        boolean sendBody = body != null && !noBody && (c.request == null || !c.request.method().equals("HEAD"));
        byte[] all = sendBody ? Arrays.copyOf(head, head.length + body.length) : head;
        if (sendBody) System.arraycopy(body, 0, all, head.length, body.length);
        appendOut(c, all);
        c.state = FileConnection.State.RESPONDING;
    }

    /** A response head whose body (if any) comes from c.bodyFd. */
    private void queueHead(FileConnection c, int status, Map<String, String> h, boolean close) {
        appendOut(c, head(c, status, h, close));
        c.state = FileConnection.State.RESPONDING;
    }

    private byte[] head(FileConnection c, int status, Map<String, String> h, boolean close) {
        c.closeAfterResponse = close || c.request == null || !c.request.keepAlive();
        String connection = c.closeAfterResponse ? "close" : !c.request.http11() ? "keep-alive" : null;
        return heads.render(status, h, connection);
    }

    private static void appendOut(FileConnection c, byte[] bytes) {
        if (c.out == null) {
            c.out = bytes;
            c.outOff = 0;
        } else {  // after a 100 Continue still going out
            byte[] joined = Arrays.copyOf(c.out, c.out.length + bytes.length);
            System.arraycopy(bytes, 0, joined, c.out.length, bytes.length);
            c.out = joined;
        }
    }

    /** Writes what is queued, as much as this turn allows; true when all of it is out. */
    private boolean flush(FileConnection c) throws IOException {
        while (c.out != null) {
            if (c.turnBytes <= 0) return false;
            int n = Math.min(c.out.length - c.outOff, CHUNK);
            wbuf.put(0, c.out, c.outOff, n);
            server.countIo();
            boolean more = c.bodyFd >= 0 || c.outOff + n < c.out.length;
            int w = Fds.send(c.fd, wbuf, 0, n, more);
            if (w == Native.AGAIN) return false;
            c.outOff += w;
            c.turnBytes -= w;
            c.lastActiveNanos = System.nanoTime();  // a slow reader that is making progress is not idle
            if (c.outOff == c.out.length) c.out = null;
        }
        while (c.bodyFd >= 0 && c.bodyOffset < c.bodyEnd) {
            if (c.turnBytes <= 0) return false;
            server.countIo();
            long s = Fds.sendfile(c.fd, c.bodyFd, c.bodyOffset, Math.min(c.bodyEnd - c.bodyOffset, c.turnBytes));
            if (s == Native.AGAIN) return false;  // the socket is full: wait for WRITE
            if (s == 0) throw new IOException("the file shrank while it was being sent");
            c.bodyOffset += s;
            c.turnBytes -= s;
            c.lastActiveNanos = System.nanoTime();
        }
        closeBody(c);
        return true;
    }

    private static void closeBody(FileConnection c) {
        Fds.closeQuietly(c.bodyFd);
        c.bodyFd = -1;
    }

    /** Gives back what the connection holds besides its socket. */
    private static void release(FileConnection c) {
        abortUpload(c);
        closeBody(c);
    }

    private void close(FileConnection c) {
        conns.remove(c.fd);
        release(c);
        server.closeConnection(c.fd);
    }
}
