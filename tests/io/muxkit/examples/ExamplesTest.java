package io.muxkit.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;

/** The tutorial's programs, run as the tutorial runs them: `muxkit example NAME` in a JVM of its own. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExamplesTest {
    /** Sends data, half-closes, and returns everything the server sent back before it closed. */
    private static byte[] echoOf(int port, byte[] data) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = s.getInputStream()) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            s.getOutputStream().write(data);
            s.shutdownOutput();  // as nc does at the end of its input: what is queued must still come back
            return back.get(30, TimeUnit.SECONDS);
        }
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @ValueSource(strings = { "select-echo", "callback-echo" })
    void echoServersEchoEveryByteOnEveryBackend(String example) throws Exception {
        for (Backend backend : Backend.values()) {
            try (ChildJvm server = ChildJvm.muxkit(null, "example", example, "--backend", backend.id(), "--port", "0")) {
                assertTrue(server.waitForLine("listening on ").endsWith("backend=" + backend.id()));
                int port = server.port();
                assertEquals("hello\nworld\n", new String(echoOf(port, "hello\nworld\n".getBytes()), StandardCharsets.UTF_8));
                byte[] big = random(3 << 20);  // more than the socket buffers hold: partial writes and WRITE interest
                assertArrayEquals(big, echoOf(port, big), example + " on " + backend);
            }
        }
    }

    @Test
    void manyClientsSeesSelectRefuseWhatPassesFdSetSizeAndPollTakeIt() throws Exception {
        for (Backend backend : new Backend[] { Backend.SELECT, Backend.POLL }) {
            try (ChildJvm server = ChildJvm.muxkit(null, "example", "select-echo", "--backend", backend.id(), "--port", "0")) {
                ChildJvm.Result r = ChildJvm.run(null, "io.muxkit.cli.Main", "example", "many-clients",
                        "--port", String.valueOf(server.port()), "--connections", "1100");
                assertEquals(0, r.exit(), r.output());
                Matcher m = Pattern.compile("1100 connections to .*: (\\d+) served, (\\d+) refused by the server, 0 failed").matcher(r.output());
                assertTrue(m.find(), r.output());
                int served = Integer.parseInt(m.group(1)), refused = Integer.parseInt(m.group(2));
                assertEquals(1100, served + refused, r.output());
                if (backend == Backend.SELECT) {
                    // fds 0..1023 hold the server JVM's own and all the connections it can watch; the rest are refused
                    assertTrue(refused >= 1100 - 1024 && refused < 200, r.output());
                    server.waitForLine("refused a connection: select cannot watch fd 1024");
                } else {
                    assertEquals(0, refused, r.output());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void fileServerGetsAndPutsAndRefusesNamesOutsideItsRoot(Backend backend, @TempDir Path root) throws Exception {
        Files.writeString(root.resolve("a.txt"), "shared\n");
        try (ChildJvm server = ChildJvm.muxkit(null, "example", "file-server", "--root", root.toString(),
                "--backend", backend.id(), "--port", "0")) {
            int port = server.port();
            byte[] big = random(2 << 20);  // past the socket buffers: partial writes on both sides
            try (FileShareClient c = new FileShareClient("127.0.0.1", port)) {
                assertEquals("shared\n", new String(c.get("a.txt"), StandardCharsets.UTF_8));
                c.put("big.bin", big);
                c.put("empty", new byte[0]);
                assertArrayEquals(big, c.get("big.bin"));  // the same connection, command after command
                assertEquals(0, c.get("empty").length);
                IOException missing = assertThrows(IOException.class, () -> c.get("nope"));
                assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
            }
            assertArrayEquals(big, Files.readAllBytes(root.resolve("big.bin")));
            for (String bad : new String[] { "../a.txt", ".hidden", "/etc/passwd" }) {
                try (FileShareClient c = new FileShareClient("127.0.0.1", port)) {
                    IOException e = assertThrows(IOException.class, () -> c.get(bad));
                    assertTrue(e.getMessage().contains("bad name"), e.getMessage());
                }
            }
            ChildJvm.Result cli = ChildJvm.run(null, "io.muxkit.cli.Main", "example", "file-client",
                    "--port", String.valueOf(port), "get", "a.txt");
            assertEquals(0, cli.exit(), cli.output());
            assertEquals("shared\n", cli.output());
        }
    }

    @Test
    void anUnknownExampleIsAUsageErrorListingTheNames() throws Exception {
        ChildJvm.Result r = ChildJvm.run(null, "io.muxkit.cli.Main", "example", "nope");
        assertEquals(2, r.exit(), r.output());
        for (String name : new String[] { "select-echo", "callback-echo", "many-clients", "file-server", "file-client" })
            assertTrue(r.output().contains(name), r.output());
    }
}
