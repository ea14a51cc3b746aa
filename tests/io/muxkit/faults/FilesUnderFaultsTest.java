package io.muxkit.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.HttpConnection;
import io.muxkit.testing.RawHttp;
import io.muxkit.testing.Io;
import io.muxkit.testing.SystemFds;

/**
 * The file server while its reads, writes, sendfile, opens, fstat, fsync, links and renames fail
 * at random (a fixed seed): every 2xx body is byte-exact, no file under its real name is ever
 * partial, no temporary file survives a failed upload, no fd leaks. Failures may cost a request
 * (a 5xx, or a cut connection), never correctness.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FilesUnderFaultsTest {
    private static final String FAULTS = String.join(",", "read:EAGAIN:0.05", "read:SHORT:0.1", "send:SHORT:0.2",
            "sendfile:SHORT:0.2", "sendfile:EIO:0.01", "openat2:EIO:0.03", "fstat:EIO:0.03", "write:SHORT:0.2",
            "fsync:EIO:0.05", "renameat:EIO:0.05", "linkat:EIO:0.05", "open_tmpfile:EOPNOTSUPP:0.3",
            // the completion path's own: its waits interrupted, recvs and sends coming back as resets
            "io_uring_enter:EINTR:0.05", "io_uring_cqe:ECONNRESET:0.005", "io_uring_cqe:EPIPE:0.005");

    /**
     * Enough requests that the faults cost some (about a fifth of the PUTs, a few to a quarter of the GETs)
     * and many more succeed, as checked at the end; the reader below checks the real name all along.
     * The full count on epoll, a third on the others: what the faults break is mostly the file
     * server's (opens, fstat, fsync, links, renames); the backend's part, partial sends and reads
     * carried over to the next readiness, comes up many times in a third as well.
     */
    private static int gets(Io io) {
        return io == Io.EPOLL ? 150 : 50;
    }

    private static int puts(Io io) {
        return io == Io.EPOLL ? 60 : 20;
    }

    @TempDir
    Path root;

    /** A response: status, or -1 when the connection was cut before a whole response arrived. */
    private record Response(int status, byte[] body) {}

    private static Response exchange(int port, String head, byte[] body) {
        try (HttpConnection http = new HttpConnection(port, 20_000)) {
            http.write(head);
            if (body != null) http.write(body);
            RawHttp.Response r = http.read(head.startsWith("HEAD"));
            return new Response(r.status(), r.body());
        } catch (IOException e) {
            return new Response(-1, null);  // reset, or closed mid-response
        }
    }

    private static byte[] version(int v) {
        byte[] b = new byte[1000 + 997 * (v % 700)];
        Arrays.fill(b, (byte) ('a' + v % 26));
        b[0] = (byte) v;
        return b;
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void everyTwoHundredIsExactNoFileIsPartialNothingLeaks(Io io) throws Exception {
        byte[] data = new byte[1 << 20];  // many times the socket buffers: a GET's sendfile takes many calls, some failing
        new Random(1).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        Set<String> versions = ConcurrentHashMap.newKeySet();
        byte[] first = version(0);
        versions.add(Arrays.toString(Arrays.copyOf(first, 8)) + first.length);
        Files.write(root.resolve("doc.txt"), first);
        List<String> args = List.of("io.muxkit.cli.Main", "files", "--root", root.toString(), "--port", "0",
                "--allow-upload", "--stats", io.flag(), io.value());
        try (ChildJvm child = ChildJvm.start(Map.of("MUXKIT_FAULTS", FAULTS, "MUXKIT_FAULTS_SEED", "11"), null, args)) {
            int port = child.port();
            long baseline = SystemFds.count(child.process().pid());
            AtomicInteger okGets = new AtomicInteger(), okPuts = new AtomicInteger(), failed = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {  // what is under the real name, read from disk, always whole
                while (!done.get()) {
                    try {
                        byte[] now = Files.readAllBytes(root.resolve("doc.txt"));
                        if (!versions.contains(Arrays.toString(Arrays.copyOf(now, 8)) + now.length) || !whole(now))
                            problems.add("doc.txt held a partial or unknown version of " + now.length + " bytes");
                    } catch (NoSuchFileException e) {
                        problems.add("doc.txt vanished");
                    } catch (IOException e) {
                        problems.add(e.toString());
                    }
                }
            });
            reader.start();
            Thread getter = new Thread(() -> {
                Random random = new Random(2);
                for (int i = 0; i < gets(io); i++) {
                    long a = random.nextInt(data.length), b = Math.min(data.length - 1, a + random.nextInt(200_000));
                    boolean range = random.nextBoolean();
                    Response r = exchange(port, "GET /data.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                            + (range ? "Range: bytes=" + a + "-" + b + "\r\n" : "") + "\r\n", null);
                    if (r.status() == 200 && Arrays.equals(r.body(), data)) okGets.incrementAndGet();
                    else if (r.status() == 206 && Arrays.equals(r.body(), Arrays.copyOfRange(data, (int) a, (int) b + 1))) okGets.incrementAndGet();
                    else if (r.status() / 100 == 2) problems.add("a " + r.status() + " with a wrong body of " + r.body().length + " bytes");
                    else failed.incrementAndGet();
                }
            });
            getter.start();
            for (int v = 1; v <= puts(io); v++) {
                byte[] next = version(v);
                versions.add(Arrays.toString(Arrays.copyOf(next, 8)) + next.length);
                Response r = exchange(port, "PUT /doc.txt HTTP/1.1\r\nHost: x\r\nContent-Length: " + next.length
                        + "\r\nConnection: close\r\n\r\n", next);
                if (r.status() == 204) {
                    okPuts.incrementAndGet();
                    assertTrue(Arrays.equals(next, Files.readAllBytes(root.resolve("doc.txt"))), "a 204 put exactly its body");
                } else if (r.status() / 100 == 2) {
                    problems.add("PUT got " + r.status());
                } else {
                    failed.incrementAndGet();
                }
            }
            getter.join(120_000);
            done.set(true);
            reader.join(10_000);
            assertEquals(List.of(), problems);
            assertTrue(okGets.get() > gets(io) / 6 && okPuts.get() > puts(io) / 6 && failed.get() > 0,
                    "gets " + okGets + ", puts " + okPuts + ", failed " + failed + ": faults cost requests, and many still succeeded");
            try (Stream<Path> files = Files.list(root)) {
                Set<String> names = new HashSet<>();
                files.forEach(p -> names.add(p.getFileName().toString()));
                assertEquals(Set.of("data.bin", "doc.txt"), names, "no temporary file survived a failed upload");
            }
            // the file cache keeps one fd per entry: its --stats line says how many it has
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // at most the baseline: the JVM may close a file of its own start-up meanwhile
            while (SystemFds.count(child.process().pid()) > baseline + cachedEntries(child) && System.nanoTime() < deadline)
                Thread.sleep(20);
            long now = SystemFds.count(child.process().pid()), expected = baseline + cachedEntries(child);
            assertTrue(now <= expected, "the server's fds after its clients left, besides the cache's: " + now + ", more than " + expected);
        }
    }

    /** The entries in the last --stats line. */
    private static int cachedEntries(ChildJvm child) throws IOException {
        int entries = 0;
        for (String line : child.lines()) {
            Matcher m = ENTRIES.matcher(line);
            if (m.find()) entries = Integer.parseInt(m.group(1));
        }
        return entries;
    }

    private static final Pattern ENTRIES = Pattern.compile("cache .* entries (\\d+) ");

    /** Every byte after the first is the version's letter: a torn write would show another. */
    private static boolean whole(byte[] b) {
        for (int i = 2; i < b.length; i++) if (b[i] != b[1]) return false;
        return true;
    }
}
