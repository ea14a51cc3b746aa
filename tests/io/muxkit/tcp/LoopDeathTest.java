package io.muxkit.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.loop.Handler;
import io.muxkit.mux.Backend;
import io.muxkit.testing.Io;
import io.muxkit.testing.Multiplexers;

/** A loop that dies takes the server down: no listener stays open that no loop serves, and the owner is told. */
class LoopDeathTest {
    /** A protocol whose handler runs out of memory, as a loop buffering without bound once did. */
    private static Protocol dying(ServerLoop server) {
        Connections<Connection> conns = new Connections<>(server, new Connections.Settings(1024, Long.MAX_VALUE, false, false, null));
        return new Protocol() {
            @Override public Handler handler() { return (fd, ops) -> { throw new OutOfMemoryError("Java heap space (a test)"); }; }
            @Override public void opened(int fd) { conns.add(new Connection(conns, fd) { }); }
            @Override public void closeIdle(long activeSinceNanos) { }
            @Override public void closeAll() { conns.closeAll(); }
        };
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aLoopThatDiesClosesEveryListenerAndSaysWhy(Io io) throws Exception {
        CompletableFuture<Throwable> died = new CompletableFuture<>();
        ListenConfig config = new ListenConfig("127.0.0.1", 0, 2, 100, 0);
        try (TcpServer server = new TcpServer("dying", config, io.loops(), LoopDeathTest::dying,
                new PrintStream(OutputStream.nullOutputStream()))) {
            server.whenLoopDies(died::complete).start();
            int port = server.port();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write('x');  // its loop's handler throws OutOfMemoryError
                Throwable cause = died.get(30, TimeUnit.SECONDS);
                assertTrue(cause instanceof OutOfMemoryError, cause.toString());
                assertEquals(cause, server.death());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {  // the other loop closes its listener on its own thread, soon after
                try (Socket late = new Socket("127.0.0.1", port)) {
                    if (System.nanoTime() > deadline) throw new AssertionError("port " + port + " is still open");
                    Thread.sleep(20);
                } catch (SocketException refusedOrResetWhileTheListenerClosed) {
                    break;
                }
            }
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        }
    }
}
