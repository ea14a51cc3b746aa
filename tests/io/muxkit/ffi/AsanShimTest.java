package io.muxkit.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.Io;
import io.muxkit.testing.Multiplexers;
import io.muxkit.testing.RawHttp;

/**
 * The echo and file servers on every io in a JVM whose shim is the AddressSanitizer/UBSan
 * build (target/native-asan, built by mvn verify), with the ASan runtime preloaded: any read or
 * write of the shim outside what it was given, in any syscall it wraps, ends the run with a report.
 * One such JVM (AsanServers) serves every io, each server on its own multiplexer: a JVM start
 * under ASan costs seconds, and the servers do not interfere. A canary proves the sanitizer is watching.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AsanShimTest {
    private static Map<String, String> env;
    @TempDir
    static Path root;
    private static ChildJvm servers;

    @BeforeAll
    static void runtime() throws Exception {
        Process gcc = new ProcessBuilder("gcc", "-print-file-name=libasan.so").start();
        String asan = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, gcc.waitFor());
        assertTrue(Files.exists(Path.of(asan)), "the ASan runtime: " + asan);
        // the JVM handles SEGV itself (implicit null checks): ASan must leave those signals to it
        env = Map.of("LD_PRELOAD", asan, "ASAN_OPTIONS", "detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:"
                + "allow_user_segv_handler=1:abort_on_error=0:exitcode=99", "UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1");
        for (Io io : Io.values()) {
            Files.createDirectories(root.resolve(io.id() + "/dir"));
            Files.writeString(root.resolve(io.id() + "/dir/a.txt"), "a".repeat(100_000));
        }
        servers = ChildJvm.start(env, null, List.of(library(), "io.muxkit.testing.AsanServers", root.toString()));
        servers.waitForLine("ready");
    }

    /** SIGTERM: every server closes its connections and fds on the sanitized shim, and the JVM exits 0 with no report. */
    @AfterAll
    static void theServersStopCleanly() throws Exception {
        if (servers == null) return;  // (@BeforeAll failed before it started: that failure is the one to read)
        try {
            servers.stop();
            String output = String.join("\n", servers.lines());
            assertEquals(0, servers.process().exitValue(), output);
            assertTrue(output.contains("stopped"), output);
            assertFalse(output.contains("Sanitizer"), output);
        } finally {
            servers.close();
        }
    }

    private static String library() {
        return "-Dmuxkit.native.path=" + System.getProperty("muxkit.test.asanLibrary");
    }

    @Test
    void theSanitizerIsWatching() throws Exception {
        ChildJvm.Result r = ChildJvm.run(env, null, library(), "io.muxkit.testing.AsanCanary");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("AddressSanitizer: heap-buffer-overflow") && r.output().contains("mk_read"), r.output());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void serversRunCleanOnTheSanitizedShim(Io io) throws Exception {
        LoadClient.Result r;
        try (EventLoop loop = Multiplexers.loop(Backend.EPOLL)) {
            // half a second of 50 connections: every read, write, accept and close path, many times over
            r = new LoadClient(loop, new LoadClient.Config("127.0.0.1", servers.port("echo/" + io.id() + ": "), 50, 3000, 2, 0.5),
                    new PrintStream(OutputStream.nullOutputStream())).run();
        }
        assertEquals(0, r.errors() + r.mismatches(), r.summary());
        int port = servers.port("files/" + io.id() + ": ");
        for (String request : new String[] { "GET /dir/a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=10-99\r\n\r\n",
                "GET /dir/ HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n",
                "PUT /dir/b.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                "GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", "\u0016\u0003\u0001" }) {
            String response = RawHttp.untilClose(port, request.getBytes(StandardCharsets.ISO_8859_1), true, 10_000);
            assertTrue(response.startsWith("HTTP/1.1 "), request + " -> " + response);
        }
        assertEquals("hello", Files.readString(root.resolve(io.id() + "/dir/b.txt")));
        String output = String.join("\n", servers.lines());
        assertTrue(servers.process().isAlive() && !output.contains("Sanitizer"), output);
    }
}
