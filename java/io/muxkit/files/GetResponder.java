package io.muxkit.files;

import static io.muxkit.http.ResponseHead.headers;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.http.ByteRange;
import io.muxkit.http.Conditionals;
import io.muxkit.http.HttpDate;
import io.muxkit.http.HttpError;
import io.muxkit.http.HttpRequest;
import io.muxkit.http.MultipartByteRanges;
import io.muxkit.http.RangeSet;
import io.muxkit.loop.EventLoop;
import io.muxkit.net.Fds;
import io.muxkit.tcp.Connection;
import io.muxkit.tcp.Connections;

/**
 * GET and HEAD, as nginx's static module and its filters answer them: the file (from the cache
 * when it is there), a directory's listing or its redirect to "dir/"; for a file, the 200's
 * metadata first, then the conditional step (304), then the range step (206, one range or
 * multipart/byteranges; 416), each a step of its own, then the head and the body by sendfile(2)
 * or from the cache's memory.
 */
final class GetResponder {
    /** A listing costs this many of a turn's requests: it is work for a worker, and a large response. */
    private static final int LISTING_COST = 16;
    private static final int LISTING_SCRATCH = 64 * 1024;
    /** A queued slice or region of a cache entry gives the entry back once it is sent. */
    private static final Connection.Owner CACHE_ENTRY = entry -> FileCache.release((FileCache.Entry) entry);
    /** A region of an fd a later region of the same response closes. */
    private static final Connection.Owner NOT_OWNED = token -> { };

    private final RootDir root;
    private final FileCache cache;  // null without one
    private final FileServerConfig config;
    private final Blocking blocking;
    private final EventLoop loop;
    private final Connections<FileConnection> conns;
    private final Consumer<FileConnection> resume;
    private final Responses responses;
    private final HttpDate lastModified = new HttpDate();

    GetResponder(RootDir root, FileCache cache, FileServerConfig config, Blocking blocking,
                 Connections<FileConnection> conns, Responses responses, Consumer<FileConnection> resume) {
        this.root = root;
        this.cache = cache;
        this.config = config;
        this.blocking = blocking;
        this.loop = conns.loop();
        this.conns = conns;
        this.responses = responses;
        this.resume = resume;
    }

    void serve(FileConnection c, HttpRequest r) throws HttpError, NativeIOException {
        if (r.hasBody()) throw new HttpError(400, r.method() + " with a body", true);
        RequestPath path = RequestPath.decode(r.target(), config.allowDotFiles());
        String rel = path.relative();
        if (path.trailingSlash()) {
            serveDirectory(c, r, rel);
            return;
        }
        FileCache.Entry cached = cache != null ? cache.get(rel) : null;
        if (cached != null) {
            serveCached(c, r, cached);
            return;
        }
        Found found = open(rel);
        if (found.opened.stat().directory()) {
            if (rel.isEmpty()) {  // (the root, named without its slash in an absolute-form target)
                Fds.closeQuietly(found.opened.fd());
                serveDirectory(c, r, rel);
                return;
            }
            Fds.closeQuietly(found.opened.fd());
            String location = "/" + RequestPath.encode(rel) + "/";
            responses.whole(c, 301, headers("Location", location), ("see " + location + "\n").getBytes(), false);
            return;
        }
        serveFile(c, r, rel, found);
    }

    /**
     * A directory's URL: its first index file there is (nginx's index directive), else its
     * listing. The index is looked up afresh each time, in the cache by its own name: a cached
     * index is dropped when it changes, and a listing is never cached, so a new index.html is
     * served at the next request.
     */
    private void serveDirectory(FileConnection c, HttpRequest r, String rel) throws HttpError, NativeIOException {
        for (String name : config.index()) {
            String index = rel.isEmpty() ? name : rel + "/" + name;
            FileCache.Entry cached = cache != null ? cache.get(index) : null;
            if (cached != null) {
                serveCached(c, r, cached);
                return;
            }
            Found found;
            try {
                found = open(index);
            } catch (HttpError e) {
                if (e.status == 404) continue;  // no such index here (or rel is not a directory: found out below)
                throw e;
            }
            if (found.opened.stat().regular()) {
                serveFile(c, r, index, found);
                return;
            }
            Fds.closeQuietly(found.opened.fd());  // a directory called index.html is not an index
        }
        RootDir.Opened opened = openUncached(rel);
        if (!opened.stat().directory()) {  // "/file.txt/" names a directory that is not there, as open(2) says
            Fds.closeQuietly(opened.fd());
            throw new HttpError(404, "not a directory");
        }
        c.turnRequests -= LISTING_COST;
        if (!list(c, opened.fd(), rel, r.header("accept"))) Fds.closeQuietly(opened.fd());
    }

