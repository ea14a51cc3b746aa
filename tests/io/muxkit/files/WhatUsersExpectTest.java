package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.testing.Io;
import io.muxkit.testing.Curl;
import io.muxkit.testing.FileServerFixture;
import io.muxkit.testing.HttpConnection;
import io.muxkit.testing.RawHttp.Response;
import io.muxkit.testing.SystemFds;

/**
 * What users of nginx, Apache and lighttpd expect of a file server (issue 21): index files, several
 * ranges, dot segments, 405 and OPTIONS. Raw requests, so that the framing is what is checked; on
 * every io.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WhatUsersExpectTest {
    @TempDir
    Path root;
    private FileServer server;

    private void start(Io io, boolean allowUpload) throws IOException {
        start(io, allowUpload, FileServerFixture.DEFAULT_INDEX);
    }

    private void start(Io io, boolean allowUpload, List<String> index) throws IOException {
        server = FileServerFixture.serving(root).uploads(allowUpload, 1 << 20).index(index).start(io);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** Sends the requests on one connection and reads as many responses, each framed by its Content-Length. */
    private List<Response> exchange(String requests, int responses, boolean head) throws IOException {
        try (HttpConnection http = new HttpConnection(server.port())) {
            http.write(requests);
            List<Response> got = new ArrayList<>();
            for (int i = 0; i < responses; i++) got.add(http.read(head));
            return got;
        }
    }

    private Response request(String method, String target, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: x\r\n");
        for (String line : headers) req.append(line).append("\r\n");
        return exchange(req.append("Connection: close\r\n\r\n").toString(), 1, method.equals("HEAD")).get(0);
    }

    private Response get(String target, String... headers) throws IOException {
        return request("GET", target, headers);
    }

    // ---- 1. index files ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aDirectoryServesItsIndexAndListsOnlyWithoutOne(Io io) throws Exception {
        Files.writeString(root.resolve("index.html"), "<p>home</p>");
        Files.createDirectories(root.resolve("site/sub"));
        Files.writeString(root.resolve("site/index.html"), "<p>site</p>");
        Files.createDirectory(root.resolve("bare"));
        Files.writeString(root.resolve("bare/a.txt"), "abc");
        Files.createDirectory(root.resolve("bare/index.html"));  // a directory of that name is not an index
        start(io, false);
        Response home = get("/");
        assertEquals("<p>home</p>", home.text());
        assertEquals("text/html; charset=utf-8", home.header("Content-Type"));
        assertEquals("<p>site</p>", get("/site/").text());
        assertEquals("<p>site</p>", get("/site/sub/../").text());
        assertEquals("/site/", get("/site").header("Location"));
        Response partial = get("/site/", "Range: bytes=3-6");
        assertEquals(206, partial.status(), "the index is a file like any other: ranges, conditionals");
        assertEquals("site", partial.text());
        assertEquals(304, get("/site/", "If-None-Match: " + get("/site/").header("ETag")).status());
        assertEquals(0, request("HEAD", "/site/").body().length);

        String listing = get("/bare/").text();
        assertTrue(listing.contains("<a href=\"a.txt\">a.txt</a> <time>") && listing.matches("(?s).*a.txt</a> <time>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC</time> 3</li>.*"), listing);
        assertTrue(listing.matches("(?s).*index.html/</a> <time>[^<]*</time> -</li>.*"), "a directory has no size: " + listing);
        String json = get("/bare/", "Accept: application/json").text();
        assertTrue(json.contains("{\"name\": \"a.txt\", \"type\": \"file\", \"size\": 3, \"mtime\": "), json);
        assertTrue(json.matches("(?s).*\\{\"name\": \"index.html\", \"type\": \"dir\", \"mtime\": \\d+, \"href\": \"index.html/\"}.*"), json);
        assertEquals(404, get("/bare/a.txt/").status());
        server.close();

        start(io, false, List.of());
        assertTrue(get("/site/").text().contains("<a href=\"index.html\">"), "--index '': always the listing");
        server.close();

        start(io, false, List.of("home.htm", "index.html"));
        assertEquals("<p>site</p>", get("/site/").text(), "the first of the names that is there");
        Files.writeString(root.resolve("site/home.htm"), "first");
        assertEquals("first", get("/site/").text());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aNewIndexIsServedAfterAListingAndAGoneOneListsAgain(Io io) throws Exception {
        Files.createDirectory(root.resolve("d"));
        Files.writeString(root.resolve("d/a.txt"), "a");
        start(io, false);
        assertTrue(get("/d/").text().contains("a.txt"), "a listing first");
        Files.writeString(root.resolve("d/index.html"), "made");
        assertEquals("made", get("/d/").text(), "the new index, not the listing");
        assertEquals("made", get("/d/").text(), "(now from the cache)");
        Files.writeString(root.resolve("d/index.html"), "changed");
        assertEquals("changed", get("/d/").text());
        Files.delete(root.resolve("d/index.html"));
        assertTrue(get("/d/").text().contains("a.txt"), "the listing again");
    }

    // ---- 2. several ranges ----

    /** The parts of a multipart/byteranges body: each part's Content-Range and bytes, checked against the layout of RFC 9110 section 14.6. */
    private static List<String[]> parts(Response r, String partType) {
        String type = r.header("Content-Type");
        assertTrue(type.startsWith("multipart/byteranges; boundary="), r.head());
        String boundary = type.substring(type.indexOf('=') + 1);
        String body = r.text();
        assertEquals(r.body().length, Integer.parseInt(r.header("Content-Length")));
        assertTrue(body.endsWith("\r\n--" + boundary + "--\r\n"), body);
        List<String[]> parts = new ArrayList<>();
        String delimiter = "\r\n--" + boundary + "\r\n";
        int at = body.indexOf(delimiter);
        assertEquals(0, at, "the body starts with the first delimiter");
        while (at >= 0) {
            int headEnd = body.indexOf("\r\n\r\n", at + delimiter.length());
            String head = body.substring(at + delimiter.length(), headEnd);
            assertTrue(head.startsWith("Content-Type: " + partType + "\r\n"), head);
            String range = head.substring(head.indexOf("Content-Range: ") + 15);
            String[] numbers = range.substring(6, range.indexOf('/')).split("-");
            int length = Integer.parseInt(numbers[1]) - Integer.parseInt(numbers[0]) + 1;
            parts.add(new String[] { range, body.substring(headEnd + 4, headEnd + 4 + length) });
            at = body.indexOf(delimiter, headEnd + 4 + length);
            if (at < 0) assertEquals(headEnd + 4 + length, body.lastIndexOf("\r\n--" + boundary + "--\r\n"));
        }
        return parts;
    }

    private static void assertParts(Response r, String partType, String... rangesAndBytes) {
        List<String[]> parts = parts(r, partType);
        assertEquals(rangesAndBytes.length / 2, parts.size(), r.text());
        for (int i = 0; i < parts.size(); i++) {
            assertEquals(rangesAndBytes[2 * i], parts.get(i)[0]);
            assertEquals(rangesAndBytes[2 * i + 1], parts.get(i)[1]);
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void severalRangesAreMultipartMergedWhereTheyMeetAndCapped(Io io) throws Exception {
        Files.writeString(root.resolve("r.txt"), "0123456789");
        byte[] big = new byte[300_000];  // larger than the cache keeps in memory: sent from its fd
        new java.util.Random(21).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("empty.txt"), "");
        start(io, false);
        for (int round = 0; round < 2; round++) {  // a miss, then from the cache
            Response two = get("/r.txt", "Range: bytes=0-0,-1");
            assertEquals(206, two.status());
            assertEquals(null, two.header("Content-Range"));
            assertParts(two, "text/plain; charset=utf-8", "bytes 0-0/10", "0", "bytes 9-9/10", "9");
            assertParts(get("/r.txt", "Range: bytes=7-8,1-2,4-4"), "text/plain; charset=utf-8",
                    "bytes 7-8/10", "78", "bytes 1-2/10", "12", "bytes 4-4/10", "4");
            Response merged = get("/r.txt", "Range: bytes=0-2,2-4");
            assertEquals("bytes 0-4/10", merged.header("Content-Range"), "overlapping: one range");
            assertEquals("01234", merged.text());
            assertEquals("bytes 3-6/10", get("/r.txt", "Range: bytes=5-6,3-4").header("Content-Range"), "adjacent: one range");
            assertEquals(200, get("/r.txt", "Range: bytes=0-5,3-8").status(), "more than the file in all: the whole file");
            assertEquals("bytes 2-2/10", get("/r.txt", "Range: bytes=2-2,50-60").header("Content-Range"), "the unsatisfiable one dropped");
            assertEquals(416, get("/r.txt", "Range: bytes=50-60,70-").status());
            String sixteen = "bytes=0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,16-16,18-18,20-20,22-22,24-24,26-26,28-28,30-30";
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                expected.add("bytes " + 2 * i + "-" + 2 * i + "/300000");
                expected.add(new String(big, 2 * i, 1, StandardCharsets.ISO_8859_1));
            }
            assertParts(get("/big.bin", "Range: " + sixteen), "application/octet-stream", expected.toArray(String[]::new));
            Response seventeen = get("/big.bin", "Range: " + sixteen + ",32-32");
            assertEquals(200, seventeen.status(), "17 ranges: the whole file (CVE-2011-3192)");
            assertEquals(300_000, seventeen.body().length);
            Response far = get("/big.bin", "Range: bytes=100-199999,-50000");
            assertParts(far, "application/octet-stream", "bytes 100-199999/300000",
                    new String(big, 100, 199_900, StandardCharsets.ISO_8859_1), "bytes 250000-299999/300000",
                    new String(big, 250_000, 50_000, StandardCharsets.ISO_8859_1));
            Response head = request("HEAD", "/big.bin", "Range: bytes=100-199999,-50000");
            assertEquals(far.header("Content-Length"), head.header("Content-Length"), "HEAD: the same length, no body");

            String etag = get("/r.txt").header("ETag");
            assertEquals(206, get("/r.txt", "Range: bytes=0-0,-1", "If-Range: " + etag).status());
            Response stale = get("/r.txt", "Range: bytes=0-0,-1", "If-Range: \"stale\"");
            assertEquals(200, stale.status(), "If-Range that does not match: the whole file");
            assertEquals("0123456789", stale.text());

            assertEquals(200, get("/empty.txt", "Range: bytes=0-0").status(), "an empty file: the whole of it, as nginx");
            assertEquals(200, get("/empty.txt", "Range: bytes=-1").status());
            assertEquals(416, get("/empty.txt", "Range: bytes=5-").status(), "past its start: 416, as nginx");
        }
        List<Response> pipelined = exchange("GET /r.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-0,-1\r\n\r\n"
                + "GET /r.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2, false);
        assertEquals(206, pipelined.get(0).status());
        assertEquals("0123456789", pipelined.get(1).text(), "the multipart body is framed exactly");
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void multipartWithoutTheCacheClosesItsFile(Io io) throws Exception {
        Files.writeString(root.resolve("r.txt"), "0123456789");
        server = FileServerFixture.serving(root).cache(null).start(io);
        assertParts(get("/r.txt", "Range: bytes=0-0,-1"), "text/plain; charset=utf-8", "bytes 0-0/10", "0", "bytes 9-9/10", "9");
        long before = SystemFds.count();
        for (int i = 0; i < 50; i++) assertEquals(206, get("/r.txt", "Range: bytes=0-0,4-4,-1").status());
        try (Socket s = new Socket("127.0.0.1", server.port())) {  // a peer that leaves mid-response
            s.getOutputStream().write("GET /r.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-0,4-4,-1\r\n\r\n".getBytes());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (SystemFds.count() > before + 5 && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(SystemFds.count() <= before + 5, "every file region's fd is closed: " + before + " -> " + SystemFds.count());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void curlAsksForTheFirstAndLastByte(Io io) throws Exception {
        Curl.assumeInstalled();
        Files.writeString(root.resolve("c.txt"), "0123456789");
        start(io, false);
        String out = Curl.run(null, "-i", "-r", "0-0,-1", "http://127.0.0.1:" + server.port() + "/c.txt");
        assertTrue(out.startsWith("HTTP/1.1 206 Partial Content\r\n") && out.contains("Content-Type: multipart/byteranges; boundary="), out);
        assertTrue(out.contains("Content-Range: bytes 0-0/10\r\n\r\n0\r\n") && out.contains("Content-Range: bytes 9-9/10\r\n\r\n9\r\n"), out);
    }

    // ---- 3. paths ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void dotSegmentsAreRemovedAndSlashesMergedButNothingClimbsAboveTheRoot(Io io) throws Exception {
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("f.txt"), "top");
        Files.writeString(root.resolve("dir/g.txt"), "inner");
        start(io, false);
        assertEquals("top", get("/dir/../f.txt").text());
        assertEquals("top", get("/dir/%2e%2e/f.txt").text(), "after percent-decoding");
        assertEquals("top", get("/./f.txt").text());
        assertEquals("inner", get("//dir//g.txt").text());
        assertEquals("inner", get("/dir/./x/../g.txt").text(), "x need not exist: the path is normalized first");
        assertEquals(200, get("/dir/g.txt/..").status(), "a directory was named: dir/");
        for (String target : new String[] { "/../f.txt", "/%2e%2e/f.txt", "/dir/../../f.txt", "/dir/..%2f..%2ff.txt", "//../f.txt" }) {
            Response r = get(target);
            assertEquals(400, r.status(), target + " -> " + r.head());
        }
    }

    // ---- 4. methods ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void knownMethodsGet405WithAllowAndOptionsIsAnswered(Io io) throws Exception {
        Files.writeString(root.resolve("f.bin"), "bytes");
        start(io, false);
        for (String method : new String[] { "POST", "DELETE", "PUT", "PATCH" }) {
            Response r = request(method, "/f.bin");
            assertEquals(405, r.status(), method + " -> " + r.head());
            assertEquals("GET, HEAD, OPTIONS", r.header("Allow"), method);
        }
        Response post = exchange("POST /f.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /f.bin HTTP/1.1\r\nHost: x\r\n\r\n", 1, false).get(0);
        assertEquals("close", post.header("Connection"), "its body was not read: the connection closes");
        List<Response> kept = exchange("DELETE /f.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /f.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2, false);
        assertEquals(405, kept.get(0).status());
        assertEquals("bytes", kept.get(1).text(), "no body: the connection goes on");
        assertEquals(501, request("BREW", "/f.bin").status(), "a method the server does not know");

        for (String target : new String[] { "*", "/f.bin", "/" }) {
            Response r = request("OPTIONS", target);
            assertEquals(200, r.status(), target + " -> " + r.head());
            assertEquals("GET, HEAD, OPTIONS", r.header("Allow"));
            assertEquals("0", r.header("Content-Length"));
        }
        assertEquals(400, request("OPTIONS", "/../f.bin").status());
        server.close();

        start(io, true);
        assertEquals("GET, HEAD, PUT, OPTIONS", request("OPTIONS", "*").header("Allow"));
        Response post2 = request("POST", "/f.bin");
        assertEquals(405, post2.status());
        assertEquals("GET, HEAD, PUT, OPTIONS", post2.header("Allow"));
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void curlOptions(Io io) throws Exception {
        Curl.assumeInstalled();
        Files.writeString(root.resolve("f.txt"), "x");
        start(io, false);
        String out = Curl.run(null, "-i", "-X", "OPTIONS", "http://127.0.0.1:" + server.port() + "/f.txt");
        assertTrue(out.startsWith("HTTP/1.1 200") && out.contains("Allow: GET, HEAD, OPTIONS\r\n")
                && out.contains("Content-Length: 0\r\n"), out);
    }
}
