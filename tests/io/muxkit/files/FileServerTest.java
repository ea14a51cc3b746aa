package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Io;
import io.muxkit.testing.Curl;
import io.muxkit.testing.FileServerFixture;
import io.muxkit.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The file server on every io, with Java's HttpClient, raw sockets, and curl where it is installed. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FileServerTest {
    @TempDir
    Path root;
    /**
     * 32 MiB of random bytes and their digest, made once for every io (each copies the file into
     * its root): 16 of the server's 2 MiB turns and hundreds of partial writes each way.
     */
    @TempDir
    static Path shared;
    private static Path largeFile;
    private static String largeFileDigest;
    private FileServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    private String start(Io io, boolean allowUpload, long idleTimeoutMillis) throws IOException {
        server = FileServerFixture.serving(root).idleTimeout(idleTimeoutMillis).uploads(allowUpload, 200L << 20).start(io);
        return "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static synchronized Path largeFile() throws Exception {
        if (largeFile == null) {
            Path big = shared.resolve("big.bin");
            Random random = new Random(7);
            byte[] block = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(big)) {
                for (int i = 0; i < 32; i++) {
                    random.nextBytes(block);
                    out.write(block);
                }
            }
            largeFileDigest = sha256(big);
            largeFile = big;
        }
        return largeFile;
    }

    private HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) md.update(b, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Sends raw bytes, reads until the server closes or timeout; returns what came back. */
    private String raw(String request) throws IOException {
        return RawHttp.untilClose(server.port(), request, 10_000);
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void getHeadRangeAndConditionalRequests(Io io) throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        String base = start(io, false, 15_000);
        HttpResponse<byte[]> r = get(base + "/hello.txt");
        assertEquals(200, r.statusCode());
        assertEquals("hello, world\n", new String(r.body()));
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        String etag = r.headers().firstValue("etag").orElseThrow();
        String lastModified = r.headers().firstValue("last-modified").orElseThrow();

        HttpResponse<byte[]> head = client.send(HttpRequest.newBuilder(URI.create(base + "/hello.txt"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals("13", head.headers().firstValue("content-length").orElseThrow());
        assertEquals(0, head.body().length);

        HttpResponse<byte[]> range = get(base + "/hello.txt", "Range", "bytes=7-11");
        assertEquals(206, range.statusCode());
        assertEquals("world", new String(range.body()));
        assertEquals("bytes 7-11/13", range.headers().firstValue("content-range").orElseThrow());
        assertEquals("\n", new String(get(base + "/hello.txt", "Range", "bytes=-1").body()));
        HttpResponse<byte[]> bad = get(base + "/hello.txt", "Range", "bytes=100-");
        assertEquals(416, bad.statusCode());
        assertEquals("bytes */13", bad.headers().firstValue("content-range").orElseThrow());

        assertEquals(304, get(base + "/hello.txt", "If-None-Match", etag).statusCode());
        assertEquals(304, get(base + "/hello.txt", "If-Modified-Since", lastModified).statusCode());
        assertEquals(200, get(base + "/hello.txt", "If-None-Match", "\"other\"").statusCode());
        assertEquals(404, get(base + "/nope.txt").statusCode());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void keepAlivePipeliningAndHttp10(Io io) throws Exception {
        Files.writeString(root.resolve("a.txt"), "A");
        Files.writeString(root.resolve("b.txt"), "BB");
        start(io, false, 15_000);
        String two = raw("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(2, two.split("HTTP/1.1 200 OK", -1).length - 1, two);
        assertTrue(two.endsWith("\r\n\r\nBB"), two);
        assertTrue(two.contains("\r\n\r\nAHTTP/1.1 200"), "the first body, then the second response: " + two);
        String old = raw("GET /a.txt HTTP/1.0\r\n\r\n");  // no Host needed, and the server closes after it
        assertTrue(old.startsWith("HTTP/1.1 200 OK") && old.contains("Connection: close") && old.endsWith("A"), old);
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void directoriesListAsHtmlOrJsonAndRedirectWithoutSlash(Io io) throws Exception {
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("dir/x y.txt"), "x");
        Files.writeString(root.resolve("dir/.secret"), "s");
        String base = start(io, false, 15_000);
        HttpResponse<byte[]> redirect = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create(base + "/dir")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(301, redirect.statusCode());
        assertEquals("/dir/", redirect.headers().firstValue("location").orElseThrow());
        String html = new String(get(base + "/dir/").body());
        assertTrue(html.contains("<a href=\"x%20y.txt\">x y.txt</a>"), html);
        assertFalse(html.contains(".secret"), html);
        String json = new String(get(base + "/dir/", "Accept", "application/json").body());
        assertTrue(json.startsWith("[{\"name\": \"x y.txt\", \"type\": \"file\", \"size\": 1"), json);
        assertEquals(404, get(base + "/dir/.secret").statusCode());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void nothingOutsideTheRootIsReachable(Io io, @TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dirlink"), outside);
        Files.writeString(root.resolve("ok.txt"), "ok");
        start(io, true, 15_000);
        for (String target : new String[] { "/../secret.txt", "/%2e%2e/secret.txt", "/a/..%2fsecret.txt",
                "/..%5csecret.txt", "/ok.txt%00", "/link", "/dirlink/secret.txt", "/dirlink/" }) {
            String response = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertFalse(response.contains("secret\n") || response.endsWith("secret"), target + " -> " + response);
            assertTrue(response.matches("HTTP/1.1 (400|403|404) (?s).*"), target + " -> " + response);
        }
        String put = raw("PUT /dirlink/evil.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nevil");
        assertTrue(put.startsWith("HTTP/1.1 403"), put);
        assertFalse(Files.exists(outside.resolve("evil.txt")));
        assertTrue(raw("GET /ok.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").endsWith("ok"));
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void putCreatesReplacesAndIsRefusedWhenUploadsAreOff(Io io) throws Exception {
        String base = start(io, true, 15_000);
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/new.txt"))
                .PUT(HttpRequest.BodyPublishers.ofString("first")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode());
        assertEquals("first", Files.readString(root.resolve("new.txt")));
        // a publisher of unknown length makes HttpClient send the body chunked
        HttpResponse<String> replaced = client.send(HttpRequest.newBuilder(URI.create(base + "/new.txt"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream("second, chunked".getBytes())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, replaced.statusCode());
        assertEquals("second, chunked", Files.readString(root.resolve("new.txt")));
        String expect = raw("PUT /e.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\nok");
        assertTrue(expect.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created"), expect);
        String tooBig = raw("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + (300L << 20) + "\r\n\r\n");
        assertTrue(tooBig.startsWith("HTTP/1.1 413"), tooBig);
        String largest = raw("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + Long.MAX_VALUE + "\r\n\r\n");
        assertTrue(largest.startsWith("HTTP/1.1 413"), largest);
        String pastALong = raw("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 9223372036854775808\r\n\r\n");
        assertTrue(pastALong.startsWith("HTTP/1.1 400"), pastALong);
        // a refused PUT closes: its body must not be read as the next request
        String noDir = raw("PUT /no/such/dir.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 36\r\n\r\nGET /new.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(noDir.startsWith("HTTP/1.1 409") && noDir.contains("Connection: close") && !noDir.contains("200 OK"), noDir);
        server.close();

        start(io, false, 15_000);
        String refused = raw("PUT /x.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
        assertTrue(refused.startsWith("HTTP/1.1 405") && refused.contains("Allow: GET, HEAD"), refused);
        assertFalse(Files.exists(root.resolve("x.txt")));
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aCutUploadLeavesThePreviousVersionAndNoTemporaryFile(Io io) throws Exception {
        Files.writeString(root.resolve("doc.txt"), "previous");
        start(io, true, 15_000);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("PUT /doc.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n".getBytes());
            out.write(new byte[400_000]);
            out.flush();
        }  // closed halfway through the body
        assertEquals("previous", Files.readString(root.resolve("doc.txt")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && (server.requests() == 0 || server.openConnections() > 0)) Thread.sleep(10);
        assertEquals(1, server.requests());
        assertEquals(0, server.openConnections(), "the server saw the connection close");
        assertEquals(0, leftovers(), "the temporary file was removed");
        assertEquals("previous", new String(get("http://127.0.0.1:" + server.port() + "/doc.txt").body()));
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aServerKilledMidUploadLeavesThePreviousVersion(Io io) throws Exception {
        Files.writeString(root.resolve("doc.txt"), "previous");
        ChildJvm child = ChildJvm.muxkit(null, "files", "--root", root.toString(), "--port", "0",
                "--allow-upload", io.flag(), io.value());
        try (Socket s = new Socket("127.0.0.1", child.port())) {
            OutputStream out = s.getOutputStream();
            out.write("PUT /doc.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n".getBytes());
            out.write(new byte[3_000_000]);
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!writingUnnamedFile(child.process().pid()) && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(writingUnnamedFile(child.process().pid()), "the upload began, into a file with no name (O_TMPFILE)");
            child.process().destroyForcibly();  // SIGKILL, mid-body
            assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.stop();
        }
        assertEquals("previous", Files.readString(root.resolve("doc.txt")), "the real name still holds the old version");
        assertEquals(0, leftovers(), "nothing is left behind: the unnamed file went with the process");
    }

    /** Whether the process holds an fd to a file in the root that has no name (O_TMPFILE shows as "#inode (deleted)"). */
    private boolean writingUnnamedFile(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.startsWith(root.toRealPath().toString()) && target.endsWith("(deleted)");
                } catch (IOException gone) {
                    return false;
                }
            });
        } catch (IOException processGone) {
            return false;
        }
    }

    /** Files other than the ones the test made: what an upload left behind. */
    private long leftovers() throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void hostileAndBrokenClientsGet4xxAndOthersAreStillServed(Io io) throws Exception {
        Files.writeString(root.resolve("ok.txt"), "ok");
        start(io, true, 1000);
        String longTarget = "/" + "a".repeat(9000);
        String[][] cases = {
                { "GARBAGE\r\n\r\n", "400" },
                { "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003\r\n\r\n", "400" },  // a TLS hello
                { "GET /ok.txt HTTP/1.1\r\n\r\n", "400" },  // no Host
                { "BREW /ok.txt HTTP/1.1\r\nHost: x\r\n\r\n", "501" },
                { "GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n", "414" },
                { "GET /ok.txt HTTP/1.1\r\nHost: x\r\nX: " + "b".repeat(17000) + "\r\n\r\n", "431" },
                { "PUT /c.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", "400" },
                { "PUT /c.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n", "400" },
                { "PUT /c.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n", "400" },
                { "GET /ok.txt HTTP/3.0\r\nHost: x\r\n\r\n", "505" },
                { "GET /ok.txt HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n", "400" },
        };
        for (String[] c : cases) {
            String response = raw(c[0]);
            assertTrue(response.startsWith("HTTP/1.1 " + c[1] + " "), c[0].substring(0, Math.min(40, c[0].length())) + " -> " + response);
        }
        assertFalse(Files.exists(root.resolve("c.txt")));
        // a head that trickles in gets a 408 once the timeout passes, even though bytes keep coming
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] head = "GET /ok.txt HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes();
            out.write(head);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String response = "";
            try {
                while (System.nanoTime() < until && response.isEmpty()) {
                    out.write('z');
                    Thread.sleep(100);
                    if (in.available() > 0) response = new String(in.readNBytes(in.available()));
                }
            } catch (IOException closed) {
                // the server may close while we write
            }
            if (response.isEmpty()) response = new String(in.readAllBytes());
            assertTrue(response.startsWith("HTTP/1.1 408"), response);
        }
        assertEquals("ok", new String(get("http://127.0.0.1:" + server.port() + "/ok.txt").body()));
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aSlowReaderThatKeepsReadingOutlivesTheIdleTimeout(Io io) throws Exception {
        byte[] data = new byte[16 << 20];  // more than the slow 2 s take
        new Random(3).nextBytes(data);
        Files.write(root.resolve("slow.bin"), data);
        start(io, false, 1000);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setReceiveBufferSize(64 * 1024);
            s.getOutputStream().write("GET /slow.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] b = new byte[64 * 1024];
            long start = System.nanoTime(), until = start + TimeUnit.SECONDS.toNanos(60);
            for (int n; (n = in.read(b)) > 0 && System.nanoTime() < until; ) {
                got.write(b, 0, n);
                // a few MB/s for 2 s, twice the idle timeout: each write still finds room well within it
                if (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) Thread.sleep(10);
            }
            String all = new String(got.toByteArray(), 0, 1000, StandardCharsets.ISO_8859_1);
            assertTrue(all.startsWith("HTTP/1.1 200 OK"), all);
            int head = all.indexOf("\r\n\r\n") + 4;
            assertEquals(head + data.length, got.size(), "the whole body arrived");
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void twoHundredConcurrentDownloads(Io io) throws Exception {
        byte[] data = new byte[256 * 1024];
        new Random(1).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        String base = start(io, false, 15_000);
        String expected = sha256(data);
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 200; i++)
            all.add(http1.sendAsync(HttpRequest.newBuilder(URI.create(base + "/data.bin")).build(), HttpResponse.BodyHandlers.ofByteArray()));
        for (CompletableFuture<HttpResponse<byte[]>> f : all) {
            HttpResponse<byte[]> r = f.get(120, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals(expected, sha256(r.body()));
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aLargeFileDownAndUpCheckedByDigest(Io io) throws Exception {
        Files.copy(largeFile(), root.resolve("big.bin"));  // a copy: the cache takes only files of one link
        String digest = largeFileDigest;
        String base = start(io, true, 15_000);
        Path down = Files.createTempFile("muxkit-down", ".bin");
        try {
            HttpResponse<Path> r = client.send(HttpRequest.newBuilder(URI.create(base + "/big.bin")).build(),
                    HttpResponse.BodyHandlers.ofFile(down));
            assertEquals(200, r.statusCode());
            assertEquals(digest, sha256(down));
            HttpResponse<String> up = client.send(HttpRequest.newBuilder(URI.create(base + "/copy.bin"))
                    .PUT(HttpRequest.BodyPublishers.ofFile(down)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, up.statusCode());
            assertEquals(digest, sha256(root.resolve("copy.bin")));
        } finally {
            Files.deleteIfExists(down);
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void curlGetsRangesPutsAndChunkedPuts(Io io) throws Exception {
        Curl.assumeInstalled();
        Files.writeString(root.resolve("c.txt"), "0123456789");
        String base = start(io, true, 15_000);
        assertEquals("0123456789", Curl.run(null, base + "/c.txt"));
        assertEquals("234", Curl.run(null, "-r", "2-4", base + "/c.txt"));
        assertTrue(Curl.run(null, "-sI", base + "/c.txt").contains("Content-Length: 10"));
        assertEquals("201", Curl.run("plain", "-T", "-", "-H", "Transfer-Encoding:", "-H", "Content-Length: 5",
                "-o", "/dev/null", "-w", "%{http_code}", base + "/d.txt"));
        assertEquals("204", Curl.run("chunked body from stdin", "-T", "-", "-o", "/dev/null", "-w", "%{http_code}", base + "/d.txt"));
        assertEquals("chunked body from stdin", Files.readString(root.resolve("d.txt")));
        String both = Curl.run(null, base + "/c.txt", base + "/c.txt");  // one connection, kept alive
        assertEquals("01234567890123456789", both);
    }
}
