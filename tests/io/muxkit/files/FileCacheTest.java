package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Io;
import io.muxkit.testing.FileServerFixture;
import io.muxkit.testing.HttpConnection;
import io.muxkit.testing.RawHttp.Response;
import io.muxkit.testing.Peers;
import io.muxkit.testing.SharedFileServers;
import io.muxkit.testing.Commands;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file cache on every backend: never stale (read-your-writes through inotify, every way a
 * file or directory can change, the stat revalidation for writes inotify cannot see), never a
 * way out of the root, the same responses as without it, and uploads that leave the loop free.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FileCacheTest {
    /** Long enough that within a test only inotify keeps the cache true. */
    private static final long NEVER_REVALIDATE = 3_600_000;

    @TempDir
    Path root;
    @TempDir
    Path outside;
    private final List<FileServer> servers = new ArrayList<>();
    /** A process with a server on every io and fsync taking 500 ms (a fault rule makes its shim's fsync slow). */
    @RegisterExtension
    static final SharedFileServers slowDisk = new SharedFileServers(Map.of("MUXKIT_FAULTS", "fsync:SLOW500:1"), List.of(), true);

    private FileServer start(Io io, FileServerConfig.Cache cache, boolean allowUpload) throws IOException {
        FileServer server = FileServerFixture.serving(root).uploads(allowUpload, 200L << 20).cache(cache).start(io);
        servers.add(server);
        return server;
    }

    private FileServer start(Io io, long validMillis) throws IOException {
        return start(io, new FileServerConfig.Cache(64L << 20, 1000, validMillis), false);
    }

    @AfterEach
    void stop() {
        servers.forEach(FileServer::close);
    }

    private static byte[] content(int i) {
        int size = i % 10 == 9 ? 70_000 + i : 1 + (i * 7919) % 60_000;  // small ones stored whole, every tenth past 64 KiB
        byte[] b = new byte[size];
        new Random(i).nextBytes(b);
        return b;
    }

    /**
     * Each cycle rewrites the file (a new size and content) and then GETs it twice on a keep-alive
     * connection, the second time from the cache: the write returned before the request was sent,
     * so both must be the new bytes. 300 cycles from this process, and 50 from sh (another
     * process's write: a fork and exec each, so fewer). A server that served an entry before draining
     * the write's event would be stale in nearly every cycle; the counts give the event and the
     * request many chances to meet in every order, on every io, with every tenth file past
     * 64 KiB (the large-entry path).
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aRequestSentAfterAWriteReturnedNeverGetsTheOldBytes(Io io) throws Exception {
        Path file = root.resolve("f.bin");
        Files.write(file, content(0));
        FileServer server = start(io, NEVER_REVALIDATE);
        int stale = 0;
        try (HttpConnection http = new HttpConnection(server.port())) {
            for (int i = 1; i <= 300; i++) {
                byte[] now = content(i);
                Files.write(file, now);
                for (int twice = 0; twice < 2; twice++) if (!Arrays.equals(now, http.get("/f.bin").body())) stale++;
            }
            for (int i = 1; i <= 50; i++) {
                String now = "written by sh, cycle " + i + " " + "x".repeat(i % 97 * 37) + "\n";
                assertEquals(0, Commands.run("sh", "-c", "printf '%s' \"$1\" > \"$2\"", "sh", now, file.toString()));
                for (int twice = 0; twice < 2; twice++) if (!now.equals(http.get("/f.bin").text())) stale++;
            }
        }
        assertEquals(0, stale, "stale responses");
        FileServer.CacheStats s = server.cacheStats();
        assertTrue(s.hits() >= 300 && s.invalidations() >= 300, "served from the cache and dropped by every write (350 cycles): " + s);
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void everyOtherWayAFileOrDirectoryChangesIsSeenAtOnce(Io io) throws Exception {
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/x.txt"), "first");
        Files.writeString(root.resolve("f.txt"), "original");
        FileServer server = start(io, NEVER_REVALIDATE);
        try (HttpConnection http = new HttpConnection(server.port())) {
            assertEquals("original", cachedGet(http, "/f.txt").text());

            Files.writeString(root.resolve("new.txt"), "moved over it");  // mv over the name
            Files.move(root.resolve("new.txt"), root.resolve("f.txt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("moved over it", cachedGet(http, "/f.txt").text());

            try (FileChannel ch = FileChannel.open(root.resolve("f.txt"), StandardOpenOption.WRITE)) {
                ch.truncate(5);
            }
            assertEquals("moved", cachedGet(http, "/f.txt").text());

            long before = server.cacheStats().invalidations();
            Files.setPosixFilePermissions(root.resolve("f.txt"), PosixFilePermissions.fromString("---------"));  // chmod 000
            Response r = http.get("/f.txt");
            assertTrue(server.cacheStats().invalidations() > before, "chmod dropped the entry");
            if (Files.isReadable(root.resolve("f.txt"))) assertEquals("moved", r.text());  // as root, still readable
            else assertEquals(403, r.status());

            Files.delete(root.resolve("f.txt"));
            assertEquals(404, http.get("/f.txt").status());

            assertEquals("first", cachedGet(http, "/d/x.txt").text());  // a directory renamed
            Files.move(root.resolve("d"), root.resolve("e"));
            assertEquals(404, http.get("/d/x.txt").status());
            assertEquals("first", cachedGet(http, "/e/x.txt").text());
            Files.move(root.resolve("e"), root.resolve("d"));
            assertEquals(404, http.get("/e/x.txt").status());
            assertEquals("first", cachedGet(http, "/d/x.txt").text());

            Files.delete(root.resolve("d/x.txt"));  // a directory deleted and made again
            Files.delete(root.resolve("d"));
            Files.createDirectories(root.resolve("d"));
            Files.writeString(root.resolve("d/x.txt"), "second");
            assertEquals("second", cachedGet(http, "/d/x.txt").text());
        }
    }

    /** A cached file whose directory, or the file itself, is replaced by a symlink out of the root: never served again. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aCachedPathThatNowLeadsOutOfTheRootIsRefused(Io io) throws Exception {
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/x.txt"), "inside");
        Files.writeString(root.resolve("f.txt"), "inside too");
        Files.writeString(outside.resolve("x.txt"), "secret");
        FileServer server = start(io, NEVER_REVALIDATE);
        try (HttpConnection http = new HttpConnection(server.port())) {
            assertEquals("inside", cachedGet(http, "/d/x.txt").text());
            assertEquals("inside too", cachedGet(http, "/f.txt").text());
            Files.move(root.resolve("d"), root.resolve("d.old"));
            Files.createSymbolicLink(root.resolve("d"), outside);
            Files.delete(root.resolve("f.txt"));
            Files.createSymbolicLink(root.resolve("f.txt"), outside.resolve("x.txt"));
            for (int twice = 0; twice < 2; twice++) {
                assertEquals(403, http.get("/d/x.txt").status(), "a directory replaced by a symlink out of the root");
                assertEquals(403, http.get("/f.txt").status(), "a file replaced by a symlink out of the root");
            }
            assertEquals("inside", cachedGet(http, "/d.old/x.txt").text());
        }
    }

    /**
     * Paths through a symlink and files with other hard links are served, never cached: a write
     * through another name is not an event on the names the cache watches.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void symlinkedPathsAndHardLinkedFilesAreServedButNotCached(Io io) throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("a/t.txt"), "one");
        Files.createSymbolicLink(root.resolve("b/link.txt"), Path.of("../a/t.txt"));
        Files.createLink(root.resolve("b/hard.txt"), root.resolve("a/t.txt"));
        FileServer server = start(io, NEVER_REVALIDATE);
        try (HttpConnection http = new HttpConnection(server.port())) {
            for (int i = 0; i < 3; i++) {
                String now = "version " + i;
                Files.writeString(root.resolve("a/t.txt"), now);
                assertEquals(now, http.get("/b/link.txt").text());
                assertEquals(now, http.get("/b/hard.txt").text());
            }
            assertEquals(0, server.cacheStats().entries(), "nothing reached through a symlink or with two links is kept");
        }
    }

    /**
     * Four connections keep the loop busy with large downloads while X sends a cheap request, the
     * file is written, and X sends the GET: the GET's bytes arrive after the batch's inotify drain
     * and are read with X's first request. Served only after the next wait, it gets the new bytes.
     * Each round's random delay puts the write at another point of the busy batch: 50 rounds.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aRequestReadLateInABatchIsNotServedStale(Io io) throws Exception {
        Path file = root.resolve("t.txt");
        Files.writeString(file, String.format("v%08d", 0));
        Files.writeString(root.resolve("other.txt"), "x");
        Files.write(root.resolve("big.bin"), new byte[2 << 20]);
        FileServer server = start(io, NEVER_REVALIDATE);
        List<HttpConnection> busy = new ArrayList<>();
        int stale = 0;
        Random random = new Random(1);
        try {  // the busy connections too are closed whatever fails, the first of them included
            for (int i = 0; i < 4; i++) busy.add(new HttpConnection(server.port()));
            try (HttpConnection x = new HttpConnection(server.port()); FileChannel writer = FileChannel.open(file, StandardOpenOption.WRITE)) {
                x.get("/t.txt");  // (x has the highest fd: select and poll dispatch it after the others)
                for (int i = 1; i <= 50; i++) {
                    for (HttpConnection b : busy) b.write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
                    x.write("GET /other.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                    for (long end = System.nanoTime() + random.nextInt(4_000_000); System.nanoTime() < end; ) Thread.onSpinWait();
                    String now = String.format("v%08d", i);
                    writer.write(ByteBuffer.wrap(now.getBytes(StandardCharsets.US_ASCII)), 0);  // returned: the event is queued
                    x.write("GET /t.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                    x.read(false);
                    if (!x.read(false).text().equals(now)) stale++;
                    for (HttpConnection b : busy) assertEquals(2 << 20, b.read(false).body().length);
                }
            }
        } finally {
            for (HttpConnection b : busy) b.close();
        }
        assertEquals(0, stale, "stale responses to a GET sent after the write returned");
    }

    /** A directory's own change (its mode, here) drops everything cached beneath it; the root's drops everything. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aChangeToADirectoryItselfDropsEverythingBeneathIt(Io io) throws Exception {
        Files.createDirectories(root.resolve("d/e"));
        Files.writeString(root.resolve("d/e/f.txt"), "f");
        Files.writeString(root.resolve("top.txt"), "top");
        FileServer server = start(io, NEVER_REVALIDATE);
        try (HttpConnection http = new HttpConnection(server.port())) {
            cachedGet(http, "/d/e/f.txt");
            cachedGet(http, "/top.txt");
            assertEquals(2, server.cacheStats().entries());
            Files.setPosixFilePermissions(root.resolve("d"), PosixFilePermissions.fromString("rwx------"));
            awaitEntries(server, 1);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            awaitEntries(server, 0);
            assertEquals(0, server.cacheStats().watches(), "nothing cached, nothing watched");
            assertEquals("f", cachedGet(http, "/d/e/f.txt").text());  // (as root, still readable)
            assertEquals(3, server.cacheStats().watches(), "the root, d and d/e");
        } finally {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** A directory is watched only while something beneath it is cached; deeper paths than the cache takes are served uncached. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void watchesFollowTheEntriesAndDeepPathsAreNotCached(Io io) throws Exception {
        for (int i = 0; i < 50; i++) {
            Files.createDirectories(root.resolve("d" + i));
            Files.writeString(root.resolve("d" + i + "/f.txt"), "f" + i);
        }
        Path deep = root;
        for (int i = 0; i < WatchTree.MAX_DEPTH + 1; i++) deep = deep.resolve("x");
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("deep.txt"), "deep");
        FileServer server = start(io, new FileServerConfig.Cache(64L << 20, 2, NEVER_REVALIDATE), false);
        try (HttpConnection http = new HttpConnection(server.port())) {
            for (int i = 0; i < 50; i++) assertEquals("f" + i, cachedGet(http, "/d" + i + "/f.txt").text());
            FileServer.CacheStats s = server.cacheStats();
            assertTrue(s.entries() == 2 && s.watches() == 3, "two entries, their two directories and the root: " + s);
            assertEquals("deep", cachedGet(http, "/" + root.relativize(deep.resolve("deep.txt"))).text());
            assertEquals(2, server.cacheStats().entries(), "the deep file is not among them");
        }
    }

    /**
     * A cache of one entry: caching d/b.txt evicts d/a.txt, the last entry beneath d, and that must
     * not take the watch of d, which d/b.txt needs: then d renamed and a new d/b.txt is seen at once.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void anEntryThatEvictsTheLastOneOfItsDirectoryKeepsTheDirectoryWatched(Io io) throws Exception {
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/a.txt"), "a");
        Files.writeString(root.resolve("d/b.txt"), "old b");
        FileServer server = start(io, new FileServerConfig.Cache(64L << 20, 1, NEVER_REVALIDATE), false);
        try (HttpConnection http = new HttpConnection(server.port())) {
            assertEquals("a", cachedGet(http, "/d/a.txt").text());
            assertEquals("old b", cachedGet(http, "/d/b.txt").text());
            FileServer.CacheStats s = server.cacheStats();
            assertTrue(s.entries() == 1 && s.watches() == 2, "d/b.txt, with d and the root watched: " + s);
            Files.move(root.resolve("d"), root.resolve("d.old"));
            Files.createDirectories(root.resolve("d"));
            Files.writeString(root.resolve("d/b.txt"), "new b");
            assertEquals("new b", http.get("/d/b.txt").text());
        }
    }

    /**
     * A hard link made after the file was cached, a write through it and the mtime put back: no
     * event reaches the watched directory, and the stat before serving an entry older than
     * --cache-valid finds the second link and the new ctime.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aWriteThroughALaterHardLinkIsFoundByTheRevalidation(Io io) throws Exception {
        Path file = root.resolve("f.txt");
        Files.writeString(file, "11111111");
        FileServer server = start(io, 200);
        try (HttpConnection http = new HttpConnection(server.port())) {
            assertEquals("11111111", cachedGet(http, "/f.txt").text());
            FileTime mtime = Files.getLastModifiedTime(file);
            Path link = Files.createLink(outside.resolve("link"), file);
            Files.writeString(link, "22222222");
            Files.setLastModifiedTime(file, mtime);
            awaitBody(http, "/f.txt", "22222222");
        }
    }

    /**
     * A local process creating and deleting files in a watched directory as fast as it can: the
     * loop is not held up by the events (a queue too long for one drain resets the cache), and a
     * file rewritten meanwhile is never served stale.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void churnInAWatchedDirectoryNeitherStallsNorStales(Io io) throws Exception {
        Path file = root.resolve("f.txt");
        Files.writeString(file, "0");
        FileServer server = start(io, NEVER_REVALIDATE);
        AtomicBoolean done = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            for (long i = 0; !done.get(); i++) {
                try {
                    Path p = root.resolve("churn" + (i % 64));
                    Files.write(p, new byte[] { 1 });
                    Files.delete(p);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
        });
        long worst = 0;
        int stale = 0;
        try (HttpConnection http = new HttpConnection(server.port())) {
            churn.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);  // tens of thousands of events: more than a drain takes
            for (int i = 1; System.nanoTime() < end; i++) {
                Files.writeString(file, String.valueOf(i));
                long start = System.nanoTime();
                if (!http.get("/f.txt").text().equals(String.valueOf(i))) stale++;
                worst = Math.max(worst, System.nanoTime() - start);
            }
        } finally {
            done.set(true);
            churn.join();
        }
        assertEquals(0, stale, "stale responses");
        assertTrue(worst < TimeUnit.SECONDS.toNanos(2), "the slowest GET took " + worst / 1_000_000 + " ms (a sanity bound)");
    }

    /** GETs path until its body is want: a change the revalidation finds within --cache-valid (200 ms in these tests). */
    private static void awaitBody(HttpConnection http, String path, String want) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String got;
        while (!(got = http.get(path).text()).equals(want) && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(want, got, "seen within --cache-valid");
    }

    private static void awaitEntries(FileServer server, int entries) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.cacheStats().entries() != entries && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(entries, server.cacheStats().entries(), "entries left: " + server.cacheStats());
    }

    /** A write through mmap is no inotify event: the stat before serving an entry older than --cache-valid finds it. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aWriteInotifyCannotSeeIsFoundByTheRevalidation(Io io) throws Exception {
        Path file = root.resolve("m.txt");
        Files.writeString(file, "aaaaaaaa");
        FileServer server = start(io, 200);
        try (HttpConnection http = new HttpConnection(server.port())) {
            assertEquals("aaaaaaaa", cachedGet(http, "/m.txt").text());
            Thread.sleep(20);  // a later mtime tick than the first write's
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8);
                map.put("bbbbbbbb".getBytes(StandardCharsets.US_ASCII));
                map.force();
            }
            awaitBody(http, "/m.txt", "bbbbbbbb");
        }
    }

    /**
     * Issue 20, item 2: a second store to a page a shared mapping has already dirtied moves no
     * mtime, so no stat can see it; the revalidation after --cache-valid also compares a small
     * entry's bytes with the file's. A large entry is sent with sendfile from the page cache, so
     * its body is the stored bytes at once (only its ETag and Last-Modified stay as they were).
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aStoreToAnAlreadyDirtyMappedPageIsFoundByTheRevalidation(Io io) throws Exception {
        Path small = root.resolve("m.txt"), large = root.resolve("big.bin");
        Files.writeString(small, "aaaaaaaa");
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'a');
        Files.write(large, big);
        FileServer server = start(io, 200);
        try (HttpConnection http = new HttpConnection(server.port());
             FileChannel sc = FileChannel.open(small, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileChannel lc = FileChannel.open(large, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer sm = sc.map(FileChannel.MapMode.READ_WRITE, 0, 8), lm = lc.map(FileChannel.MapMode.READ_WRITE, 0, big.length);
            Thread.sleep(20);  // a later mtime tick than the first write's
            sm.put(0, "bbbbbbbb".getBytes(StandardCharsets.US_ASCII));  // dirties the page: the mtime moves
            lm.put(0, (byte) 'b');
            awaitBody(http, "/m.txt", "bbbbbbbb");
            assertEquals('b', cachedGet(http, "/big.bin").body()[0]);
            FileTime smallTime = Files.getLastModifiedTime(small), largeTime = Files.getLastModifiedTime(large);
            Thread.sleep(20);
            sm.put(0, "cccccccc".getBytes(StandardCharsets.US_ASCII));  // the same page, dirty already: no mtime change
            lm.put(0, (byte) 'c');
            assertEquals(smallTime, Files.getLastModifiedTime(small), "the store moved no mtime (else this tests nothing)");
            assertEquals(largeTime, Files.getLastModifiedTime(large));
            assertEquals('c', http.get("/big.bin").body()[0], "a large entry's body comes from the page cache");
            awaitBody(http, "/m.txt", "cccccccc");
            long invalidations = server.cacheStats().invalidations();
            for (int i = 0; i < 5; i++) assertEquals("cccccccc", cachedGet(http, "/m.txt").text());
            assertTrue(server.cacheStats().invalidations() - invalidations <= 1, "an unchanged entry is kept: " + server.cacheStats());
        }
    }

    /**
     * Issue 20, item 3: a hard link made after the file was cached, in a directory no one watches,
     * and a write through it. The link count's change (IN_ATTRIB on the file itself, which the
     * cache watches) drops the entry at once: no revalidation is needed, none happens here.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aHardLinkMadeAfterCachingDropsTheEntryAtOnce(Io io) throws Exception {
        FileServer server = start(io, NEVER_REVALIDATE);
        try (HttpConnection http = new HttpConnection(server.port())) {
            for (int i = 0; i < 20; i++) {
                Path file = root.resolve("f" + i + ".txt"), link = outside.resolve("link" + i);
                Files.writeString(file, "old " + i);
                assertEquals("old " + i, cachedGet(http, "/f" + i + ".txt").text());
                Files.createLink(link, file);
                Files.writeString(link, "new " + i);
                assertEquals("new " + i, http.get("/f" + i + ".txt").text(), "a GET sent after the write returned");
            }
        }
    }

    /** The hostile paths of the confinement tests, each asked for twice: the same answer from a hit as from a miss. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void confinementHoldsThroughHitsAsThroughMisses(Io io) throws Exception {
        Files.writeString(root.resolve(".hidden"), "dot");
        Files.writeString(root.resolve("ok.txt"), "ok");
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dirlink"), outside);
        assertEquals(0, Commands.run("mkfifo", root.resolve("fifo").toString()));
        FileServer server = start(io, NEVER_REVALIDATE);
        String[][] cases = {
            { "/ok.txt", "200" }, { "/.hidden", "404" }, { "/link", "403" }, { "/dirlink/secret.txt", "403" },
            { "/fifo", "403" }, { "/%2e%2e/secret.txt", "400" }, { "/ok.txt/", "404" }, { "/nope", "404" },
        };
        for (String[] c : cases) {
            String request = "GET " + c[0] + " HTTP/1.1\r\nHost: x\r\n\r\n";
            Response first = exchange(server.port(), request), second = exchange(server.port(), request);
            assertEquals(Integer.parseInt(c[1]), first.status(), c[0]);
            assertEquals(first.headWithoutDate(), second.headWithoutDate(), c[0]);
            assertArrayEquals(first.body(), second.body(), c[0]);
            assertNotEquals("secret", first.text());
        }
        assertTrue(server.cacheStats().hits() >= 1, "ok.txt the second time: " + server.cacheStats());
    }

    /** Every kind of request, answered byte for byte (but the Date) as without the cache, from a miss and from a hit. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void theSameResponsesAsWithoutTheCache(Io io) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello, world\n");
        byte[] big = new byte[300_000];
        new Random(3).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.createDirectories(root.resolve("dir"));
        Files.writeString(root.resolve("dir/in.html"), "<p>hi</p>");
        Files.createFile(root.resolve("empty.txt"));
        int cached = start(io, NEVER_REVALIDATE).port(), plain = start(io, null, false).port();
        String etag;
        String modified;
        try (HttpConnection http = new HttpConnection(plain)) {
            Response r = http.get("/a.txt");
            etag = r.header("etag");
            modified = r.header("last-modified");
        }
        String[] requests = {
            "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n",
            "HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=7-11\r\n\r\n",
            "GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=99-\r\n\r\n",
            "GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\n\r\n",
            "GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + modified + "\r\n\r\n",
            "GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nIf-Range: " + etag + "\r\n\r\n",
            "GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /a.txt HTTP/1.0\r\n\r\n",
            "GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n",
            "HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=-1000\r\n\r\n",
            "GET /dir HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /dir/ HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /dir/in.html HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /empty.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n",  // nothing after an empty body
        };
        for (String request : requests) {
            List<Response> want = exchangeAll(plain, request);
            for (int twice = 0; twice < 2; twice++) {
                List<Response> got = exchangeAll(cached, request);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i).headWithoutDate(), got.get(i).headWithoutDate(), request);
                    assertArrayEquals(want.get(i).body(), got.get(i).body(), request);
                }
            }
        }
        FileServer.CacheStats s = servers.get(0).cacheStats();
        assertTrue(s.hits() > 10 && s.entries() == 4, "answered from the cache: " + s);
    }

    /**
     * While one client uploads 8 MiB to a disk whose fsync takes half a second (a fault rule
     * makes it so in the server's shim), another asks for a small file every 2 ms; each request's
     * latency counts from when it was due, so a loop stalled by the disk shows in every request it
     * delays. A correctness bound, generous on purpose, not a benchmark.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void anUploadWithASlowFsyncDoesNotHoldUpOtherRequests(Io io) throws Exception {
        ChildJvm child = slowDisk.child();
        Path served = slowDisk.root(io);
        Files.writeString(served.resolve("small.txt"), "small");
        int port = slowDisk.port(io);
        long length = 8L << 20;  // past the socket buffers; the fsync alone keeps it going 500 ms: 250 requests due
        AtomicReference<String> uploaded = new AtomicReference<>();
        AtomicLong uploadEnd = new AtomicLong(Long.MAX_VALUE);
        Thread upload = new Thread(() -> {
            uploaded.set(put(port, "/up.bin", length));
            uploadEnd.set(System.nanoTime());
        });
        List<Long> latencies = new ArrayList<>();
        try (HttpConnection http = new HttpConnection(port)) {
            assertEquals("HTTP/1.1 201", put(port, "/warm-up.bin", 2L << 20));  // compiled code in the server before it counts
            for (int i = 0; i < 500; i++) http.get("/small.txt");
            upload.start();
            long start = System.nanoTime();
            // every request due before the upload ended is sent, however late: a stall shows in all it delayed
            for (long due = start; due < uploadEnd.get() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120); due += 2_000_000) {
                long wait = due - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                assertEquals("small", http.get("/small.txt").text());
                latencies.add(System.nanoTime() - due);
            }
        } finally {
            upload.join(TimeUnit.SECONDS.toMillis(60));  // on a failure too: the next backend's turn shares this server process
        }
        assertEquals("HTTP/1.1 201", uploaded.get());
        assertEquals(length, Files.size(served.resolve("up.bin")), "the upload arrived whole");
        assertTrue(latencies.size() >= 250, "requests due during the upload (its fsync alone takes 500 ms): " + latencies.size());
        latencies.sort(null);
        long p99 = latencies.get(latencies.size() * 99 / 100);
        // an fsync on the loop would hold ~250 requests for up to 500 ms, so p99 near 500 ms; half of that
        // tells a stall from a busy machine (two test JVMs and their children on two cores)
        assertTrue(p99 < TimeUnit.MILLISECONDS.toNanos(250), "p99 " + p99 / 1000 + " us over " + latencies.size()
                + " requests; the ten slowest (us): " + latencies.subList(latencies.size() - 10, latencies.size()).stream().map(l -> l / 1000).toList());
    }

    /**
     * No inotify to be had (inotify_init1 fails: EMFILE) or no watch (inotify_add_watch fails:
     * ENOSPC at max_user_watches): the server says so, or caches nothing, and serves every file right.
     */
    @ParameterizedTest(name = "{0}") @ValueSource(strings = { "inotify_init:EMFILE:1", "inotify_add_watch:ENOSPC:1" })
    void withoutInotifyTheServerServesUncached(String fault) throws Exception {
        Files.writeString(root.resolve("f.txt"), "one");
        List<String> args = List.of("io.muxkit.cli.Main", "files", "--root", root.toString(), "--port", "0", "--stats");
        try (ChildJvm child = ChildJvm.start(Map.of("MUXKIT_FAULTS", fault), null, args);
             HttpConnection http = new HttpConnection(child.port())) {
            for (int i = 0; i < 5; i++) {
                Files.writeString(root.resolve("f.txt"), "version " + i);
                assertEquals("version " + i, cachedGet(http, "/f.txt").text());
            }
            if (fault.startsWith("inotify_init")) child.waitForLine("serving without a file cache");
            else assertTrue(awaitStats(child, "misses", 10) >= 10 && statsSum(child, "hits") == 0, String.join("\n", child.lines()));
        }
    }

    /** PUTs length bytes of 'u' and returns the response's status line start ("HTTP/1.1 201"), or what went wrong. */
    private static String put(int port, String path, long length) {
        try (HttpConnection http = new HttpConnection(port, 60_000)) {
            http.write("PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n");
            byte[] chunk = new byte[1 << 16];
            Arrays.fill(chunk, (byte) 'u');
            for (long sent = 0; sent < length; sent += chunk.length)
                http.write(length - sent >= chunk.length ? chunk : Arrays.copyOf(chunk, (int) (length - sent)));
            String statusLine = http.read(false).statusLine();
            return statusLine.substring(0, Math.min(12, statusLine.length()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * At 256 fds the cache keeps at most 64 files open and --max-conn defaults to (256 - 64 - 64) / 3
     * = 42: three hundred files through the cache, then 42 connections each holding a download of a
     * different large file (an evicted entry stays open until its last sender is done), then one
     * more, refused by --max-conn. The server never runs out of fds, and --stats counts the hits.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void atALowFdLimitTheCacheLeavesConnectionsTheirFds(Io io) throws Exception {
        for (int i = 0; i < 300; i++) Files.writeString(root.resolve("s" + i + ".txt"), "small " + i);
        for (int i = 0; i < 42; i++) {
            try (FileChannel ch = FileChannel.open(root.resolve("b" + i + ".bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] { 1 }), (4 << 20) - 1);  // 4 MiB, sparse
            }
        }
        try (ChildJvm child = ChildJvm.muxkit(256, "files", "--root", root.toString(), "--port", "0", "--stats",
                io.flag(), io.value())) {
            int port = child.port();
            try (HttpConnection http = new HttpConnection(port)) {
                for (int i = 0; i < 300; i++) assertEquals("small " + i, cachedGet(http, "/s" + i + ".txt").text());
            }
            List<Socket> downloads = new ArrayList<>();
            try {
                for (int i = 0; i < 42; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    downloads.add(s);
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(("GET /b" + i + ".bin HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertEquals("HTTP/1.1 200", new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII), "download " + i);
                }
                try (Socket more = new Socket("127.0.0.1", port)) {
                    more.setSoTimeout(10_000);
                    more.getOutputStream().write("GET /s1.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertTrue(Peers.readOrReset(more.getInputStream()) <= 0, "the 43rd connection is refused by --max-conn");
                }
            } finally {
                for (Socket s : downloads) s.close();
            }
            try (HttpConnection http = connectWhenFree(port)) {
                for (int i = 0; i < 300; i++) assertEquals("small " + i, http.get("/s" + i + ".txt").text());
            }
            assertTrue(awaitStats(child, "hits", 300) >= 300, String.join("\n", child.lines()));
            for (String line : child.lines())
                assertTrue(!line.contains("shed a connection") && !line.contains("Too many open files"), line);
        }
    }

    /** A connection that got a response: the slots of closed connections are free once the server has seen them close. */
    private static HttpConnection connectWhenFree(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            HttpConnection http = new HttpConnection(port);
            try {
                http.get("/");
                return http;
            } catch (IOException refused) {
                http.close();
                if (System.nanoTime() > deadline) throw refused;
                Thread.sleep(20);
            }
        }
    }

    /** A counter (hits, misses, invalidations) summed over every --stats line so far. */
    private static long statsSum(ChildJvm child, String counter) throws IOException {
        Pattern p = Pattern.compile(" " + counter + " (\\d+) ");
        long sum = 0;
        for (String line : child.lines()) {
            Matcher m = p.matcher(line);
            if (m.find()) sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    /** Waits (10 s at most) until a counter's sum over the --stats lines reaches at least min, and returns it. */
    private static long awaitStats(ChildJvm child, String counter, long min) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (statsSum(child, counter) < min && System.nanoTime() < deadline) Thread.sleep(50);
        return statsSum(child, counter);
    }

    /** GETs path twice: the first may fill the cache, the second is served from it; returns the second. */
    private static Response cachedGet(HttpConnection http, String path) throws IOException {
        Response first = http.get(path), second = http.get(path);
        assertEquals(first.status(), second.status(), path);
        assertArrayEquals(first.body(), second.body(), path);
        return second;
    }

    /** Sends one or more pipelined requests at once and reads a response to each. */
    private static List<Response> exchangeAll(int port, String requests) throws IOException {
        try (HttpConnection http = new HttpConnection(port)) {
            http.write(requests);
            List<Response> responses = new ArrayList<>();
            for (String r : requests.split("(?<=\r\n\r\n)")) responses.add(http.read(r.startsWith("HEAD ")));
            return responses;
        }
    }

    private static Response exchange(int port, String request) throws IOException {
        try (HttpConnection http = new HttpConnection(port)) {
            return http.send(request);
        }
    }
}
