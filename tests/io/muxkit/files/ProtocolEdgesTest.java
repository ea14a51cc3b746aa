package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.muxkit.testing.FileServerFixture;
import io.muxkit.testing.Io;
import io.muxkit.testing.RawHttp;

/**
 * HTTP/1.1 as RFC 9110 and 9112 say, where an attack on the server found it looser: Connection
 * tokens, absolute-form targets, the Range grammar, the three date forms, Expect, Transfer-Encoding
 * on HTTP/1.0, bare LFs, paths that are not UTF-8, the headers that keep uploads from running as
 * this origin. Protocol logic, the same on every backend: run on epoll.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolEdgesTest {
    @TempDir
    Path root;
    private FileServer server;

    private void start(boolean allowUpload) throws IOException {
        Files.writeString(root.resolve("r.txt"), "0123456789");
        server = FileServerFixture.serving(root).uploads(allowUpload, 1 << 20).start(Io.EPOLL);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** Sends the request and reads until the server closes (or 5 s of silence, for a kept-alive connection). */
    private String raw(String request) throws IOException {
        return RawHttp.untilCloseOrSilence(server.port(), request, 5000).text();
    }

    private String range(String spec) throws IOException {
        return raw("GET /r.txt HTTP/1.1\r\nHost: x\r\nRange: " + spec + "\r\nConnection: close\r\n\r\n");
    }

    @Test
    void connectionIsReadAsTokens() throws IOException {
        start(false);
        assertTrue(raw("GET /r.txt HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").contains("Connection: close"),
                "close among the tokens closes, whatever else is there");
        assertFalse(raw("GET /r.txt HTTP/1.0\r\nConnection: not-keep-alive\r\n\r\n").contains("Connection: keep-alive"));
        String kept = raw("GET /r.txt HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, closeish\r\n\r\n");
        assertFalse(kept.contains("Connection: close"), "closeish is not close: " + kept);
    }

    @Test
    void absoluteFormTargetsAreAccepted() throws IOException {
        start(false);
        assertTrue(raw("GET http://example.test/r.txt HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n")
                .matches("(?s)HTTP/1.1 200 .*0123456789"));
        assertTrue(raw("GET HTTPS://example.test/r.txt?x=1 HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 200"));
    }

    @Test
    void rangesFollowTheGrammar() throws IOException {
        start(false);
        assertTrue(range("bytes=0-99999999999999999999").matches("(?s)HTTP/1.1 206 .*bytes 0-9/10.*0123456789"), "a last-pos past the end means the end");
        assertTrue(range("bytes=99999999999999999999-").startsWith("HTTP/1.1 416"), "a first-pos past the end: 416");
        assertTrue(range("Bytes=2-3").matches("(?s)HTTP/1.1 206 .*23"), "the unit in any case");
        assertTrue(range("bytes=+1-+2").startsWith("HTTP/1.1 200"), "not digits: the header is ignored");
        assertTrue(range("bytes=--1").startsWith("HTTP/1.1 200"), "not a range: ignored");
        assertTrue(range("bytes=-3").endsWith("789"));
        assertTrue(range("bytes=5-2").startsWith("HTTP/1.1 200"), "last before first: ignored");
    }

    @Test
    void allThreeDateFormsAreReadAndFutureDatesIgnored() throws IOException {
        start(false);
        for (String date : new String[] { "Fri, 31 Dec 9999 23:59:59 GMT", "Tuesday, 31-Dec-69 23:59:59 GMT",
                "Thu Jan  1 00:00:00 2099" }) {
            String r = raw("GET /r.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + date + "\r\nConnection: close\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 200"), "a date in the future is not a validator: " + date + " -> " + r);
        }
        for (String date : new String[] { "Thu, 01 Jan 2026 00:00:00 GMT",
                "Thursday, 01-Jan-26 00:00:00 GMT", "Thu Jan  1 00:00:00 2026" }) {
            Files.setLastModifiedTime(root.resolve("r.txt"), java.nio.file.attribute.FileTime.fromMillis(0));
            String r = raw("GET /r.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + date + "\r\nConnection: close\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 304"), date + " -> " + r);
        }
    }

    @Test
    void expectationsAndFramingAreChecked() throws IOException {
        start(true);
        assertTrue(raw("PUT /x.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: something-else\r\n\r\nx")
                .startsWith("HTTP/1.1 417"), "an Expect other than 100-continue");
        assertTrue(raw("PUT /x.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n").startsWith("HTTP/1.1 400"),
                "Transfer-Encoding on HTTP/1.0 is faulty framing");
        long t0 = System.nanoTime();
        assertTrue(raw("GET /r.txt HTTP/1.1\nHost: x\n\n").startsWith("HTTP/1.1 400"), "bare LFs");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(4), "refused at once, not after the idle timeout");
        assertTrue(raw("PUT /%ff%fe HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx").startsWith("HTTP/1.1 400"),
                "a path that is not UTF-8");
        assertTrue(raw("PUT /chunks.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "00000000000000000001\r\nx\r\n0\r\n\r\n").startsWith("HTTP/1.1 201"), "leading zeros in a chunk size");
        assertFalse(Files.exists(root.resolve("x.txt")));
    }

    @Test
    void uploadedContentCannotRunAsThisOrigin() throws IOException {
        start(true);
        String r = raw("GET /r.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(r.contains("X-Content-Type-Options: nosniff\r\n") && r.contains("Content-Security-Policy: sandbox\r\n"), r);
        server.close();
        server = null;
        start(false);
        r = raw("GET /r.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(r.contains("X-Content-Type-Options: nosniff\r\n") && !r.contains("Content-Security-Policy"), r);
    }
}
