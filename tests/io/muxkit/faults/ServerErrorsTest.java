package io.muxkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Io;
import io.muxkit.testing.RawHttp;

/**
 * What a client sees when the server's own system calls fail (injected with MUXKIT_FAULTS): the
 * status and a plain reason, never an errno, a system call, an fd or a path of the server; the
 * detail, with the peer's address, is in the server's log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerErrorsTest {
    /** What must not reach a client: errno names, the shim's call names, fds. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\bE[A-Z0-9]{2,}\\b|fd=|\\b(read|write|send|sendfile|openat2?|open_tmpfile|fstat|fstatat|getdents|fsync|linkat|renameat)\\b");

    @TempDir
    Path root;

    /** The file server in a child JVM with the fault rules (none when null) in its environment. */
    private ChildJvm server(Io io, String faults, String... more) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("io.muxkit.cli.Main", "files", "--root", root.toString(),
                "--port", "0", "--allow-upload", io.flag(), io.value()));
        args.addAll(List.of(more));
        return ChildJvm.start(faults == null ? Map.of() : Map.of("MUXKIT_FAULTS", faults, "MUXKIT_FAULTS_SEED", "1"), null, args);
    }

    /** One request on its own connection; the whole response (a refused PUT closes; a GET asks for the close, or keep-alive would wait for the idle timeout). */
    private static String exchange(int port, String head, byte[] body) throws IOException {
        return RawHttp.untilClose(port, RawHttp.request(head, body == null ? new byte[0] : body), false, 20_000);
    }

    private static void assertPlain(int status, String response, ChildJvm child, String detail) throws Exception {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertFalse(INTERNALS.matcher(body).find(), "the body shows the server's internals: " + body);
        assertFalse(body.contains(Path.of("").toAbsolutePath().getRoot() + "tmp"), body);
        String logged = child.waitForLine(status + " " + response.substring(13, response.indexOf("\r\n")) + " to 127.0.0.1:");
        assertTrue(logged.contains(detail), "the log has the detail: " + logged);
    }

    /** What a client that writes the whole body before it reads (a blocking one) gets: the status line, or its exception. */
    private static String putWholeThenRead(int port, String path, int length) {
        String head = "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n";
        try {
            String r = RawHttp.untilClose(port, RawHttp.request(head, new byte[length]), false, 20_000);  // EPIPE in the write: the refusal was lost
            return r.substring(0, Math.max(0, r.indexOf("\r\n")));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * A full disk while writing the file: 507 with a plain reason, the ENOSPC in the log. And a
     * refused PUT whose client sends the whole body before reading gets the refusal, as from nginx:
     * the server reads and drops the body (it stopped after 256 KiB, and the client got EPIPE).
     * On every backend: reading on after the response is the loop's work. One server for all four
     * requests (the rule refuses every write; none of them needs another).
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aFullDiskIsA507AndARefusedUploadSentWholeStillReadsItsRefusal(Io io) throws Exception {
        Files.createDirectory(root.resolve("d"));
        try (ChildJvm child = server(io, "write:ENOSPC:1", "--max-upload", "10000000")) {
            int port = child.port();
            String r = exchange(port, "PUT /up.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n", "hello".getBytes());
            assertPlain(507, r, child, "ENOSPC");
            assertEquals(List.of("HTTP/1.1 507 Insufficient Storage", "HTTP/1.1 413 Content Too Large", "HTTP/1.1 409 Conflict"),
                    List.of(putWholeThenRead(port, "/up.bin", 10_000_000),  // a full disk
                            putWholeThenRead(port, "/up.bin", 20_000_000),  // over --max-upload
                            putWholeThenRead(port, "/d", 10_000_000)));    // onto a directory
        }
        try (java.util.stream.Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(root.resolve("d")), left.toList(), "nothing was written");
        }
    }

    /**
     * No inode left, out of fds, a failing fsync, an unreadable directory: 507 or 500 with a plain
     * reason; each detail is logged. Which status a failed call becomes is the file server's,
     * not the backend's (the loop only carries the response, as for any other), and the test
     * above runs every backend: so each rule runs on one io, each io serving one. A server
     * per rule: a rule at 1 fails every call it names (openat2 opens every path, open_tmpfile comes
     * before fsync), and the log admits one line a second, so a second failure would go unseen.
     */
    @Test
    void otherFailuresAreTheirStatusWithAPlainReason() throws Exception {
        Files.writeString(root.resolve("x.txt"), "x");
        Files.createDirectory(root.resolve("d"));
        String put = "PUT /up.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";
        try (ChildJvm child = server(Io.URING, "open_tmpfile:ENOSPC:1")) {  // no inode left for the file
            assertPlain(507, exchange(child.port(), put, "hello".getBytes()), child, "ENOSPC");
        }
        try (ChildJvm child = server(Io.SELECT, "fsync:EIO:1")) {
            assertPlain(500, exchange(child.port(), put, "hello".getBytes()), child, "EIO");
        }
        try (ChildJvm child = server(Io.POLL, "openat2:EMFILE:1", "--no-cache")) {
            assertPlain(500, exchange(child.port(), "GET /x.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null), child, "EMFILE");
        }
        try (ChildJvm child = server(Io.EPOLL, "getdents:EIO:1")) {
            assertPlain(500, exchange(child.port(), "GET /d/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null), child, "EIO");
        }
        assertFalse(Files.exists(root.resolve("up.txt")));
    }
}
