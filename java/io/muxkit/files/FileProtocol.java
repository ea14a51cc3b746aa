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
    private final Blocking blocking;
    private final RootDir root;
    private final FileServer.Config config;
    private Pointer buf = NativeMemory.allocate(CHUNK);
    private Pointer wbuf = NativeMemory.allocate(CHUNK);
    private final byte[] scratch = new byte[CHUNK];
    private final Handler handler = this::onReady;
    private final FdTable<FileConnection> conns = new FdTable<>();
    private final ResponseHead heads;
    private final FileCache cache;  // null with --no-cache, or when inotify is not to be had
    private final HttpDate lastModified = new HttpDate();
    long requests;  // read by FileServer.requests()

    FileProtocol(ServerLoop server, Blocking blocking, RootDir root, FileServer.Config config) {
        this.server = server;
        this.blocking = blocking;
        this.root = root;
        this.config = config;
        // no content sniffing; and where anyone may upload, uploaded HTML or SVG must not run as this origin
        this.heads = new ResponseHead(config.allowUpload()
                ? headers("X-Content-Type-Options", "nosniff", "Content-Security-Policy", "sandbox")
                : headers("X-Content-Type-Options", "nosniff"));
        FileCache made = null;
        if (config.cache() != null) {
            try {
                made = new FileCache(root, config.cache().perLoop(config.listen().loops()), server.loop());
            } catch (IOException e) {
                server.log("serving without a file cache: " + e.getMessage());
            }
        }
        this.cache = made;
        if (made != null) server.whenOutOfFds(made::giveBackFds);  // the cache's fds go before any client is refused
    }

    /** The cache's counters, or null without one. */
    FileCache.Stats cacheStats() {
        return cache == null ? null : cache.stats();
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

    /** Closes every connection, then the cache, and frees the buffers; a second call finds nothing left to do. */
    @Override
    public void closeAll() {
        conns.forEach(this::close);
        if (cache != null && buf != null) cache.close();
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
            newTurn(c);
            if ((ops & (READ | HANGUP)) != 0 && !c.peerDone) c.peerDone = readInput(c);
            advance(c);
        } catch (IOException e) {
            close(c);  // ECONNRESET, EPIPE, ...: the peer is gone
        } catch (RuntimeException e) {  // a bug of ours: this connection is closed, never left hanging
            server.log("closing a connection after an internal error: " + e);
            close(c);
        }
    }

    /** A worker finished this connection's work: carry on from where it stands, on the loop's thread. */
    private void resume(FileConnection c) {
        if (conns.get(c.fd) != c) return;  // closed meanwhile
        try {
            newTurn(c);
            advance(c);
        } catch (IOException e) {
            close(c);
        } catch (RuntimeException e) {
            server.log("closing a connection after an internal error: " + e);
            close(c);
        }
    }

    private static void newTurn(FileConnection c) {
        c.turnRequests = TURN_REQUESTS;
        c.turnBytes = TURN_BYTES;
    }

    /** Progress as far as the bytes, the turn and the workers allow, then the interest for what is left. */
    private void advance(FileConnection c) throws IOException {
        if (!progress(c)) return;
        boolean moreToDo = c.turnRequests <= 0 && c.inLen > 0;  // out of turn with requests waiting
        boolean working = c.state == FileConnection.State.WAITING || (c.upload != null && c.upload.busy);
        if (c.peerDone && !c.sending() && !moreToDo && !working) {
            close(c);
            return;
        }
        int interest = (!c.peerDone && c.room() > 0 ? READ : 0) | (c.sending() || moreToDo ? WRITE : 0);
        server.loop().setInterest(c.fd, interest);
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
            c.readBatch = server.loop().batch();
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
        } catch (HttpError e) {
            c.inLen = 0;  // nothing after a head we could not read can be trusted
            queueError(c, e);
            return true;
        }
        boolean getReadNow = cache != null && (c.request.method().equals("GET") || c.request.method().equals("HEAD"))
                && c.readBatch == server.loop().batch();
        if (getReadNow) serveAfterNextWait(c);
        else start(c, c.request);
        return true;
    }

    /**
     * A GET read in this batch waits for the next wait of the loop, which dispatches the file
     * cache's inotify fd first: the request's bytes arrived before that wait, so an event for a
     * write that returned before the request was sent is drained by then, and no stale entry is
     * served. (The inotify fd's own turn in this batch may have come before those bytes arrived.)
     */
    private void serveAfterNextWait(FileConnection c) {
        c.state = FileConnection.State.WAITING;
        server.loop().afterNextWait(() -> {
            if (conns.get(c.fd) != c) return;  // closed meanwhile
            c.state = FileConnection.State.HEAD;
            start(c, c.request);
            resume(c);
        });
    }

    /** Starts a parsed request: its response is queued, or the connection goes on to read its body. */
    private void start(FileConnection c, HttpRequest r) {
        try {
            switch (r.method()) {
                case "GET", "HEAD" -> serveFile(c, r);
                case "PUT" -> startUpload(c, r);
                default -> throw new HttpError(501, "method " + r.method() + " is not implemented", true);
            }
        } catch (HttpError e) {
            queueError(c, e);
        } catch (NativeIOException e) {
            queueError(c, new HttpError(500, e.getMessage(), true));
        } catch (RuntimeException e) {  // a bug of ours: the peer gets a 500 and the connection closes, not silence
            server.log("a request failed: " + e);
            queueError(c, new HttpError(500, "internal error", true));
        }
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
        String rel = path.relative();
        boolean useCache = cache != null && !path.trailingSlash();  // (only files are cached)
        FileCache.Entry cached = useCache ? cache.get(rel) : null;
        if (cached != null) {
            serveCached(c, r, cached);
            return;
        }
        RootDir.Opened opened = useCache ? cache.open(rel) : null;
        boolean cacheable = opened != null;
        if (opened == null) opened = cache != null ? cache.openUncached(rel) : root.openForReading(rel);
        RootDir.Stat st = opened.stat();
        if (!st.directory() && path.trailingSlash()) {  // "/file.txt/" names a directory that is not there, as open(2) says
            Fds.closeQuietly(opened.fd());
            throw new HttpError(404, "not a directory");
        }
        if (st.directory()) {
            if (!path.trailingSlash() && !rel.isEmpty()) {
                Fds.closeQuietly(opened.fd());
                String location = "/" + RequestPath.encode(rel) + "/";
                queue(c, 301, headers("Location", location), ("see " + location + "\n").getBytes(), false);
            } else {
                c.turnRequests -= LISTING_COST;
                if (!list(c, opened.fd(), rel, r.header("accept"))) Fds.closeQuietly(opened.fd());
            }
            return;
        }
        String modified = lastModified.format(st.mtimeSeconds()), type = MimeTypes.of(rel);
        if (cacheable) {
            byte[] head = st.size() <= FileCache.SMALL ? heads.render(200, okHeaders(st.etag(), modified, type, st.size()), null) : null;
            cached = cache.add(rel, opened, modified, type, head);
            if (cached != null) {
                serveCached(c, r, cached);
                return;
            }
        }
        respond(c, r, st, modified, type, opened.fd(), null);
    }

    /** The headers of a whole file's 200 response, in the order every response gives them. */
    private static Map<String, String> okHeaders(String etag, String lastModified, String type, long length) {
        return headers("ETag", etag, "Last-Modified", lastModified, "Accept-Ranges", "bytes", "Content-Type", type,
                "Content-Length", String.valueOf(length));
    }

    /**
     * A cached file: the plain case (HTTP/1.1 keep-alive, no range, no condition) is its stored
     * response sent as it is, one send; anything else is answered from its metadata, the body by
     * sendfile from its fd.
     */
    private void serveCached(FileConnection c, HttpRequest r, FileCache.Entry e) throws HttpError {
        boolean plain = r.http11() && r.keepAlive() && r.header("range") == null && r.header("if-none-match") == null
                && r.header("if-modified-since") == null;
        long second = System.currentTimeMillis() / 1000;
        if (plain && e.response != null && cache.patchDate(e, second, dateBytes(second))) {
            FileCache.hold(e);
            c.cached = e;
            c.cachedOffset = 0;
            c.cachedEnd = r.method().equals("HEAD") ? e.headLength : e.responseLength;
            c.closeAfterResponse = false;
            c.state = FileConnection.State.RESPONDING;
            return;
        }
        respond(c, r, e.stat, e.lastModified, e.contentType, e.fd, e);
    }

    private long dateSecond = -1;
    private byte[] dateBytes;

    /** The Date header's value for this second, as the stored responses carry it. */
    private byte[] dateBytes(long second) {
        if (second != dateSecond) {
            dateBytes = heads.date(second).getBytes(StandardCharsets.US_ASCII);
            dateSecond = second;
        }
        return dateBytes;
    }

    /**
     * Answers a GET or HEAD of a regular file open as fd: 304, 416, 206 or 200, the body by
     * sendfile. The fd is the response's to close, or the cache entry's (held until sent).
     */
    private void respond(FileConnection c, HttpRequest r, RootDir.Stat st, String modified, String type, int fd,
                         FileCache.Entry entry) {
        boolean keep = false;
        try {
            String etag = st.etag();
            Map<String, String> h = headers("ETag", etag, "Last-Modified", modified, "Accept-Ranges", "bytes");
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
            h.put("Content-Type", type);
            h.put("Content-Length", String.valueOf(length));
            queueHead(c, range == null ? 200 : 206, h, false);
            if (r.method().equals("GET") && length > 0) {
                c.bodyFd = fd;
                c.bodyEntry = entry;
                if (entry != null) FileCache.hold(entry);
                c.bodyOffset = start;
                c.bodyEnd = start + length;
                keep = true;
            }
        } finally {
            if (!keep && entry == null) Fds.closeQuietly(fd);
        }
    }

    /**
     * A worker reads and renders the listing (a large directory takes a while); the connection
     * waits for it, and the loop serves the others meanwhile. True when the worker took the fd.
     */
    private boolean list(FileConnection c, int dirFd, String rel, String accept) {
        c.state = FileConnection.State.WAITING;
        boolean taken = blocking.submit(server.loop(), () -> {
            Pointer scratch = NativeMemory.allocate(CHUNK);
            try {
                return Listing.render(dirFd, rel, accept, config.allowDotFiles(), scratch);
            } finally {
                NativeMemory.free(scratch);
                Fds.closeQuietly(dirFd);
            }
        }, (listing, failure) -> {
            if (conns.get(c.fd) != c) return;  // closed meanwhile
            if (listing != null)
                queue(c, 200, headers("Content-Type", listing.contentType(),
                        "X-Muxkit-Listing", listing.shown() + " of " + listing.total() + " entries"), listing.bytes(), false);
            else
                queueError(c, failure instanceof HttpError e ? e : new HttpError(500, "cannot list the directory", true));
            resume(c);
        });
        if (!taken) queueError(c, new HttpError(503, "the server is stopping", true));
        return taken;
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

    /**
     * Stages the body bytes that have arrived and hands them to a worker to write, one chunk at a
     * time; at the end, hands it the fsync and rename. True when the response is queued.
     */
    private boolean readBody(FileConnection c) {
        Upload u = c.upload;
        if (u.busy) return false;
        try {
            if (c.inLen > 0 && !u.bodyComplete()) c.consume(u.stage(c.in, c.inLen));
        } catch (HttpError e) {
            abortUpload(c);
            queueError(c, e);
            return true;
        } catch (IOException e) {
            abortUpload(c);
            queueError(c, new HttpError(500, e.getMessage(), true));
            return true;
        }
        if (u.staged() > 0) {
            submit(c, u, u::writeStaged);
        } else if (u.bodyComplete()) {
            submit(c, u, u::finish);
        }
        return c.state != FileConnection.State.BODY;  // (a refused submit queued its error)
    }

    /** Hands the upload to a worker; its outcome comes back to uploadDone on this loop. */
    private <T> void submit(FileConnection c, Upload u, Blocking.Work<T> work) {
        u.busy = true;
        if (!blocking.submit(server.loop(), work, (result, failure) -> uploadDone(c, u, result, failure))) {
            u.busy = false;
            abortUpload(c);
            queueError(c, new HttpError(503, "the server is stopping", true));
        }
    }

    /** A worker wrote a chunk (result null) or finished the upload (result its 201 or 204), or failed. */
    private void uploadDone(FileConnection c, Upload u, Object result, Exception failure) {
        u.busy = false;
        if (u.abandoned) {  // the connection went while the worker had the upload
            u.abort();
            return;
        }
        if (failure != null) {
            abortUpload(c);
            boolean full = failure instanceof NativeIOException n && n.errno() == Native.ENOSPC;
            queueError(c, new HttpError(full ? 507 : 500, failure.getMessage(), true));
        } else if (result instanceof Integer status) {
            u.abort();  // frees the staging; the file has its name
            c.upload = null;
            if (cache != null) cache.dropPath(u.target());  // our own write: before its response, not when the event comes
            queue(c, status, headers(), null, false);
        } else {
            u.written();
        }
        resume(c);
    }

    /** Gives up the upload; one a worker has now is abandoned, and aborted when the worker is done with it. */
    private static void abortUpload(FileConnection c) {
        if (c.upload != null && c.upload.busy) c.upload.abandoned = true;
        else if (c.upload != null) c.upload.abort();
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
        while (c.cached != null) {  // a stored response of the cache, from its native memory
            if (c.turnBytes <= 0) return false;
            server.countIo();
            int w = Fds.send(c.fd, c.cached.response, c.cachedOffset, c.cachedEnd - c.cachedOffset, false);
            if (w == Native.AGAIN) return false;
            c.cachedOffset += w;
            c.turnBytes -= w;
            c.lastActiveNanos = System.nanoTime();
            if (c.cachedOffset == c.cachedEnd) {
                FileCache.release(c.cached);
                c.cached = null;
            }
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

    /** The body's fd is closed, or (a cache entry's) given back to the cache. */
    private void closeBody(FileConnection c) {
        if (c.bodyEntry != null) FileCache.release(c.bodyEntry);
        else Fds.closeQuietly(c.bodyFd);
        c.bodyEntry = null;
        c.bodyFd = -1;
    }

    /** Gives back what the connection holds besides its socket. */
    private void release(FileConnection c) {
        abortUpload(c);
        closeBody(c);
        if (c.cached != null) FileCache.release(c.cached);
        c.cached = null;
    }

    private void close(FileConnection c) {
        conns.remove(c.fd);
        release(c);
        server.closeConnection(c.fd);
    }
}
