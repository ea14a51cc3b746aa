package io.muxkit.files;

import static io.muxkit.http.ResponseHead.headers;

import java.io.IOException;
import java.util.function.Consumer;

import io.muxkit.ffi.NativeIOException;
import io.muxkit.http.HttpError;
import io.muxkit.http.HttpRequest;
import io.muxkit.http.ResponseHead;
import io.muxkit.loop.EventLoop;

/**
 * PUT on a connection: checks the request, begins an {@link Upload}, stages the body bytes as they
 * arrive and hands them to a worker to write, one chunk at a time; at the end the worker fsyncs
 * and renames, and the loop answers 201 or 204. One per loop.
 */
final class PutHandler {
    private final RootDir root;
    private final FileCache cache;  // null without one
    private final FileServerConfig config;
    private final Blocking blocking;
    private final EventLoop loop;
    private final Responses responses;
    private final Consumer<FileConnection> resume;

    PutHandler(RootDir root, FileCache cache, FileServerConfig config, Blocking blocking, EventLoop loop,
               Responses responses, Consumer<FileConnection> resume) {
        this.root = root;
        this.cache = cache;
        this.config = config;
        this.blocking = blocking;
        this.loop = loop;
        this.responses = responses;
        this.resume = resume;
    }

    /** Starts a PUT: the connection goes on to read its body (after a 100 Continue when one is expected). */
    void start(FileConnection c, HttpRequest r) throws HttpError, NativeIOException {
        if (!config.allowUpload())
            throw new HttpError(405, "uploads are off (start the server with --allow-upload)", true);
        String expect = r.header("expect");
        boolean continueExpected = expect != null && expect.equalsIgnoreCase("100-continue");
        if (expect != null && !continueExpected)
            throw new HttpError(417, "Expect: " + expect + " is not supported (only 100-continue)", true);
        try {
            c.upload = Upload.begin(root, r, RequestPath.decode(r.target(), config.allowDotFiles()), config.maxUpload());
        } catch (NativeIOException e) {  // no file to write: a full disk (no inode left) is a 507 here too
            throw Upload.refusal(e);
        }
        c.reading = FileConnection.Reading.BODY;
        if (continueExpected && r.http11()) c.queue(ResponseHead.CONTINUE);
    }

    /**
     * Stages the body bytes that have arrived and hands them to a worker to write, one chunk at a
     * time; at the end, hands it the fsync and rename. True when the response is queued.
     */
    boolean readBody(FileConnection c) {
        Upload u = c.upload;
        if (u.busy) return false;
        try {
            if (c.inLen > 0 && !u.bodyComplete()) c.consume(u.stage(c.in, c.inLen));
        } catch (HttpError e) {
            abort(c);
            responses.error(c, e);
            return true;
        } catch (IOException e) {
            abort(c);
            responses.error(c, new HttpError(500, e.getMessage(), true));
            return true;
        }
        if (u.staged() > 0) {
            submit(c, u, u::writeStaged);
        } else if (u.bodyComplete()) {
            submit(c, u, u::finish);
        }
        return c.reading != FileConnection.Reading.BODY;  // (a refused submit queued its error)
    }

    /** Hands the upload to a worker; its outcome comes back to done() on the loop. */
    private <T> void submit(FileConnection c, Upload u, Blocking.Work<T> work) {
        u.busy = true;
        if (!blocking.submit(loop, work, (result, failure) -> done(c, u, result, failure))) {
            u.busy = false;
            abort(c);
            responses.error(c, new HttpError(503, "the server is stopping", true));
        }
    }

    /** A worker wrote a chunk (result null) or finished the upload (result its 201 or 204), or failed. */
    private void done(FileConnection c, Upload u, Object result, Exception failure) {
        u.busy = false;
        if (u.abandoned) {  // the connection went while the worker had the upload
            u.abort();
            return;
        }
        if (failure != null) {
            abort(c);
            responses.error(c, Upload.refusal(failure));
        } else if (result instanceof Integer status) {
            u.abort();  // frees the staging; the file has its name
            c.upload = null;
            if (cache != null) cache.dropPath(u.target());  // our own write: before its response, not when the event comes
            responses.whole(c, status, headers(), null, false);
        } else {
            u.written();
        }
        resume.accept(c);
    }

    /** Gives up the upload; one a worker has now is abandoned, and aborted when the worker is done with it. */
    static void abort(FileConnection c) {
        if (c.upload != null && c.upload.busy) c.upload.abandoned = true;
        else if (c.upload != null) c.upload.abort();
        c.upload = null;
    }
}