    /** A file or directory opened for reading, and whether the cache may keep it (no symlink on its way). */
    private record Found(RootDir.Opened opened, boolean cacheable) {}

    private Found open(String rel) throws HttpError {
        RootDir.Opened opened = cache != null ? cache.open(rel) : null;
        return opened != null ? new Found(opened, true) : new Found(openUncached(rel), false);
    }

    /** Opened without the cache keeping it; with a cache, its fds are given back first when there are none. */
    private RootDir.Opened openUncached(String rel) throws HttpError {
        return cache != null ? cache.openUncached(rel) : root.openForReading(rel);
    }

    /** A regular file, by the cache when it may keep it. */
    private void serveFile(FileConnection c, HttpRequest r, String rel, Found found) {
        RootDir.Stat st = found.opened.stat();
        String modified = lastModified.format(st.mtimeSeconds()), type = MimeTypes.of(rel);
        if (found.cacheable) {
            byte[] head = st.size() <= FileCache.SMALL ? responses.render(200, okHeaders(st.etag(), modified, type, st.size())) : null;
            FileCache.Entry cached = cache.add(rel, found.opened, modified, type, head);
            if (cached != null) {
                serveCached(c, r, cached);
                return;
            }
        }
        respond(c, r, st, modified, type, found.opened.fd(), null);
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
    private void serveCached(FileConnection c, HttpRequest r, FileCache.Entry e) {
        boolean plain = r.http11() && r.keepAlive() && r.header("range") == null && r.header("if-none-match") == null
                && r.header("if-modified-since") == null;
        long second = System.currentTimeMillis() / 1000;
        if (plain && e.response != null && cache.patchDate(e, second, responses.dateBytes(second))) {
            FileCache.hold(e);
            c.queue(e.response, 0, r.method().equals("HEAD") ? e.headLength : e.responseLength, CACHE_ENTRY, e);
            c.closeAfterResponse = false;
            c.responding();
            return;
        }
        respond(c, r, e.stat, e.lastModified, e.contentType, e.fd, e);
    }

    /**
     * Answers a GET or HEAD of a regular file open as fd: the 200's metadata, then each step that
     * may answer otherwise (304, then 206 or 416), then the head and the body. The fd is the
     * response's to close, or the cache entry's (held until sent).
     */
    private void respond(FileConnection c, HttpRequest r, RootDir.Stat st, String modified, String type, int fd,
                         FileCache.Entry entry) {
        boolean queued = false;
        try {
            String etag = st.etag();
            Map<String, String> h = headers("ETag", etag, "Last-Modified", modified, "Accept-Ranges", "bytes");
            if (notModified(r, etag, st)) {
                responses.whole(c, 304, h, null, false);
                return;
            }
            RangeSet ranges;
            try {
                ranges = ranges(r, etag, st);
            } catch (HttpError e) {
                h.put("Content-Range", "bytes */" + st.size());
                responses.whole(c, 416, h, (e.getMessage() + "\n").getBytes(), false);
                return;
            }
            if (ranges != null && !ranges.single()) {
                queued = multipart(c, r, st, type, fd, entry, ranges, h);
                return;
            }
            ByteRange range = ranges == null ? null : ranges.ranges().get(0);
            long start = range == null ? 0 : range.start(), length = range == null ? st.size() : range.length();
            if (range != null) h.put("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + st.size());
            h.put("Content-Type", type);
            h.put("Content-Length", String.valueOf(length));
            responses.head(c, range == null ? 200 : 206, h, false);
            if (r.method().equals("GET") && length > 0) {
                if (entry != null) FileCache.hold(entry);
                c.queueFile(fd, start, start + length, entry == null ? null : CACHE_ENTRY, entry);  // null: the queue closes fd
                queued = true;
            }
        } finally {
            if (!queued && entry == null) Fds.closeQuietly(fd);
        }
    }

    /**
     * A 206 of several ranges, multipart/byteranges (RFC 9110 section 14.6): the parts' heads from
     * memory, their bodies as file regions the queue sends with sendfile. True when fd went to the
     * queue: the last region closes it (the queue sends in order, and drops in order when the
     * connection closes, so the earlier regions are done with it by then).
     */
    private boolean multipart(FileConnection c, HttpRequest r, RootDir.Stat st, String type, int fd, FileCache.Entry entry,
                              RangeSet ranges, Map<String, String> h) {
        String boundary = "muxkit-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        MultipartByteRanges body = MultipartByteRanges.of(ranges.ranges(), st.size(), type, boundary);
        h.put("Content-Type", body.contentType());
        h.put("Content-Length", String.valueOf(body.contentLength()));
        responses.head(c, 206, h, false);
        if (!r.method().equals("GET")) return false;
        int regionsLeft = ranges.ranges().size();
        for (MultipartByteRanges.Segment segment : body.segments()) {
            if (segment instanceof MultipartByteRanges.Bytes b) {
                c.queue(b.bytes());
            } else if (segment instanceof MultipartByteRanges.FileRegion region) {
                long at = region.offset(), end = at + region.length();
                if (entry != null) {
                    FileCache.hold(entry);
                    c.queueFile(fd, at, end, CACHE_ENTRY, entry);
                } else {
                    c.queueFile(fd, at, end, --regionsLeft == 0 ? null : NOT_OWNED, null);  // null: the queue closes fd
                }
            }
        }
        return true;
    }

    /** The conditional step (RFC 9110 section 13): whether a 304 answers instead. */
    private static boolean notModified(HttpRequest r, String etag, RootDir.Stat st) {
        return Conditionals.notModified(r, etag, st.mtimeSeconds());
    }

    /**
     * The range step (RFC 9110 section 14), If-Range first: the ranges to send, merged where they
     * overlap or touch, or null for the whole file (no Range, a stale If-Range, or more ranges or
     * bytes than the CVE-2011-3192 defence lets through).
     *
     * @throws HttpError 416 when no range can be satisfied
     */
    private static RangeSet ranges(HttpRequest r, String etag, RootDir.Stat st) throws HttpError {
        return Conditionals.rangeApplies(r, etag, st.mtimeSeconds()) ? RangeSet.parse(r.header("range"), st.size()) : null;
    }

    /**
     * A worker reads and renders the listing (a large directory takes a while); the connection
     * waits for it (read DONE, writing IDLE), and the loop serves the others meanwhile. True when the worker took the fd.
     */
    private boolean list(FileConnection c, int dirFd, String rel, String accept) {
        boolean taken = blocking.submit(loop, () -> {
            NativeBuffer scratch = NativeMemory.allocate(LISTING_SCRATCH);
            try {
                return Listing.render(dirFd, rel, accept, config.allowDotFiles(), scratch);
            } finally {
                NativeMemory.free(scratch);
                Fds.closeQuietly(dirFd);
            }
        }, (listing, failure) -> {
            if (!conns.open(c)) return;  // closed meanwhile
            if (listing != null)
                responses.whole(c, 200, headers("Content-Type", listing.contentType(),
                        "X-Muxkit-Listing", listing.shown() + " of " + listing.total() + " entries"), listing.bytes(), false);
            else
                responses.error(c, failure instanceof HttpError e ? e : new HttpError(500, "cannot list the directory", true));
            resume.accept(c);
        });
        if (!taken) responses.error(c, new HttpError(503, "the server is stopping", true));
        return taken;
    }
}
