package io.muxkit.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.mux.FdLimitException;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;

/**
 * The classic echo server of the Python select tutorials, on a Multiplexer directly (no event
 * loop): every connection has a queue of messages waiting to be sent back; a connection is
 * watched for READ always and for WRITE while its queue is not empty. Where Python writes
 * {@code select.select(inputs, outputs, inputs)}, this registers each fd once with its interest.
 */
public final class SelectEcho {
    private SelectEcho() {}

    /** Serves until the process ends; mux is this server's (it is closed at the end). */
    public static void serve(Multiplexer mux, String host, int port, PrintStream out) throws IOException {
        Map<Integer, ArrayDeque<byte[]>> queues = new HashMap<>();
        Set<Integer> finishing = new HashSet<>();
        byte[] buf = new byte[1024];
        int server = -1;
        try (mux) {
            server = Sockets.listen(host, port, false, 1024);  // backlog: room for a burst of connects
            mux.describe(server, "listen");                    // names the fd in --trace's lines
            mux.register(server, Multiplexer.READ);
            out.println("listening on " + host + ":" + Sockets.localPort(server) + " backend=" + mux.backend().id());
            while (true) {
                int n = mux.select(-1);
                for (int i = 0; i < n; i++) {
                    int fd = mux.readyFd(i), ops = mux.readyOps(i);
                    if (fd == server) {
                        accept(mux, server, queues, out);
                        continue;
                    }
                    try {
                        if ((ops & Multiplexer.ERROR) != 0) {                    // Python's "exceptional"
                            close(mux, fd, queues);
                        } else if ((ops & (Multiplexer.READ | Multiplexer.HANGUP)) != 0 && mux.interest(fd) != Multiplexer.WRITE
                                && !receive(mux, fd, buf, queues)) {
                            finishing.add(fd);                                   // the peer is done: echo what is queued, then close
                            mux.modify(fd, Multiplexer.WRITE);
                        } else if ((ops & Multiplexer.WRITE) != 0 && !send(mux, fd, queues.get(fd), finishing.contains(fd))) {
                            finishing.remove(fd);
                            close(mux, fd, queues);
                        }
                    } catch (NativeIOException e) {                              // ECONNRESET, EPIPE: the peer is gone
                        finishing.remove(fd);
                        close(mux, fd, queues);
                    }
                }
            }
        } finally {
            for (int fd : queues.keySet()) Fds.closeQuietly(fd);
            Fds.closeQuietly(server);
        }
    }

    private static void accept(Multiplexer mux, int server, Map<Integer, ArrayDeque<byte[]>> queues, PrintStream out)
            throws IOException {
        int conn;
        try {
            conn = Sockets.accept(server);
        } catch (NativeIOException e) {                 // EMFILE: muxkit echo sheds such connections; this does not
            out.println("accept failed: " + e.getMessage());
            return;
        }
        if (conn == Native.AGAIN) return;
        try {
            mux.describe(conn, "conn");
            mux.register(conn, Multiplexer.READ);
            queues.put(conn, new ArrayDeque<>());
        } catch (FdLimitException e) {                  // select: this fd is past FD_SETSIZE
            out.println("refused a connection: " + e.getMessage());
            Fds.closeQuietly(conn);
        }
    }

    /** Queues what arrived and asks for WRITE; false when the peer closed. */
    private static boolean receive(Multiplexer mux, int fd, byte[] buf, Map<Integer, ArrayDeque<byte[]>> queues)
            throws IOException {
        int n = Fds.read(fd, buf, 0, buf.length);
        if (n == Native.AGAIN) return true;
        if (n == 0) return false;
        queues.get(fd).add(Arrays.copyOf(buf, n));
        mux.modify(fd, Multiplexer.READ | Multiplexer.WRITE);
        return true;
    }

    /**
     * Sends the next message; what the socket did not take goes back to the front of the queue.
     * With nothing left, stops watching for WRITE; false when the connection is finished.
     */
    private static boolean send(Multiplexer mux, int fd, ArrayDeque<byte[]> queue, boolean finishing) throws IOException {
        byte[] next = queue.poll();
        if (next == null) {
            if (finishing) return false;
            mux.modify(fd, Multiplexer.READ);
            return true;
        }
        int sent = Math.max(0, Fds.write(fd, next, 0, next.length));
        if (sent < next.length) queue.addFirst(Arrays.copyOfRange(next, sent, next.length));
        return true;
    }

    private static void close(Multiplexer mux, int fd, Map<Integer, ArrayDeque<byte[]>> queues) {
        mux.unregister(fd);                             // before close: epoll watches the file, not the number
        queues.remove(fd);
        Fds.closeQuietly(fd);
    }
}
