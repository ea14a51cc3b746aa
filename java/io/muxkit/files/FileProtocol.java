package io.muxkit.files;

import static io.muxkit.http.ResponseHead.headers;
import static io.muxkit.mux.Multiplexer.ERROR;
import static io.muxkit.mux.Multiplexer.HANGUP;
import static io.muxkit.mux.Multiplexer.READ;

import java.io.IOException;

import io.muxkit.ffi.NativeIOException;
import io.muxkit.http.HttpError;
import io.muxkit.http.HttpRequest;
import io.muxkit.loop.Handler;
import io.muxkit.tcp.Connections;
import io.muxkit.tcp.Protocol;
import io.muxkit.tcp.ServerLoop;

/**
 * HTTP/1.1 file serving on one loop: the driver of each connection (hyper's dispatch.rs). It
 * reads what the stream gives into the reading side, frames heads ({@link io.muxkit.http.HeadFramer}),
 * hands each request to {@link GetResponder} or {@link PutHandler}, and moves on when the writing
 * side's response is out; a response that closes the connection ends in a lingering close. Files
 * are opened beneath the root only, and never registered with the multiplexer.
 */
final class FileProtocol implements Protocol {
    private static final int CHUNK = 64 * 1024;
    /** Bytes one turn may send: a peer downloading from a fast socket cannot hold the loop (see FileConnection.TURN_REQUESTS). */
    private static final long TURN_BYTES = 2 << 20;
    /** Responses to pipelined requests queued behind one still going out, at most (more wait): a send's worth on completions. */
    private static final long PIPELINED_BYTES = 16 * 1024;

    private final ServerLoop server;
    private final FileServerConfig config;
    private final RootDir root;
    private final Connections<FileConnection> conns;
    private final Handler handler = this::onReady;
    private final FileCache cache;  // null with --no-cache, or when inotify is not to be had
    private final Responses responses;
    private final GetResponder gets;
    private final PutHandler puts;
    private boolean closed;
    long requests;  // read by FileServer.requests()

    FileProtocol(ServerLoop server, Blocking blocking, RootDir root, FileServerConfig config) {
        this.server = server;
        this.config = config;
        this.root = root;
        this.conns = new Connections<>(server, new Connections.Settings(CHUNK, TURN_BYTES, true, true, null));
        FileCache made = null;
        if (config.cache() != null) {
            try {
                made = new FileCache(root, config.cache().perLoop(config.listen().loops()), server.loop());
            } catch (IOException e) {
                server.log("serving without a file cache: " + e.getMessage());
            }
        }
        this.cache = made;
        this.responses = new Responses(config.allowUpload(), config.maxUpload(), server::log);
        this.gets = new GetResponder(root, cache, config, blocking, conns, responses, this::resume);
        this.puts = new PutHandler(root, cache, config, blocking, server.loop(), responses, this::resume);
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
        conns.add(new FileConnection(conns, fd));
    }

    /** Idle peers are closed; a head that has been trickling in since before then gets a 408 first. */
    @Override
    public void closeIdle(long activeSinceNanos) {
        long now = System.nanoTime();
        conns.forEach(c -> {
            if (c.reading == FileConnection.Reading.LINGERING) {
                if (now - c.lingerUntilNanos > 0) close(c);
            } else if (c.reading == FileConnection.Reading.HEAD && c.headStartNanos != 0
                    && c.headStartNanos < activeSinceNanos && !c.hasQueued()) {
                responses.error(c, new HttpError(408, "the request head took too long", true));
                c.newTurn();
                try {
                    if (c.flush()) linger(c);  // the 408 is a courtesy: what does not go out at once is dropped
                    else close(c);
                } catch (IOException e) {
                    close(c);
                }
            } else if (c.lastActiveNanos() < activeSinceNanos) {
                PutHandler.abort(c);
                conns.closeIdle(c);
            }
        });
    }

    /** Closes every connection, then the cache, and frees the buffers; a second call finds nothing left to do. */
    @Override
    public void closeAll() {
        conns.forEach(this::close);
        conns.closeAll();
        if (cache != null && !closed) cache.close();
        closed = true;
    }

    private void onReady(int fd, int ops) {
        FileConnection c = conns.get(fd);
        if (c != null) turn(c, ops);
    }

    /** A worker (or the loop's next wait) finished this connection's work: carry on from where it stands. */
    private void resume(FileConnection c) {
        if (conns.open(c)) turn(c, 0);  // (else closed meanwhile)
    }

    /** One turn: read what is there (ops says it is), then go as far as the turn allows. */
    private void turn(FileConnection c, int ops) {
        try {
            if ((ops & ERROR) != 0) {
                close(c);
                return;
            }
            c.newTurn();
            if (c.reading == FileConnection.Reading.LINGERING) {
                if (c.dropInput()) close(c);
                return;
            }
            if ((ops & (READ | HANGUP)) != 0) c.readInput(server.loop().batch());
            advance(c);
        } catch (IOException e) {
            close(c);  // ECONNRESET, EPIPE, ...: the peer is gone
        } catch (RuntimeException e) {  // a bug of ours: this connection is closed, never left hanging
            server.log("closing a connection after an internal error: " + e);
            close(c);
        }
    }

