package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
import io.muxkit.testing.HttpConnection;
import io.muxkit.testing.RawHttp;
import io.muxkit.testing.SharedFileServers;

/**
 * A PUT whose directory is missing, or is removed while the body arrives: 409 Conflict (RFC 4918
 * section 9.7.1: a PUT without its parent collection), never a 500, and nothing is left behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadDirectoryGoneTest {
    @TempDir
    Path root;
    private FileServer server;
    /** A process with a server on every io and no O_TMPFILE (a fault rule takes it from its shim). */
    @RegisterExtension
    static final SharedFileServers noTmpfile = new SharedFileServers(Map.of("MUXKIT_FAULTS", "open_tmpfile:EOPNOTSUPP:1"), List.of(), true);

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private void start(Io io) throws IOException {
        server = FileServerFixture.serving(root).uploads(true, 200L << 20).start(io);
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aDirectoryRemovedDuringAPutIsA409AndNothingIsLeft(Io io) throws Exception {
        Path dir = Files.createDirectory(root.resolve("dir"));
        start(io);
        putRemovingTheDirectoryMidway(server.port(), dir, () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!writingInto(dir) && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(writingInto(dir), "the upload began");
        });  // removed with whatever the upload put in it
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(), left.toList(), "nothing is left behind, and the directory is not made again");
        }
        // the same condition when the PUT begins gets the same answer
        String r = RawHttp.untilClose(server.port(), "PUT /dir/new.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok", 20_000);
        assertTrue(r.startsWith("HTTP/1.1 409 "), r);
    }

    /** Where the file system has no O_TMPFILE, the upload's hidden name goes with the directory: 409 too. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void withoutTmpfileToo(Io io) throws Exception {
        ChildJvm child = noTmpfile.child();
        Path served = noTmpfile.root(io);
        Path dir = Files.createDirectory(served.resolve("dir"));
        putRemovingTheDirectoryMidway(noTmpfile.port(io), dir, () -> {
            String pid = String.valueOf(child.process().pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!writingInto(pid, dir) && System.nanoTime() < deadline) Thread.sleep(10);
            try (Stream<Path> hidden = Files.list(dir)) {
                assertEquals(1, hidden.count(), "the upload began, under a hidden name");
            }
        });
        try (Stream<Path> left = Files.list(served)) {
            assertEquals(List.of(), left.toList(), "nothing is left behind");
        }
    }

    /** What a test waits for (and checks) before the directory goes: that the upload began. */
    private interface UploadBegun {
        void await() throws Exception;
    }

    /**
     * PUTs 1,000,000 bytes into dir: 100,000 of them, then, once began is through, removes dir and
     * sends the rest. The answer is a 409, and the server closes the connection.
     */
    private static void putRemovingTheDirectoryMidway(int port, Path dir, UploadBegun began) throws Exception {
        try (HttpConnection http = new HttpConnection(port, 20_000)) {
            http.write("PUT /dir/new.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
            http.write(new byte[100_000]);
            began.await();
            removeTree(dir);
            http.write(new byte[900_000]);
            RawHttp.Response r = http.read(false);
            assertTrue(r.head().startsWith("HTTP/1.1 409 "), r.head() + r.text());
            http.untilClose();  // the server is done with the upload when it closes: then what it left is looked at
        }
    }

    private static boolean writingInto(Path dir) throws IOException {
        return writingInto("self", dir);
    }

    /** Whether the process (the server's) has a file open in dir: the upload's. */
    private static boolean writingInto(String pid, Path dir) throws IOException {
        String prefix = dir.toRealPath() + "/";
        try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(prefix);
                } catch (IOException gone) {
                    return false;
                }
            });
        }
    }

    private static void removeTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
