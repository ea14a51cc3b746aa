package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Io;
import io.muxkit.testing.FileServerFixture;
import io.muxkit.testing.RawHttp;
import io.muxkit.testing.SharedFileServers;
import io.muxkit.testing.Commands;

/**
 * The audited ways to stall, starve, mislead or kill the file server, each on every backend: a
 * regression test per defect of the hostile-peers issue.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostilePeersTest {
    @TempDir
    Path root;
    /**
     * Server processes, each with a server on every io, for the tests that need a process of their
     * own but not a fresh one, and touch no one else's files: under LC_ALL=C at -Xmx256m (the flood,
     * the locale), and with fstat failing (vanishing entries: fstat failing with ENOENT is what a name
     * removed between getdents and fstatat looks like).
     */
    @RegisterExtension
    static final SharedFileServers cLocaleSmallHeap = new SharedFileServers(Map.of("LC_ALL", "C", "LANG", "C"), List.of("-Xmx256m"), true);
    @RegisterExtension
    static final SharedFileServers fstatFails = new SharedFileServers(Map.of("MUXKIT_FAULTS", "fstat:ENOENT:0.2", "MUXKIT_FAULTS_SEED", "9"),
            List.of(), false);
    /** The large directories the listing tests only read, made once for every io (tens of thousands of files). */
    @TempDir
    static Path largeDirectories;
    private static boolean largeDirectoriesMade;
    private FileServer server;

    private void start(Io io, boolean allowUpload, boolean allowDotFiles) throws IOException {
        start(io, root, allowUpload, allowDotFiles);
    }

    private void start(Io io, Path served, boolean allowUpload, boolean allowDotFiles) throws IOException {
        server = FileServerFixture.serving(served).uploads(allowUpload, 200L << 20).dotFiles(allowDotFiles).start(io);
    }

    /**
     * many/ (20,000 files), amp/ (2,500 names of 205 bytes, each 1 KB once escaped: twice what a
     * listing holds, as JSON and as HTML) and ok.txt, served read-only.
     */
    private static synchronized Path largeDirectories() throws IOException {
        if (!largeDirectoriesMade) {
            Path many = Files.createDirectory(largeDirectories.resolve("many"));
            for (int i = 0; i < 20_000; i++) Files.createFile(many.resolve(String.format("file-%06d.txt", i)));
            Path amp = Files.createDirectory(largeDirectories.resolve("amp"));
            for (int i = 0; i < 2_500; i++) Files.createFile(amp.resolve(String.format("%05d", i) + "&".repeat(200)));
            Files.writeString(largeDirectories.resolve("ok.txt"), "ok");
            largeDirectoriesMade = true;
        }
        return largeDirectories;
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** Sends raw bytes and reads until the server closes (10 s at most); returns what came back. */
    private String raw(String request) throws IOException {
        return RawHttp.untilClose(server.port(), request, 10_000);
    }

    private String get(String path) throws IOException {
        return raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    private static void assertStatus(int status, String response, String what) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), what + " -> " + response);
    }

    // ---- 1. memory per connection, and the process never outlives its loops ----

    /**
     * A thousand peers each GET a 64 MiB file without reading it and pipeline further requests
     * behind it: each is read only up to its small input cap, so a server at -Xmx256m keeps its
     * heap and still answers a new client. (Before: 1 MiB per peer buffered, OutOfMemoryError,
     * a dead loop, a live process holding the port.)
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void pipelinedFloodsAreBoundedPerConnection(Io io) throws Exception {
        ChildJvm child = cLocaleSmallHeap.child();
        Path dir = Files.createDirectories(cLocaleSmallHeap.root(io).resolve("flood"));
        try (RandomAccessFile big = new RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
            big.setLength(64L << 20);  // sparse
        }
        Files.writeString(dir.resolve("small.txt"), "still here\n");
        int connections = 1000;  // about 200 MiB accepted; 1 MiB each (the old buffering) is four times the heap
        int port = cLocaleSmallHeap.port(io);
        byte[] get = "GET /flood/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer pipelined = ByteBuffer.wrap("GET /flood/small.txt HTTP/1.1\r\nHost: x\r\n\r\n".repeat(7000)
                .getBytes(StandardCharsets.US_ASCII));  // about 300 KiB behind each GET
        List<SocketChannel> peers = new ArrayList<>();
        long offered = 0;
        try {
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open();
                peers.add(ch);
                ch.socket().connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                ch.write(ByteBuffer.wrap(get));
                ch.configureBlocking(false);
                pipelined.clear();
                for (int n; (n = ch.write(pipelined)) > 0; ) offered += n;  // as much as the kernel takes now
            }
            assertTrue(offered > 100L << 20, "the peers had at least 100 MiB of pipelined requests accepted: " + offered);
            assertTrue(child.process().isAlive(), String.join("\n", child.lines()));
            String response = RawHttp.untilClose(port, "GET /flood/small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 20_000);
            assertTrue(response.startsWith("HTTP/1.1 200 OK") && response.endsWith("still here\n"), response);
            assertTrue(child.process().isAlive(), String.join("\n", child.lines()));
        } finally {
            for (SocketChannel ch : peers) ch.close();
        }
    }

    // ---- 2. FIFOs, sockets and links to them never block the loop ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void fifosSocketsAndLinksToThemAreRefusedAtOnceAndOthersServed(Io io) throws Exception {
        Path fifo = root.resolve("fifo");
        assertEquals(0, Commands.run("mkfifo", fifo.toString()));
        Files.createSymbolicLink(root.resolve("link-to-fifo"), fifo.getFileName());
        Files.writeString(root.resolve("ok.txt"), "ok");
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of(root.resolve("socket")));
            start(io, true, false);
            for (String name : new String[] { "/fifo", "/link-to-fifo", "/socket" }) {
                for (String method : new String[] { "GET", "HEAD" }) {
                    long t0 = System.nanoTime();
                    String r = raw(method + " " + name + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    assertStatus(403, r, method + " " + name);
                    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), method + " " + name + " took too long");
                }
                String put = raw("PUT " + name + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nevil");
                assertStatus(403, put, "PUT " + name);
                assertStatus(200, get("/ok.txt"), "another client, meanwhile");
            }
            assertTrue(Files.isSymbolicLink(root.resolve("link-to-fifo")) && !Files.isRegularFile(fifo), "nothing was replaced");
            assertFalse(Files.isRegularFile(root.resolve("socket")));
        }
    }

    // ---- 3. CR, LF and NUL in header values and in the trailer ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void controlCharactersInHeadersAndTrailersAreRefused(Io io) throws Exception {
        Files.writeString(root.resolve("x"), "secret");
        start(io, true, false);
        for (String header : new String[] { "X: a\nContent-Length: 5", "X: a\rb", "X: a\u0000b", "X: a\u0001b" }) {
            String r = raw("GET /x HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\n");
            assertStatus(400, r, header.replace("\n", "\\n"));
        }
        // a bare LF in the trailer would swallow the pipelined request behind it as a trailer field
        String smuggle = raw("PUT /up.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\nz\r\n0\r\n\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        assertStatus(400, smuggle, "bare LF in the trailer");
        assertFalse(smuggle.contains("secret"), smuggle);
        assertStatus(400, raw("PUT /up.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\nX: a\u0000\r\n\r\n"),
                "NUL in the trailer");
        assertStatus(400, raw("PUT /up.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "e".repeat(5000) + "\r\nz\r\n0\r\n\r\n"),
                "a 5000-byte chunk extension");
        assertStatus(400, raw("PUT /up.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n"
                + ("T: " + "t".repeat(100) + "\r\n").repeat(100) + "\r\n"), "a 10 KB trailer");
        assertFalse(Files.exists(root.resolve("up.txt")));
    }

    // ---- 4. an empty PUT ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void anEmptyPutIsAnsweredAtOnce(Io io) throws Exception {
        Files.writeString(root.resolve("full.txt"), "not empty");
        start(io, true, false);
        long t0 = System.nanoTime();
        assertStatus(201, raw("PUT /empty.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), "empty PUT");
        assertStatus(204, raw("PUT /full.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), "emptying PUT");
        assertStatus(201, raw("PUT /chunked.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"),
                "empty chunked PUT");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "answered at once, not at the idle timeout");
        assertEquals(0, Files.size(root.resolve("empty.txt")));
        assertEquals(0, Files.size(root.resolve("full.txt")));
        assertEquals(0, Files.size(root.resolve("chunked.txt")));
    }

    // ---- 5. an upload in progress cannot be found, read or replaced ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void anUploadInProgressCannotBeListedReachedOrSubstituted(Io io) throws Exception {
        start(io, true, true);  // dot-files allowed: still no way in
        byte[] victim = "the victim's own bytes, 40 bytes long..".getBytes(StandardCharsets.US_ASCII);
        try (Socket up = new Socket("127.0.0.1", server.port())) {
            up.setSoTimeout(10_000);
            OutputStream out = up.getOutputStream();
            out.write(("PUT /doc.txt HTTP/1.1\r\nHost: x\r\nContent-Length: " + victim.length + "\r\n\r\n").getBytes());
            out.write(victim, 0, 10);
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.requests() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
            String listing = raw("GET / HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
            assertTrue(listing.endsWith("\r\n\r\n[]"), "nothing of the upload is listed: " + listing);
            try (Stream<Path> files = Files.list(root)) {
                assertEquals(List.of(), files.toList(), "the file being written has no name at all");
            }
            assertStatus(403, get("/.muxkit-upload-0123456789abcdef"), "GET of an upload's name");
            assertStatus(403, raw("PUT /.muxkit-upload-0123456789abcdef HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                    + "Connection: close\r\n\r\nevil"), "PUT of an upload's name");
            out.write(victim, 10, victim.length - 10);
            out.flush();
            String response = new String(up.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 201", response);
        }
        assertEquals(new String(victim, StandardCharsets.US_ASCII), Files.readString(root.resolve("doc.txt")));
        try (Stream<Path> files = Files.list(root)) {
            assertEquals(List.of(root.resolve("doc.txt")), files.toList());
        }
    }

    // ---- 7. If-Range ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aStaleIfRangeGetsTheWholeFile(Io io) throws Exception {
        Files.writeString(root.resolve("r.txt"), "0123456789");
        start(io, false, false);
        String head = get("/r.txt");
        String etag = header(head, "ETag"), lastModified = header(head, "Last-Modified");
        String[][] cases = {
                { etag, "206" }, { "\"stale\"", "200" }, { "W/" + etag, "200" },
                { lastModified, "206" }, { "Thu, 01 Jan 1970 00:00:00 GMT", "200" }, { "not a date", "200" } };
        for (String[] c : cases) {
            String r = raw("GET /r.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=2-4\r\nIf-Range: " + c[0] + "\r\nConnection: close\r\n\r\n");
            assertStatus(Integer.parseInt(c[1]), r, "If-Range: " + c[0]);
            assertTrue(r.endsWith(c[1].equals("206") ? "\r\n\r\n234" : "\r\n\r\n0123456789"), r);
        }
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n"))
            if (line.regionMatches(true, 0, name + ": ", 0, name.length() + 2)) return line.substring(name.length() + 2);
        throw new AssertionError("no " + name + " in " + response);
    }

    // ---- also settled ----

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void bytesThatCannotBeARequestGet400AtOnce(Io io) throws Exception {
        Files.writeString(root.resolve("ok.txt"), "ok");
        start(io, false, false);
        for (byte[] hello : new byte[][] { { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03 },
                { 'G', 'E', 'T', '\t', '/' }, { (byte) 0xff, (byte) 0xfe }, { '\r', '\n', '\r', '\n' } }) {
            long t0 = System.nanoTime();
            String r = RawHttp.untilClose(server.port(), hello, false, 10_000);  // no CRLFCRLF follows: the server must not wait for one
            assertStatus(400, r, "first bytes " + java.util.Arrays.toString(hello));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "refused at once, not after the idle timeout");
        }
        assertStatus(200, raw("\r\nGET /ok.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), "one empty line first is ignored");
        assertStatus(414, get("/" + "n".repeat(300)), "a 300-byte name");
    }

    /** A refused request with a body still coming gets its response: the server reads and drops the rest (lingering close). */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aRefusedRequestsResponseSurvivesTheBodyStillComing(Io io) throws Exception {
        start(io, false, false);
        // 200,000 of the 1,000,000 bytes: the 405 is on its way while these arrive
        String r = RawHttp.untilClose(server.port(),
                RawHttp.request("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", new byte[200_000]), false, 10_000);
        assertStatus(405, r, "PUT with uploads off");
    }

    // ---- found by attacking it: what one peer, or the file system, could do to the others ----

    /** Pipelined requests for a large directory's listing are answered one turn at a time: another client is served between them. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void pipelinedListingsDoNotHoldTheLoop(Io io) throws Exception {
        start(io, largeDirectories(), false, false);
        try (Socket flood = new Socket("127.0.0.1", server.port())) {
            flood.getOutputStream().write("HEAD /many/ HTTP/1.1\r\nHost: a\r\n\r\n".repeat(490).getBytes());
            Thread.sleep(200);
            long t0 = System.nanoTime();
            assertStatus(200, get("/ok.txt"), "another client");
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waited < 5000, "another client waited " + waited + " ms (it was 30 s: every listing at once)");
        }
    }

    /** A listing is at most 1 MiB however long its names are after escaping, and says what it left out. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aListingIsBoundedInBytes(Io io) throws Exception {
        start(io, largeDirectories(), false, false);
        String html = get("/amp/");
        assertStatus(200, html, "the listing");
        assertTrue(html.length() < Listing.MAX_BYTES + 2048, "the listing holds " + html.length() + " bytes");
        assertTrue(html.contains("more entries not listed"), "it says it left entries out");
        String json = raw("GET /amp/ HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
        assertTrue(json.length() < Listing.MAX_BYTES + 2048 && json.contains("X-Muxkit-Listing: ") && json.endsWith("]"), json.substring(0, 300));
        String[] shownOfTotal = header(json, "X-Muxkit-Listing").split(" ");  // "shown of total entries"
        assertTrue(Integer.parseInt(shownOfTotal[0]) < Integer.parseInt(shownOfTotal[2]), "the JSON left entries out too: " + json.substring(0, 300));
    }

    /** A fast downloader gets its bytes a turn at a time (2 MiB), so the loop comes back to its wait between them. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aFastDownloaderYieldsTheLoopEveryTurn(Io io) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("huge.bin").toFile(), "rw")) {
            f.setLength(128L << 20);  // sparse
        }
        start(io, false, false);
        long before = server.waits();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("GET /huge.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
            InputStream in = s.getInputStream();
            byte[] b = new byte[1 << 20];
            long total = 0;
            for (int n; (n = in.read(b)) > 0; ) total += n;
            assertTrue(total > 128L << 20, "the whole body came");
        }
        long waits = server.waits() - before;
        assertTrue(waits >= 64, "128 MiB in turns of 2 MiB: at least 64 waits, not " + waits);
    }

    /** File names go to the kernel as UTF-8 whatever the locale: under LC_ALL=C, café is not caf?. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void namesAreUtf8UnderACLocale(Io io) throws Exception {
        Path utf = Files.createDirectories(cLocaleSmallHeap.root(io).resolve("utf"));
        Files.writeString(utf.resolve("café.txt"), "cafe\n");
        Files.writeString(utf.resolve("caf?.txt"), "question\n");
        int port = cLocaleSmallHeap.port(io);
        String cafe = RawHttp.untilClose(port, "GET /utf/caf%C3%A9.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10_000);
        assertTrue(cafe.endsWith("\r\n\r\ncafe\n"), cafe);
        String put = RawHttp.untilClose(port, "PUT /utf/%E2%82%AC HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nX\n", 10_000);
        assertStatus(201, put, "PUT of a non-ASCII name");
        assertEquals("X\n", Files.readString(utf.resolve("€")));
        String json = RawHttp.untilClose(port, "GET /utf/ HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n", 10_000);
        assertTrue(new String(json.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).contains("\"café.txt\""), json);
    }

    /** An entry that vanishes while its directory is listed is left out; the listing is still a 200. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void entriesThatVanishWhileListedAreLeftOut(Io io) throws Exception {
        int port = fstatFails.port(io);
        Path dir = Files.createDirectory(fstatFails.root(io).resolve("churn"));
        for (int i = 0; i < 300; i++) Files.createFile(dir.resolve("f" + i));
        int listed = 0;
        for (int i = 0; i < 30; i++) {
            String r = RawHttp.untilClose(port, "GET /churn/ HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n", 10_000);
            assertFalse(r.startsWith("HTTP/1.1 500"), r);
            if (r.startsWith("HTTP/1.1 200")) listed++;  // (a 404 when the directory's own fstat was the one to fail)
        }
        assertTrue(listed > 10, listed + " listings of 30");
    }

    /**
     * A file modified past the year 9999 is served, its date written as the last one HTTP can. tmpfs
     * (as xfs and btrfs) stores such times; Java cannot set one (it stops at 2262), touch can.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aFileFromTheFarFutureIsServed(Io io) throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm),
                "needs /dev/shm (tmpfs) to hold a date past 9999");
        Path dir = Files.createTempDirectory(shm, "muxkit-future");
        try {
            Path y = Files.writeString(dir.resolve("y.txt"), "e\n");
            assertEquals(0, Commands.run("touch", "-d", "@253402300800", y.toString()));
            server = FileServerFixture.serving(dir).start(io);
            String r = get("/y.txt");
            assertStatus(200, r, "GET of a file from the year 10000");
            assertEquals("Fri, 31 Dec 9999 23:59:59 GMT", header(r, "Last-Modified"));
        } finally {
            server.close();
            server = null;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
    }

    /** Two versions written in the same second have different ETags: a stale If-Range gets the whole new file. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void etagsTellVersionsOfOneSecondApart(Io io) throws Exception {
        start(io, true, false);
        assertStatus(201, raw("PUT /e.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\nConnection: close\r\n\r\nAAAAAAAA"), "first");
        String first = header(get("/e.txt"), "ETag");
        assertStatus(204, raw("PUT /e.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\nConnection: close\r\n\r\nBBBBBBBB"), "second");
        String second = header(get("/e.txt"), "ETag");
        assertFalse(first.equals(second), first + " for both versions");
        String resumed = raw("GET /e.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=4-\r\nIf-Range: " + first + "\r\nConnection: close\r\n\r\n");
        assertStatus(200, resumed, "If-Range with the first version's tag");
        assertTrue(resumed.endsWith("BBBBBBBB"), resumed);
        assertStatus(200, raw("GET /e.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + first + "\r\nConnection: close\r\n\r\n"),
                "If-None-Match with the first version's tag");
    }
}
