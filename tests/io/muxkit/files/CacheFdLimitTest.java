package io.muxkit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Io;
import io.muxkit.testing.HttpConnection;
import io.muxkit.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 20, item 1: the file cache never takes a connection's fds, whatever the flags say. An
 * explicit --cache-fds the fd limit cannot hold is refused at start (exit 2, naming the most it
 * can be); and when the process runs out of fds all the same (an explicit --max-conn past the
 * limit), an accept or an open that finds none makes the cache give fds back first.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CacheFdLimitTest {
    @TempDir
    Path root;

    /** Checked with the flags, before any io opens (so two backends, not four, run it). */
    @Test
    void aCacheFdsTheLimitCannotHoldIsRefusedNamingTheMost() throws Exception {
        ChildJvm.Result r = ChildJvm.run(256, "io.muxkit.cli.Main", "files", "--root", root.toString(), "--port", "0",
                "--cache-fds", "1000", "--backend", "select");
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("muxkit: --cache-fds 1000 is more than the fd limit can hold: at most 96 here"), r.output());
        r = ChildJvm.run(256, "io.muxkit.cli.Main", "files", "--root", root.toString(), "--port", "0", "--max-conn", "50",
                "--cache-fds", "43", "--backend", "uring");
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("at most 42 here"), r.output());  // 256 - 64 - 3 * 50
    }

    /**
     * At a limit of 256, the default cache (64 fds) filled by 300 GETs on one connection, then
     * 200 connections held open, each with a GET of a file not cached: they fit only if the cache
     * gives its fds back (about 20 fds are the JVM's own). Then a flood of 600 connections, shed,
     * and a new client after it is served.
     */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void outOfFdsTheCacheGivesItsFdsBackBeforeAnyClientIsRefused(Io io) throws Exception {
        for (int i = 0; i < 400; i++) Files.writeString(root.resolve("s" + i + ".txt"), "small " + i);
        try (ChildJvm child = ChildJvm.muxkit(256, "files", "--root", root.toString(), "--port", "0", "--max-conn", "1000",
                io.flag(), io.value())) {
            int port = child.port();
            try (HttpConnection http = new HttpConnection(port)) {
                for (int i = 0; i < 300; i++) assertEquals("small " + i, http.get("/s" + i + ".txt").text());
            }
            List<HttpConnection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    HttpConnection c = new HttpConnection(port);
                    held.add(c);
                    int n = 300 + i % 100;
                    RawHttp.Response r;
                    try {
                        r = c.get("/s" + n + ".txt");
                    } catch (IOException refused) {
                        throw new AssertionError("connection " + i + " was refused: " + refused + "\n" + String.join("\n", child.lines()));
                    }
                    assertEquals(200, r.status(), "connection " + i + ": " + r.text());
                    assertEquals("small " + n, r.text());
                }
            } finally {
                for (HttpConnection c : held) c.close();
            }
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 600; i++) {
                    try {
                        flood.add(new Socket("127.0.0.1", port));
                    } catch (IOException backlogFull) {
                        break;
                    }
                }
            } finally {
                for (Socket s : flood) s.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (HttpConnection after = new HttpConnection(port)) {
                    assertEquals("small 1", after.get("/s1.txt").text());
                    break;
                } catch (IOException notYet) {  // the flood's connections are closing
                    if (System.nanoTime() > deadline) throw notYet;
                    Thread.sleep(20);
                }
            }
        }
    }
}