    /** Progress as far as the bytes, the turn and the workers allow, then the interest for what is left. */
    private void advance(FileConnection c) throws IOException {
        if (!progress(c)) return;
        // requests wait: the turn is spent, or a response is still going out (on completions the next
        // wait then does not wait for a batch: that response's completion is what lets them start)
        boolean moreToDo = c.inLen > 0 && (c.turnRequests <= 0 || c.hasQueued());
        boolean working = c.waiting() || (c.upload != null && c.upload.busy);
        if (c.peerClosed() && !c.hasQueued() && !moreToDo && !working) {
            close(c);
            return;
        }
        c.interest(!c.peerClosed() && c.room() > 0, moreToDo);
    }

    /** Sends, reads bodies and starts requests as far as the bytes allow; false once the connection is closed or lingering. */
    private boolean progress(FileConnection c) throws IOException {
        while (true) {
            if (c.hasQueued() || c.writing == FileConnection.Writing.RESPONSE) {
                if (!c.flush()) {
                    // still going out: a whole response, small, with the next request already read,
                    // lets that request start, its response queued behind (on completions, one send
                    // for a pipelined batch); past PIPELINED_BYTES, requests wait for the queue
                    if (c.writing == FileConnection.Writing.RESPONSE && !c.closeAfterResponse && c.inLen > 0
                            && c.queuedBytes() <= PIPELINED_BYTES) {
                        c.responseDone();
                        continue;
                    }
                    return true;
                }
                if (c.writing == FileConnection.Writing.RESPONSE) {
                    if (c.closeAfterResponse) {
                        linger(c);
                        return false;
                    }
                    c.responseDone();
                }
                continue;
            }
            if (c.reading == FileConnection.Reading.BODY) {
                if (!puts.readBody(c)) return true;
                continue;
            }
            if (c.reading != FileConnection.Reading.HEAD || c.inLen == 0 || c.turnRequests <= 0) return true;
            if (!nextRequest(c)) return true;
        }
    }

    /** Frames and starts one request if its head is complete; false when more bytes are needed. */
    private boolean nextRequest(FileConnection c) {
        HttpRequest r;
        try {
            r = c.framer.frame(c.in, c.inLen);
            c.consume(c.framer.consumed());
        } catch (HttpError e) {
            c.inLen = 0;  // nothing after a head we could not read can be trusted
            responses.error(c, e);
            return true;
        }
        if (r == null) return false;
        c.request = r;
        c.turnRequests--;
        requests++;
        boolean needsFresh = cache != null && (r.method().equals("GET") || r.method().equals("HEAD"))
                && c.readBatch == server.loop().batch();
        if (needsFresh && !cache.catchUpNow()) serveAfterNextWait(c);
        else start(c, r);
        return true;
    }

    /**
     * A GET read in this batch waits for the next wait of the loop, which dispatches the file
     * cache's inotify fd first: the request's bytes arrived before that wait, so an event for a
     * write that returned before the request was sent is drained by then, and no stale entry is
     * served. (The inotify fd's own turn in this batch may have come before those bytes arrived.)
     * A completion loop reads the inotify fd at once instead ({@link FileCache#catchUpNow}): its
     * waits batch completions, and a turn more for every GET would break the batches.
     */
    private void serveAfterNextWait(FileConnection c) {
        c.reading = FileConnection.Reading.DONE;  // writing stays IDLE: the request waits
        server.loop().afterNextWait(() -> {
            if (!conns.open(c)) return;  // closed meanwhile
            start(c, c.request);
            resume(c);
        });
    }

    /** Starts a request: its response is queued, it waits for a worker, or the connection goes on to read its body. */
    private void start(FileConnection c, HttpRequest r) {
        try {
            c.reading = FileConnection.Reading.DONE;
            switch (r.method()) {
                case "GET", "HEAD" -> gets.serve(c, r);
                case "PUT" -> puts.start(c, r);
                case "OPTIONS" -> {  // of a path or of the server ("*"): 200 with Allow, as Apache and lighttpd (RFC 9110 section 9.3.7)
                    if (!r.target().equals("*")) RequestPath.decode(r.target(), config.allowDotFiles());  // a bad path is still a 400
                    responses.whole(c, 200, headers("Allow", responses.allow()), null, r.hasBody());
                }
                case "POST" -> {  // to nothing: 404, as nginx, lighttpd and Apache answer (RFC 9110 section 15.5.5); else not taken
                    boolean there = root.exists(RequestPath.decode(r.target(), config.allowDotFiles()).relative());
                    throw new HttpError(there ? 405 : 404, there ? "a file server does not take POST" : "not found", r.hasBody());
                }
                case "DELETE", "PATCH", "TRACE", "CONNECT" ->  // known to HTTP (RFC 9110 section 9, RFC 5789), not taken here
                        throw new HttpError(405, "a file server does not take " + r.method(), r.hasBody());
                default -> throw new HttpError(501, "method " + r.method() + " is not implemented", true);
            }
        } catch (HttpError e) {
            responses.error(c, e);
        } catch (NativeIOException e) {
            responses.error(c, new HttpError(500, e.getMessage(), true));
        } catch (RuntimeException e) {  // a bug of ours: the peer gets a 500 and the connection closes, not silence
            server.log("a request failed: " + e);
            responses.error(c, new HttpError(500, "internal error", true));
        }
    }

    /** The last response is out and the connection is to close: lingering, unless no sweep would end that. */
    private void linger(FileConnection c) throws IOException {
        PutHandler.abort(c);
        if (config.listen().idleTimeoutMillis() <= 0 || c.linger()) close(c);
    }

    private void close(FileConnection c) {
        PutHandler.abort(c);
        conns.close(c);
    }
}
