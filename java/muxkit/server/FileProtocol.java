package muxkit.server;

import static muxkit.mux.Multiplexer.ERROR;
import static muxkit.mux.Multiplexer.HANGUP;
import static muxkit.mux.Multiplexer.READ;
import static muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jnr.ffi.Pointer;
import muxkit.ffi.Native;
import muxkit.ffi.NativeIOException;
import muxkit.http.ByteRange;
import muxkit.http.ChunkedDecoder;
import muxkit.http.HttpError;
import muxkit.http.HttpRequest;
import muxkit.http.MimeTypes;
import muxkit.http.RequestPath;
import muxkit.http.RootDir;
import muxkit.loop.FdTable;
import muxkit.loop.Handler;
import muxkit.net.Fds;
import muxkit.util.Json;

/**
 * HTTP/1.1 file serving on one loop: GET and HEAD with sendfile(2), conditional requests, one
 * byte range, directory listings, and PUT to a temporary file that is fsynced and renamed only
 * when complete. Files are opened beneath the root only, and never registered with the multiplexer.
 */
final class FileProtocol implements ServerLoop.Protocol {
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_BUFFERED_IN = 1 << 20;  // pipelined requests waiting for a response
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(204, "No Content"),
            Map.entry(206, "Partial Content"), Map.entry(301, "Moved Permanently"), Map.entry(304, "Not Modified"),
            Map.entry(400, "Bad Request"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(411, "Length Required"), Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(416, "Range Not Satisfiable"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(505, "HTTP Version Not Supported"), Map.entry(507, "Insufficient Storage"));
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ServerLoop server;
    private final RootDir root;
    private final FileServer.Config config;
    private final Pointer buf = Native.allocate(CHUNK);
    private final Pointer wbuf = Native.allocate(CHUNK);
    private final byte[] scratch = new byte[CHUNK];
    private final Handler handler = this::onReady;
    private final FdTable<HttpConnection> conns = new FdTable<>();
    long requests;
    private long cachedDateSecond = Long.MIN_VALUE;
    private String cachedDate;

    FileProtocol(ServerLoop server, RootDir root, FileServer.Config config) {
        this.server = server;
        this.root = root;
        this.config = config;
    }

    @Override
    public Handler handler() {
        return handler;
    }

    @Override
    public void opened(int fd) {
        conns.put(fd, new HttpConnection(fd, System.nanoTime()));
    }

    /** Idle peers are closed; a head that has been trickling in since before then gets a 408 first. */
    @Override
    public void closeIdle(long activeSinceNanos) {
        conns.forEach(c -> {
            if (c.state == HttpConnection.State.HEAD && c.headStartNanos != 0 && c.headStartNanos < activeSinceNanos
                    && !c.sending()) {
                queueError(c, new HttpError(408, "the request head took too long", true));
                try {
                    flush(c);
                } catch (IOException closingAnyway) {
                    // the 408 is a courtesy
                }
                close(c);
            } else if (c.lastActiveNanos < activeSinceNanos) {
                conns.remove(c.fd);
                abortUpload(c);
                closeBody(c);
                server.closedIdle(c.fd);
            }
        });
    }

    @Override
    public void closeAll() {
        conns.forEach(this::close);
    }

    // ---- the connection's state machine ----

    private void onReady(int fd, int ops) {
        HttpConnection c = conns.get(fd);
        if (c == null) return;
        try {
            if ((ops & ERROR) != 0) {
                close(c);
                return;
            }
            boolean peerDone = false;
            if ((ops & (READ | HANGUP)) != 0) peerDone = readInput(c);
            if (!progress(c)) return;
            if (peerDone && !c.sending()) {
                close(c);
                return;
            }
            int interest = (!peerDone && c.inLen < MAX_BUFFERED_IN ? READ : 0) | (c.sending() ? WRITE : 0);
            server.loop().setInterest(fd, interest);
        } catch (IOException e) {
            close(c);  // ECONNRESET, EPIPE, ...: the peer is gone
        }
    }

    /** Reads what is there into c.in; true when the peer has closed its side. */
    private boolean readInput(HttpConnection c) throws NativeIOException {
        for (int i = 0; i < 16 && c.inLen < MAX_BUFFERED_IN; i++) {
            server.ioCalls++;
            int n = Fds.read(c.fd, buf, CHUNK);
            if (n < 0) return false;
            if (n == 0) return true;
            buf.get(0, scratch, 0, n);
            c.append(scratch, n);
            c.lastActiveNanos = System.nanoTime();
            if (c.state == HttpConnection.State.HEAD && c.headStartNanos == 0) c.headStartNanos = c.lastActiveNanos;
            if (n < CHUNK) return false;
        }
        return false;
    }

    /** Sends, reads bodies and parses requests as far as the bytes allow; false if it closed the connection. */
    private boolean progress(HttpConnection c) throws IOException {
        while (true) {
            if (c.sending()) {
                if (!flush(c)) return true;
                if (c.state == HttpConnection.State.RESPONDING) {
                    if (c.closeAfterResponse) {
                        close(c);
                        return false;
                    }
                    c.state = HttpConnection.State.HEAD;
                    c.request = null;
                    c.headStartNanos = c.inLen > 0 ? System.nanoTime() : 0;
                }
                continue;
            }
            if (c.state == HttpConnection.State.BODY) {
                if (!readBody(c)) return true;
                continue;
            }
            if (c.state != HttpConnection.State.HEAD || c.inLen == 0) return true;
            if (!nextRequest(c)) return true;
        }
    }

    /** Parses and starts one request if its head is complete; false when more bytes are needed. */
    private boolean nextRequest(HttpConnection c) {
        int headLength = HttpRequest.headLength(c.in, c.inLen);
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
        }
        return true;
    }

