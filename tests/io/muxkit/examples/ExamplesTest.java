package io.muxkit.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.InProcessCli;

/**
 * The tutorial's programs, run as the tutorial runs them: `muxkit example NAME` in a JVM of its own,
 * on the default backend (epoll). On the other backends the same servers run in one JVM together
 * (ExampleServers): what is the backend's (readiness, WRITE interest, partial writes) is checked
 * there just as hard, for one JVM start instead of one per server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExamplesTest {
    private static final Backend TUTORIAL = Backend.EPOLL;
    @TempDir
    static Path roots;
    private static ChildJvm others;

    @BeforeAll
    static void startTheServersOnTheOtherBackends() throws Exception {
        List<String> args = new ArrayList<>(List.of("io.muxkit.testing.ExampleServers", roots.toString()));
        for (Backend backend : Backend.values()) {
            Files.createDirectory(roots.resolve(backend.id()));
            if (backend != TUTORIAL) args.add(backend.id());
        }
        others = ChildJvm.start(Map.of(), null, args);
    }

    @AfterAll
    static void stopThem() throws Exception {
        if (others != null) others.close();
    }

    /** The port of example on backend: in its own `muxkit example` JVM (started, and closed by the caller) for the tutorial's backend. */
    private static int port(String example, Backend backend, List<ChildJvm> started, String... flags) throws Exception {
        ChildJvm server = others;
        String text = example + "/" + backend.id() + ": listening on ";  // ExampleServers' label
        if (backend == TUTORIAL) {
            List<String> args = new ArrayList<>(List.of("example", example, "--backend", backend.id(), "--port", "0"));
            args.addAll(List.of(flags));
            server = ChildJvm.muxkit(null, args.toArray(String[]::new));
            started.add(server);
            text = "listening on ";
        }
        String line = server.waitForLine(text);
        assertTrue(List.of(line.split(" ")).contains("backend=" + backend.id()), line);
        return server.port(text);
    }

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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "select-echo", "callback-echo" })
    void echoServersEchoEveryByteOnEveryBackend(String example) throws Exception {
        for (Backend backend : Backend.values()) {
            List<ChildJvm> started = new ArrayList<>();
            try {
                int port = port(example, backend, started);
                assertEquals("hello\nworld\n", new String(echoOf(port, "hello\nworld\n".getBytes()), StandardCharsets.UTF_8));
                byte[] big = random(3 << 20);  // more than the socket buffers hold: partial writes and WRITE interest
                assertArrayEquals(big, echoOf(port, big), example + " on " + backend);
            } finally {
                for (ChildJvm c : started) c.close();
            }
        }
    }

    @Test
    void manyClientsSeesSelectRefuseWhatPassesFdSetSizeAndPollTakeIt() throws Exception {
        // as the tutorial runs it: select-echo on select in a JVM of its own, whose fds 0..1023 hold the JVM's
        // own and all the connections select can watch; many-clients in its own JVM; the rest are refused
        try (ChildJvm server = ChildJvm.muxkit(null, "example", "select-echo", "--backend", "select", "--port", "0")) {
            ChildJvm.Result r = ChildJvm.run(null, "io.muxkit.cli.Main", "example", "many-clients",
                    "--port", String.valueOf(server.port()), "--connections", "1100");
            assertEquals(0, r.exit(), r.output());
            Matcher m = Pattern.compile("1100 connections to .*: (\\d+) served, (\\d+) refused by the server, 0 failed").matcher(r.output());
            assertTrue(m.find(), r.output());
            int served = Integer.parseInt(m.group(1)), refused = Integer.parseInt(m.group(2));
            assertEquals(1100, served + refused, r.output());
            assertTrue(refused >= 1100 - 1024 && refused < 200, r.output());
            server.waitForLine("refused a connection: select cannot watch fd 1024");
        }
        // poll takes them all: the same client, in this JVM, against select-echo on poll
        ManyClients.Result poll = ManyClients.run("127.0.0.1", port("select-echo", Backend.POLL, List.of()), 1100,
                new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(new ManyClients.Result(1100, 0, 0), poll);
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Backend.class)
    void fileServerGetsAndPutsAndRefusesNamesOutsideItsRoot(Backend backend) throws Exception {
        Path root = roots.resolve(backend.id());
        Files.writeString(root.resolve("a.txt"), "shared\n");
        List<ChildJvm> started = new ArrayList<>();
        try {
            int port = port("file-server", backend, started, "--root", root.toString());
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
            if (backend == TUTORIAL) {  // the client program, as the tutorial runs it; what it does is not the server's backend's
                ChildJvm.Result cli = ChildJvm.run(null, "io.muxkit.cli.Main", "example", "file-client",
                        "--port", String.valueOf(port), "get", "a.txt");
                assertEquals(0, cli.exit(), cli.output());
                assertEquals("shared\n", cli.output());
            }
        } finally {
            for (ChildJvm c : started) c.close();
        }
    }

    /** Refused before anything starts: in this JVM. */
    @Test
    void anUnknownExampleIsAUsageErrorListingTheNames() throws Exception {
        ChildJvm.Result r = InProcessCli.run("example", "nope");
        assertEquals(2, r.exit(), r.output());
        for (String name : new String[] { "select-echo", "callback-echo", "many-clients", "file-server", "file-client" })
            assertTrue(r.output().contains(name), r.output());
    }
}
