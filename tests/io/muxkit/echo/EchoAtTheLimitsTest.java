package io.muxkit.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.process.ChildJvm;
import io.muxkit.testing.InProcessCli;
import io.muxkit.testing.Io;
import io.muxkit.testing.Multiplexers;
import io.muxkit.testing.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The echo server at the fd limits, stopped by signal, and the load client against a broken echo. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoAtTheLimitsTest {
    @Test
    void selectServesThoseUnderFdSetSizeAndRefusesTheRestCleanly() throws Exception {
        ChildJvm p = startEcho(null, Io.SELECT);  // its own process, so only its own fds count
        try (EventLoop loop = Multiplexers.loop(Backend.EPOLL)) {
            LoadClient.Result r = new LoadClient(loop,
                    new LoadClient.Config("127.0.0.1", p.port(), 1100, 64, 1, 1), System.out).run();  // 1 s: the 1100 connects take a fraction
            assertEquals(0, r.errors(), r.summary());
            assertEquals(0, r.mismatches(), r.summary());
            // fds 0..1023 hold the JVM's own (a few dozen) and the served connections; the rest are refused
            assertTrue(r.refused() >= 1100 - 1024 && r.refused() < 200, r.summary());
            assertTrue(r.messages() > 1000, r.summary());
            p.waitForLine("select cannot watch fd");
        } finally {
            p.stop();
        }
    }

    @Test
    void loadClientCatchesAServerThatCorruptsOneByte() throws Exception {
        try (ServerSocket broken = new ServerSocket()) {
            broken.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread echo = new Thread(() -> {
                try (Socket s = broken.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    byte[] b = new byte[4096];
                    long total = 0;
                    for (int n; (n = in.read(b)) > 0; total += n) {
                        if (total <= 1000 && total + n > 1000) b[(int) (1000 - total)] ^= 0x20;  // one flipped bit
                        out.write(b, 0, n);
                    }
                } catch (IOException ignored) {
                    // the client hung up after finding the mismatch
                }
            });
            echo.start();
            try (EventLoop loop = Multiplexers.loop(Backend.POLL)) {
                LoadClient.Result r = new LoadClient(loop,
                        new LoadClient.Config("127.0.0.1", broken.getLocalPort(), 1, 100, 1, 1), System.out).run();
                assertEquals(1, r.mismatches(), r.summary());
                assertEquals(10, r.messages(), "the 10 messages before byte 1000 were fine: " + r.summary());
            }
            echo.join(10_000);
        }
    }

    private static ChildJvm startEcho(Integer nofile, Io io) throws Exception {
        // --max-conn past the fd limit: these tests are about what happens when the fds run out
        List<String> args = new ArrayList<>(List.of("echo", "--port", "0", "--max-conn", "100000"));
        args.addAll(List.of(io.flags()));
        ChildJvm child = ChildJvm.muxkit(nofile, args.toArray(String[]::new));
        assertTrue(child.waitForLine("listening on 127.0.0.1:").contains("backend=" + io.backend().id()));
        return child;
    }

    private static void assertEchoes(Socket s) throws IOException {
        s.getOutputStream().write("ping".getBytes());
        byte[] b = s.getInputStream().readNBytes(4);
        assertEquals("ping", new String(b));
    }

    /** One server per backend for both: what --stats and --trace show of a connection, then SIGTERM while it is open. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void statsAndTraceShowWhatTheMultiplexerDoesAndSigtermStopsCleanly(Io io) throws Exception {
        List<String> args = new ArrayList<>(List.of("echo", "--port", "0", "--stats", "--trace"));
        args.addAll(List.of(io.flags()));
        ChildJvm p = ChildJvm.muxkit(null, args.toArray(String[]::new));
        // each backend's own syscalls: how the accepted connection is registered (on completions: its recv
        // goes in), and the wait that reports it
        String register = switch (io) {
            case SELECT, POLL -> "fcntl(";
            case EPOLL -> "epoll_ctl(";
            case URING -> "SQE POLL_ADD fd=";
            case COMPLETION -> "SQE RECV (multishot";
        };
        String wait = switch (io.backend()) {
            case SELECT -> "pselect6(";
            case POLL -> "ppoll([";
            case EPOLL -> "epoll_wait(";
            case URING -> "io_uring_enter(";
        };
        try (Socket s = new Socket("127.0.0.1", p.port())) {
            assertTrue(p.waitForLine("listening on 127.0.0.1:").contains("backend=" + io.backend().id()));
            assertEchoes(s);
            String role = "<conn 127.0.0.1:" + s.getLocalPort() + ">";  // the fd, named by its role
            p.waitForLine(role);
            assertTrue(p.lines().stream().anyMatch(l -> l.startsWith("[trace] " + register) && l.contains(role)),
                    "the registration of " + role + ": " + String.join("\n", p.lines()));
            String waited = p.waitForLine("[trace] " + wait);
            assertTrue(waited.matches("\\[trace\\] .* = \\d+.* \\d+us"), "result and time: " + waited);
            String stats = p.waitForLine("conns 1 ");
            assertTrue(stats.matches("conns 1  msgs/s \\d+  MB/s [\\d.]+  waits/s \\d+  events/wait [\\d.]+  blocked \\d+%  syscalls/s \\d+  syscalls/msg [\\d.]+  refused 0  iteration (none|p50 [\\d.]+ ms p99 [\\d.]+ ms max [\\d.]+ ms), longest .*"), stats);
            // SIGTERM stops it cleanly: the open connection closed, exit 0, the final counts printed
            p.process().destroy();
            assertTrue(p.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.process().exitValue(), String.join("\n", p.lines()));
            assertEquals(-1, s.getInputStream().read(), "the connection was closed");
            p.waitForLine("final: accepted 1,");
        } finally {
            p.stop();
        }
    }

    /** --trace=calls shows the Multiplexer calls; --trace-file gets every line; an unwritable one is refused before the start. */
    @Test
    void traceCallsAndTraceFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trace.txt");
        ChildJvm p = ChildJvm.muxkit(null, "echo", "--port", "0", "--backend", "poll", "--trace=calls", "--trace-file", file.toString());
        try (Socket s = new Socket("127.0.0.1", p.port())) {
            assertEchoes(s);
            p.waitForLine("[trace] poll register(fd=");
            String ready = p.waitForLine(" ready in ");
            assertTrue(ready.matches("\\[trace\\] poll select\\(timeout=-?\\d+ms, \\d+ fds\\) -> \\d+ ready in \\d+ us.*"), ready);
        } finally {
            p.stop();
        }
        assertTrue(Files.readString(file).contains("[trace] poll register(fd="), "the file has the lines too");
        // the refusals come before anything starts: checked in this JVM
        ChildJvm.Result refused = InProcessCli.run("echo", "--port", "0", "--trace-file", dir.resolve("no/such/dir/t").toString());
        assertEquals(2, refused.exit(), refused.output());
        assertTrue(refused.output().contains("--trace-file: cannot write"), refused.output());
        Path fifo = dir.resolve("fifo");  // its open would wait for a reader: refused, not a hang
        assertEquals(0, Commands.run("mkfifo", fifo.toString()));
        ChildJvm.Result blocked = InProcessCli.run("echo", "--port", "0", "--trace-file", fifo.toString());
        assertEquals(2, blocked.exit(), blocked.output());
        assertTrue(blocked.output().contains("opening a FIFO would wait for a reader"), blocked.output());
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void outOfFdsTheServerShedsNewConnectionsKeepsTheOldAndDoesNotSpin(Io io) throws Exception {
        ChildJvm p = startEcho(128, io);
        List<Socket> sockets = new ArrayList<>();
        try {
            int port = p.port();
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", port);
                sockets.add(s);
                assertEchoes(s);
            }
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);  // the backlog accepts; the server sheds
            }
            long cpuBefore = cpuTicks(p.process().pid());
            long start = System.nanoTime();
            Thread.sleep(1500);  // the window: a spinning server takes most of a CPU in it, an idle one a few 10 ms ticks
            double cpuShare = (cpuTicks(p.process().pid()) - cpuBefore) / 100.0 / ((System.nanoTime() - start) / 1e9);
            assertTrue(cpuShare < 0.20, "the server used " + Math.round(cpuShare * 100) + "% of a CPU while out of fds");
            for (int i = 0; i < 20; i++) assertEchoes(sockets.get(i));
            p.waitForLine("EMFILE");
        } finally {
            for (Socket s : sockets) s.close();
            p.stop();
        }
    }

    /** utime + stime of a process, in clock ticks (100 a second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
