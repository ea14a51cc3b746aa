package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

import io.muxkit.http.HttpError;
import io.muxkit.mux.Backend;
import io.muxkit.testing.FileServerFixture;
import io.muxkit.testing.RawHttp;
import io.muxkit.testing.Multiplexers;

/**
 * Path decoding and confinement, and the whole file server protocol, under Jazzer (see
 * HttpFuzzTest for how to run them). The server is a real one, on a real loop, with uploads on:
 * whatever bytes arrive, it answers with well-formed responses or closes, its loop never fails,
 * nothing outside its root is touched, and a well-behaved client is served afterwards.
 */
class FilesFuzzTest {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 [1-5]\\d\\d [A-Za-z -]+\r\n");
    private static Path root, outside;
    private static FileServer server;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws IOException {
        Path base = Files.createTempDirectory("muxkit-fuzz");
        root = Files.createDirectory(base.resolve("root"));
        outside = Files.createDirectory(base.resolve("outside"));
        Files.writeString(root.resolve("a.txt"), "a file\n");
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("dir/b.txt"), "another\n");
        Files.writeString(outside.resolve("secret"), "secret\n");
        Files.createSymbolicLink(root.resolve("out"), outside);
        server = FileServerFixture.serving(root).idleTimeout(2000).uploads(true, 1 << 20)
                .start(Multiplexers.of(Backend.EPOLL), new PrintStream(LOG, true));
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        try (var walk = Files.walk(root.getParent())) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A decoded path is relative, clean, and can only name something beneath the root. */
    @FuzzTest(maxDuration = "10m")
    void requestPath(@NotNull String target, boolean allowDotFiles) {
        try {
            RequestPath p = RequestPath.decode(target, allowDotFiles);
            String rel = p.relative();
            assertFalse(rel.startsWith("/") || rel.endsWith("/") || rel.contains("//"), rel);
            assertFalse(rel.indexOf('\0') >= 0 || rel.indexOf('\\') >= 0, rel);
            for (String segment : rel.isEmpty() ? new String[0] : rel.split("/")) {
                assertFalse(segment.equals("..") || segment.equals(".") || segment.isEmpty(), "segment '" + segment + "' in " + rel);
                assertFalse(segment.startsWith(RootDir.UPLOAD_PREFIX), rel);
                assertTrue(allowDotFiles || !segment.startsWith("."), rel);
            }
            assertEquals(p.relative(), RequestPath.decode("/" + RequestPath.encode(rel) + (p.trailingSlash() ? "/" : ""),
                    allowDotFiles).relative(), "encode is decode's inverse");
        } catch (HttpError e) {
            assertTrue(e.status == 400 || e.status == 403 || e.status == 404, e.status + ": " + e.getMessage());
        }
    }

    /** Any bytes, through a socket, to the whole protocol. */
    @FuzzTest(maxDuration = "10m")
    void fileProtocol(byte[] input) throws IOException {
        String answer = send(input);
        int at = 0;
        while (at < answer.length()) {  // every response the server sent starts with a well-formed status line
            int lineEnd = answer.indexOf("\r\n", at);
            assertTrue(lineEnd > at && STATUS_LINE.matcher(answer.substring(at, lineEnd + 2)).matches(),
                    "a malformed response at " + at + ": " + answer.substring(at, Math.min(answer.length(), at + 80)));
            int headEnd = answer.indexOf("\r\n\r\n", at);
            if (headEnd < 0) break;  // cut off
            long length = answer.startsWith("HTTP/1.1 100", at) ? 0 : contentLength(answer.substring(at, headEnd));
            // a HEAD response states the length of a body it does not send (the fuzzer found this with a PUT then a HEAD)
            boolean bodiless = length > 0 && answer.startsWith("HTTP/1.1 ", headEnd + 4) && !answer.startsWith("HTTP/1.1 ", (int) Math.min(answer.length(), headEnd + 4 + length));
            at = (int) Math.min(answer.length(), headEnd + 4 + (bodiless ? 0 : length));
        }
        assertEquals("secret\n", Files.readString(outside.resolve("secret")), "nothing outside the root changes");
        try (var out = Files.list(outside)) {
            assertEquals(1, out.count(), "nothing is created outside the root");
        }
        assertFalse(LOG.toString().contains("event loop"), "the loop reported a failure: " + LOG);
        // the input may have been a valid PUT of a.txt (found by the fuzzer): what is served is what is on disk
        String got = send("GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
        assertTrue(got.startsWith("HTTP/1.1 200 ") && got.endsWith("\r\n\r\n" + Files.readString(root.resolve("a.txt"), StandardCharsets.ISO_8859_1)),
                "a well-behaved client is served after it, what is on disk: " + got);
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n"))
            if (line.regionMatches(true, 0, "Content-Length: ", 0, 16)) return Long.parseLong(line.substring(16).trim());
        return 0;
    }

    /** Sends the bytes, half-closes, and reads what comes back until the close, or 5 s of silence (a server still waiting for a PUT body). */
    private static String send(byte[] bytes) throws IOException {
        // the server's port on loopback is the one connection this test means to make (Jazzer's SSRF detector watches)
        try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == server.port()
                && (host.equals("localhost") || host.equals("127.0.0.1")))) {
            return RawHttp.whatCameBack(server.port(), bytes, true, 5000).text();
        }
    }
}
