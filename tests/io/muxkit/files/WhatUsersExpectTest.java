package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
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

import io.muxkit.mux.Backend;
import io.muxkit.tcp.ListenConfig;
import io.muxkit.testing.Multiplexers;

/**
 * What users of nginx, Apache and lighttpd expect of a file server (issue 21): index files, several
 * ranges, dot segments, 405 and OPTIONS. Raw requests, so that the framing is what is checked; on
 * every backend.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WhatUsersExpectTest {
    @TempDir
    Path root;
    private FileServer server;

    private void start(Backend backend, boolean allowUpload) throws IOException {
        start(backend, allowUpload, FileServer.Config.DEFAULT_INDEX);
    }

    private void start(Backend backend, boolean allowUpload, List<String> index) throws IOException {
        FileServer.Config config = new FileServer.Config(ListenConfig.local(0).withIdleTimeout(15_000), root, allowUpload,
                1 << 20, false, FileServer.Cache.defaults(), index);
        server = new FileServer(config, Multiplexers.of(backend), System.err).start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** One response as it came: the status line and headers, and the body (Content-Length framed). */
    record Response(String head, byte[] body) {
        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        String header(String name) {
            for (String line : head.split("\r\n"))
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) return line.substring(name.length() + 1).strip();
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** Sends the requests on one connection and reads as many responses, each framed by its Content-Length. */
    private List<Response> exchange(String requests, int responses, boolean head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            List<Response> got = new ArrayList<>();
            for (int i = 0; i < responses; i++) {
                StringBuilder h = new StringBuilder();
                while (!h.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) throw new IOException("closed after " + got.size() + " responses, in a head: " + h);
                    h.append((char) b);
                }
                Response r = new Response(h.toString(), new byte[0]);
                String length = r.header("Content-Length");
                int status = r.status();
                if (!head && length != null && status != 304) r = new Response(r.head, in.readNBytes(Integer.parseInt(length)));
                got.add(r);
            }
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

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aDirectoryServesItsIndexAndListsOnlyWithoutOne(Backend backend) throws Exception {
        Files.writeString(root.resolve("index.html"), "<p>home</p>");
        Files.createDirectories(root.resolve("site/sub"));
        Files.writeString(root.resolve("site/index.html"), "<p>site</p>");
        Files.createDirectory(root.resolve("bare"));
        Files.writeString(root.resolve("bare/a.txt"), "abc");
        Files.createDirectory(root.resolve("bare/index.html"));  // a directory of that name is not an index
        start(backend, false);
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
        assertTrue(json.matches("(?s).*\\{\"name\": \"index.html\", \"type\": \"dir\", \"mtime\": \\d+}.*"), json);
        assertEquals(404, get("/bare/a.txt/").status());
        server.close();

        start(backend, false, List.of());
        assertTrue(get("/site/").text().contains("<a href=\"index.html\">"), "--index '': always the listing");
        server.close();

        start(backend, false, List.of("home.htm", "index.html"));
        assertEquals("<p>site</p>", get("/site/").text(), "the first of the names that is there");
        Files.writeString(root.resolve("site/home.htm"), "first");
        assertEquals("first", get("/site/").text());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void aNewIndexIsServedAfterAListingAndAGoneOneListsAgain(Backend backend) throws Exception {
        Files.createDirectory(root.resolve("d"));
        Files.writeString(root.resolve("d/a.txt"), "a");
        start(backend, false);
        assertTrue(get("/d/").text().contains("a.txt"), "a listing first");
        Files.writeString(root.resolve("d/index.html"), "made");
        assertEquals("made", get("/d/").text(), "the new index, not the listing");
        assertEquals("made", get("/d/").text(), "(now from the cache)");
        Files.writeString(root.resolve("d/index.html"), "changed");
        assertEquals("changed", get("/d/").text());
        Files.delete(root.resolve("d/index.html"));
        assertTrue(get("/d/").text().contains("a.txt"), "the listing again");
    }

    // ---- 3. paths ----

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void dotSegmentsAreRemovedAndSlashesMergedButNothingClimbsAboveTheRoot(Backend backend) throws Exception {
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("f.txt"), "top");
        Files.writeString(root.resolve("dir/g.txt"), "inner");
        start(backend, false);
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

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void knownMethodsGet405WithAllowAndOptionsIsAnswered(Backend backend) throws Exception {
        Files.writeString(root.resolve("f.bin"), "bytes");
        start(backend, false);
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

        start(backend, true);
        assertEquals("GET, HEAD, PUT, OPTIONS", request("OPTIONS", "*").header("Allow"));
        Response post2 = request("POST", "/f.bin");
        assertEquals(405, post2.status());
        assertEquals("GET, HEAD, PUT, OPTIONS", post2.header("Allow"));
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void curlOptions(Backend backend) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/curl"))) return;  // curl is optional here; the raw requests cover the rest
        Files.writeString(root.resolve("f.txt"), "x");
        start(backend, false);
        String out = curl("-i", "-X", "OPTIONS", "http://127.0.0.1:" + server.port() + "/f.txt");
        assertTrue(out.startsWith("HTTP/1.1 200") && out.contains("Allow: GET, HEAD, OPTIONS\r\n")
                && out.contains("Content-Length: 0\r\n"), out);
    }

    static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "30"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
