package io.muxkit.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;

/**
 * The echo server of Python's selectors documentation: each fd is registered with the function
 * to call when it is ready (accept for the listener, echo for a connection), and the event loop
 * calls it. Unlike Python's example, a write the socket cannot take whole is kept, and the
 * connection waits for WRITE instead of READ until it has gone out.
 */
public final class CallbackEcho {
    private final EventLoop loop;
    private final Map<Integer, byte[]> unsent = new HashMap<>();
    private final byte[] buf = new byte[1000];

    private CallbackEcho(EventLoop loop) {
        this.loop = loop;
    }

    /** Serves until the process ends; mux is this server's (it is closed at the end). */
    public static void serve(Multiplexer mux, String host, int port, PrintStream out) throws IOException {
        int server = -1;
        try (EventLoop loop = new EventLoop(mux)) {
            server = Sockets.listen(host, port, false, 1024);  // backlog: room for a burst of connects
            CallbackEcho echo = new CallbackEcho(loop);
            loop.register(server, Multiplexer.READ, echo::accept, "listen");
            out.println("listening on " + host + ":" + Sockets.localPort(server) + " backend=" + mux.backend().id());
            loop.run();
        } finally {
            Fds.closeQuietly(server);
        }
    }

    private void accept(int server, int ops) throws IOException {
        int conn = Sockets.accept(server);
        if (conn != Native.AGAIN) loop.register(conn, Multiplexer.READ, this::echo, "conn");
    }

    private void echo(int conn, int ops) throws IOException {
        try {
            byte[] pending = unsent.remove(conn);
            if (pending != null) {
                send(conn, pending);
                return;
            }
            int n = Fds.read(conn, buf, 0, buf.length);
            if (n == 0) {
                loop.close(conn);                        // unregisters, then closes
            } else if (n > 0) {
                send(conn, Arrays.copyOf(buf, n));
            }
        } catch (NativeIOException e) {                  // ECONNRESET, EPIPE: the peer is gone
            unsent.remove(conn);
            loop.close(conn);
        }
    }

    /** Writes what the socket takes; the rest waits for WRITE readiness, and reading waits for it. */
    private void send(int conn, byte[] data) throws IOException {
        int sent = Math.max(0, Fds.write(conn, data, 0, data.length));
        if (sent < data.length) unsent.put(conn, Arrays.copyOfRange(data, sent, data.length));
        loop.setInterest(conn, sent < data.length ? Multiplexer.WRITE : Multiplexer.READ);
    }
}