    /** An incomplete head that is already too long: 414 for the request line, 431 for the rest; else null. */
    private static HttpError headTooLong(HttpConnection c) {
        int lineEnd = requestLineEnd(c);
        if (lineEnd > HttpRequest.MAX_REQUEST_LINE || (lineEnd < 0 && c.inLen > HttpRequest.MAX_REQUEST_LINE))
            return new HttpError(414, "request line longer than " + HttpRequest.MAX_REQUEST_LINE + " bytes", true);
        if (c.inLen > HttpRequest.MAX_HEAD)
            return new HttpError(431, "request head longer than " + HttpRequest.MAX_HEAD + " bytes", true);
        return null;
    }

    /** Index of the CR ending the request line, or -1 if it has not arrived. */
    private static int requestLineEnd(HttpConnection c) {
        for (int i = 0; i + 1 < c.inLen; i++) if (c.in[i] == '\r' && c.in[i + 1] == '\n') return i;
        return -1;
    }

    // ---- GET and HEAD ----

    private void serveFile(HttpConnection c, HttpRequest r) throws HttpError, NativeIOException {
        if (r.contentLength() > 0 || r.chunked()) throw new HttpError(400, r.method() + " with a body", true);
        String[] path = RequestPath.decode(r.target(), config.allowDotFiles());
        int fd = openBeneath(path[0], RootDir.O_RDONLY);
        boolean keep = false;
        try {
            RootDir.Stat st = RootDir.stat(fd);
            if (st.directory()) {
                if (path[1].isEmpty() && !path[0].isEmpty()) {
                    String location = "/" + RequestPath.encode(path[0]) + "/";
                    queue(c, 301, headers("Location", location), ("see " + location + "\n").getBytes(), false);
                } else {
                    listDirectory(c, r, fd, path[0]);
                }
                return;
            }
            if (!st.regular()) throw new HttpError(403, "not a regular file");
            String etag = "\"" + Long.toHexString(st.size()) + "-" + Long.toHexString(st.mtimeSeconds()) + "\"";
            String lastModified = httpDate(st.mtimeSeconds());
            Map<String, String> h = headers("ETag", etag, "Last-Modified", lastModified, "Accept-Ranges", "bytes");
            if (notModified(r, etag, st.mtimeSeconds())) {
                queue(c, 304, h, null, false);
                return;
            }
            ByteRange range;
            try {
                range = ByteRange.parse(r.header("range"), st.size());
            } catch (HttpError e) {
                h.put("Content-Range", "bytes */" + st.size());
                queue(c, 416, h, (e.getMessage() + "\n").getBytes(), false);
                return;
            }
            long start = range == null ? 0 : range.start(), length = range == null ? st.size() : range.length();
            if (range != null) h.put("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + st.size());
            h.put("Content-Type", MimeTypes.of(path[0]));
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

    /** RFC 1123 date; the last one is kept, since a loop formats the same second (Date) many times over. */
    private String httpDate(long epochSecond) {
        if (epochSecond != cachedDateSecond) {
            cachedDate = HTTP_DATE.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
            cachedDateSecond = epochSecond;
        }
        return cachedDate;
    }

    private static boolean notModified(HttpRequest r, String etag, long mtime) {
        String inm = r.header("if-none-match");
        if (inm != null) {
            for (String tag : inm.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) return true;
            }
            return false;
        }
        String ims = r.header("if-modified-since");
        if (ims == null) return false;
        try {
            return ZonedDateTime.parse(ims, HTTP_DATE).toEpochSecond() >= mtime;
        } catch (RuntimeException e) {
            return false;  // an unreadable date is ignored (RFC 9110 13.1.3)
        }
    }

    private void listDirectory(HttpConnection c, HttpRequest r, int dirFd, String rel) throws HttpError {
        List<Map<String, Object>> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd", String.valueOf(dirFd)))) {
            for (Path p : (Iterable<Path>) list.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && !config.allowDotFiles()) continue;
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", name);
                e.put("type", a.isDirectory() ? "dir" : a.isSymbolicLink() ? "link" : "file");
                e.put("size", a.size());
                e.put("mtime", a.lastModifiedTime().toInstant().getEpochSecond());
                entries.add(e);
            }
        } catch (IOException e) {
            throw new HttpError(500, "cannot list the directory: " + e.getMessage());
        }
        String accept = r.header("accept");
        if (accept != null && accept.contains("application/json")) {
            queue(c, 200, headers("Content-Type", "application/json"), Json.write(entries).getBytes(StandardCharsets.UTF_8), false);
            return;
        }
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>/")
                .append(escape(rel)).append("</title></head><body>\n<h1>/").append(escape(rel)).append("</h1>\n<ul>\n");
        if (!rel.isEmpty()) html.append("<li><a href=\"../\">../</a></li>\n");
        for (Map<String, Object> e : entries) {
            String name = (String) e.get("name") + ("dir".equals(e.get("type")) ? "/" : "");
            html.append("<li><a href=\"").append(RequestPath.encode(name)).append("\">").append(escape(name))
                .append("</a> ").append(e.get("size")).append("</li>\n");
        }
        html.append("</ul>\n</body></html>\n");
        queue(c, 200, headers("Content-Type", "text/html; charset=utf-8"), html.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---- PUT ----

    private void startUpload(HttpConnection c, HttpRequest r) throws HttpError, NativeIOException {
        if (!config.allowUpload())
            throw new HttpError(405, "uploads are off (start the server with --allow-upload)", true);
        String[] path = RequestPath.decode(r.target(), config.allowDotFiles());
        if (path[0].isEmpty() || !path[1].isEmpty()) throw new HttpError(400, "PUT needs a file path, not a directory", true);
        boolean chunked = r.chunked();
        long length = r.contentLength();
        if (length < 0 && !chunked) throw new HttpError(411, "PUT needs Content-Length or chunked encoding", true);
        if (length > config.maxUpload())
            throw new HttpError(413, "the body (" + length + " bytes) is larger than --max-upload " + config.maxUpload(), true);
        int slash = path[0].lastIndexOf('/');
        String dir = slash < 0 ? "" : path[0].substring(0, slash), name = path[0].substring(slash + 1);
        int dirFd = openBeneath(dir, RootDir.O_RDONLY | RootDir.O_DIRECTORY);
        try {
            boolean existed;
            try {
                int existing = RootDir.openIn(dirFd, name, RootDir.O_RDONLY, 0);
                boolean isDir = RootDir.stat(existing).directory();
                Fds.closeQuietly(existing);
                if (isDir) throw new HttpError(409, name + " is a directory", true);
                existed = true;
            } catch (NativeIOException e) {
                if (e.errno() != Native.ENOENT) throw mapOpenError(e);
                existed = false;
            }
            String temp = ".muxkit-upload-" + Long.toHexString(RANDOM.nextLong());
            c.uploadFd = RootDir.openIn(dirFd, temp, RootDir.O_WRONLY | RootDir.O_CREAT | RootDir.O_EXCL, 0644);
            c.uploadDirFd = dirFd;
            c.uploadTemp = temp;
            c.uploadName = name;
            c.uploadExisted = existed;
            c.uploadRemaining = chunked ? -1 : length;
            c.uploadTotal = 0;
            c.chunked = chunked ? new ChunkedDecoder() : null;
            c.state = HttpConnection.State.BODY;
        } catch (HttpError | NativeIOException | RuntimeException e) {
            if (c.uploadDirFd != dirFd) Fds.closeQuietly(dirFd);
            throw e;
        }
        String expect = r.header("expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue") && r.http11())
            c.out = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes the body bytes that have arrived; true when the body is complete (and the response queued). */
    private boolean readBody(HttpConnection c) throws IOException {
        if (c.inLen == 0) return false;
        try {
            if (c.chunked == null) {
                int n = (int) Math.min(c.inLen, c.uploadRemaining);
                writeUpload(c, c.in, 0, n);
                c.consume(n);
                c.uploadRemaining -= n;
                if (c.uploadRemaining > 0) return false;
            } else {
                int used = c.chunked.feed(c.in, 0, c.inLen, (off, len) -> {
                    if (c.uploadTotal + len > config.maxUpload())
                        throw new HttpError(413, "the body is larger than --max-upload " + config.maxUpload(), true);
                    writeUpload(c, c.in, off, len);
                });
                c.consume(used);
                if (!c.chunked.done()) return false;
            }
            finishUpload(c);
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

    private void writeUpload(HttpConnection c, byte[] src, int off, int len) throws NativeIOException {
        c.uploadTotal += len;
        while (len > 0) {
            int n = Math.min(len, CHUNK);
            wbuf.put(0, src, off, n);
            int done = 0;
            while (done < n) done += Fds.write(c.uploadFd, wbuf, done, n - done);
            off += n;
            len -= n;
        }
    }

    /** fsync, then rename over the real name: until this point the real name is untouched. */
    private void finishUpload(HttpConnection c) throws NativeIOException {
        Native.check(Native.LIB.mk_fsync(c.uploadFd), "fsync", c.uploadFd);
        Fds.closeQuietly(c.uploadFd);
        c.uploadFd = -1;
        Native.check(Native.LIB.mk_renameat(c.uploadDirFd, c.uploadTemp, c.uploadName), "renameat", c.uploadDirFd);
        Fds.closeQuietly(c.uploadDirFd);
        c.uploadDirFd = -1;
        c.chunked = null;
        queue(c, c.uploadExisted ? 204 : 201, headers(), null, false);
    }

    private void abortUpload(HttpConnection c) {
        if (c.uploadFd >= 0) Fds.closeQuietly(c.uploadFd);
        if (c.uploadDirFd >= 0) {
            Native.LIB.mk_unlinkat(c.uploadDirFd, c.uploadTemp);
            Fds.closeQuietly(c.uploadDirFd);
        }
        c.uploadFd = c.uploadDirFd = -1;
        c.chunked = null;
    }

    private int openBeneath(String rel, int flags) throws HttpError {
        try {
            return root.open(rel, flags);
        } catch (NativeIOException e) {
            throw mapOpenError(e);
        }
    }

    private static HttpError mapOpenError(NativeIOException e) {
        int errno = e.errno();
        if (errno == Native.ENOENT || errno == RootDir.ENOTDIR) return new HttpError(404, "not found");
        if (errno == RootDir.EXDEV || errno == RootDir.ELOOP) return new HttpError(403, "that path leads outside the root");
        if (errno == RootDir.EACCES || errno == Native.EPERM) return new HttpError(403, "permission denied");
        return new HttpError(500, e.getMessage());
    }

    // ---- responses ----

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) h.put(pairs[i], pairs[i + 1]);
        return h;
    }

    /** An error response; after a refused PUT the connection closes, since its body was not read. */
    private void queueError(HttpConnection c, HttpError e) {
        Map<String, String> h = headers("Content-Type", "text/plain; charset=utf-8");
        if (e.status == 405) h.put("Allow", "GET, HEAD");
        String body = e.status + " " + REASONS.getOrDefault(e.status, "Error") + ": " + e.getMessage() + "\n";
        boolean bodyUnread = c.request != null && c.request.method().equals("PUT");
        queue(c, e.status, h, body.getBytes(StandardCharsets.UTF_8), e.close || bodyUnread);
    }

    /** A complete response: head and (except for HEAD requests) a small body from memory. */
    private void queue(HttpConnection c, int status, Map<String, String> h, byte[] body, boolean close) {
        boolean noBody = status == 204 || status == 304;
        if (!noBody) h.put("Content-Length", String.valueOf(body == null ? 0 : body.length));
        byte[] head = headBytes(c, status, h, close);
        boolean sendBody = body != null && !noBody && (c.request == null || !c.request.method().equals("HEAD"));
        byte[] all = sendBody ? Arrays.copyOf(head, head.length + body.length) : head;
        if (sendBody) System.arraycopy(body, 0, all, head.length, body.length);
        appendOut(c, all);
        c.state = HttpConnection.State.RESPONDING;
    }

    /** A response head whose body (if any) comes from c.bodyFd. */
    private void queueHead(HttpConnection c, int status, Map<String, String> h, boolean close) {
        appendOut(c, headBytes(c, status, h, close));
        c.state = HttpConnection.State.RESPONDING;
    }

    private static void appendOut(HttpConnection c, byte[] bytes) {
        if (c.out == null) {
            c.out = bytes;
            c.outOff = 0;
        } else {  // after a 100 Continue still going out
            byte[] joined = Arrays.copyOf(c.out, c.out.length + bytes.length);
            System.arraycopy(bytes, 0, joined, c.out.length, bytes.length);
            c.out = joined;
        }
    }

    private byte[] headBytes(HttpConnection c, int status, Map<String, String> h, boolean close) {
        c.closeAfterResponse = close || c.request == null || !c.request.keepAlive();
        StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append(' ')
                .append(REASONS.getOrDefault(status, "Status")).append("\r\n")
                .append("Server: muxkit\r\n")
                .append("Date: ").append(httpDate(System.currentTimeMillis() / 1000)).append("\r\n");
        for (Map.Entry<String, String> e : h.entrySet()) s.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        if (c.closeAfterResponse) s.append("Connection: close\r\n");
        else if (c.request != null && !c.request.http11()) s.append("Connection: keep-alive\r\n");
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes what is queued; true when all of it is out. */
    private boolean flush(HttpConnection c) throws IOException {
        while (c.out != null) {
            int n = Math.min(c.out.length - c.outOff, CHUNK);
            wbuf.put(0, c.out, c.outOff, n);
            server.ioCalls++;
            boolean more = c.bodyFd >= 0 || c.outOff + n < c.out.length;
            int w = Fds.send(c.fd, wbuf, 0, n, more);
            if (w == 0) return false;
            c.outOff += w;
            c.lastActiveNanos = System.nanoTime();  // a slow reader that is making progress is not idle
            if (c.outOff == c.out.length) c.out = null;
        }
        while (c.bodyFd >= 0 && c.bodyOffset < c.bodyEnd) {
            server.ioCalls++;
            long s = Fds.sendfile(c.fd, c.bodyFd, c.bodyOffset, Math.min(c.bodyEnd - c.bodyOffset, 1L << 30));
            if (s < 0) return false;  // the socket is full: wait for WRITE
            if (s == 0) throw new IOException("the file shrank while it was being sent");
            c.bodyOffset += s;
            c.lastActiveNanos = System.nanoTime();
        }
        closeBody(c);
        return true;
    }

    private static void closeBody(HttpConnection c) {
        if (c.bodyFd >= 0) Fds.closeQuietly(c.bodyFd);
        c.bodyFd = -1;
    }

    private void close(HttpConnection c) {
        conns.remove(c.fd);
        abortUpload(c);
        closeBody(c);
        server.closeConnection(c.fd);
    }
}
