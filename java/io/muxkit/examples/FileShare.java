package io.muxkit.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
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
 * The get/put file server of the Python socket tutorials, on the event loop, with a one-line
 * text protocol (see {@link FileShareClient}):
 * <pre>
 * get NAME\n          -> ok SIZE\n and SIZE bytes, or error WHY\n
 * put NAME SIZE\n ... -> ok\n (after SIZE bytes), or error WHY\n
 * </pre>
 * Names are plain file names in the root (no "/", no leading dot), files at most 16 MiB. The
 * file I/O is done on the loop's thread, which is fine for a tutorial and not for a server:
 * `muxkit files` is the HTTP server built for real use.
 */
public final class FileShare {
    static final int MAX_FILE = 16 << 20;
    private static final int MAX_LINE = 1024;

    /** What one connection is doing: reading a command line, or receiving a put's bytes. */
    private static final class Peer {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        final ArrayDeque<byte[]> out = new ArrayDeque<>();
        String putName;            // non-null while receiving a put
        long putRemaining;
        ByteArrayOutputStream putBytes;
        boolean closeWhenSent;
    }

    private final EventLoop loop;
    private final Path root;
    private final Map<Integer, Peer> peers = new HashMap<>();
    private final byte[] buf = new byte[64 * 1024];

    private FileShare(EventLoop loop, Path root) {
        this.loop = loop;
        this.root = root;
    }

    /** Serves until the process ends; mux is this server's (it is closed at the end). */
    public static void serve(Multiplexer mux, String host, int port, Path root, PrintStream out) throws IOException {
        int server = -1;
        try (EventLoop loop = new EventLoop(mux)) {
            server = Sockets.listen(host, port, false, 1024);  // backlog: room for a burst of connects
            FileShare share = new FileShare(loop, root.toAbsolutePath());
            loop.register(server, Multiplexer.READ, share::accept, "listen");
            out.println("listening on " + host + ":" + Sockets.localPort(server) + " backend=" + mux.backend().id()
                    + " root=" + share.root);
            loop.run();
        } finally {
            Fds.closeQuietly(server);
        }
    }

    private void accept(int server, int ops) throws IOException {
        int conn = Sockets.accept(server);
        if (conn == Native.AGAIN) return;
        loop.register(conn, Multiplexer.READ, this::ready, "conn");
        peers.put(conn, new Peer());
    }

    private void ready(int fd, int ops) throws IOException {
        Peer p = peers.get(fd);
        if (p == null) return;
        try {
            if ((ops & Multiplexer.WRITE) != 0 && !flush(fd, p)) return;
            if ((ops & (Multiplexer.READ | Multiplexer.HANGUP)) != 0) {
                int n = Fds.read(fd, buf, 0, buf.length);
                if (n == 0) {
                    close(fd);
                    return;
                }
                if (n > 0) take(p, n);
                flush(fd, p);
            }
        } catch (NativeIOException e) {  // ECONNRESET, EPIPE: the peer is gone
            close(fd);
        }
    }

    /** Consumes buf[0, n): command lines, and the bytes of a put. */
    private void take(Peer p, int n) {
        for (int i = 0; i < n && !p.closeWhenSent; ) {
            if (p.putName != null) {
                int chunk = (int) Math.min(n - i, p.putRemaining);
                p.putBytes.write(buf, i, chunk);
                p.putRemaining -= chunk;
                i += chunk;
                if (p.putRemaining == 0) finishPut(p);
            } else if (buf[i] == '\n') {
                command(p, p.line.toString(StandardCharsets.UTF_8).trim());
                p.line.reset();
                i++;
            } else if (p.line.size() == MAX_LINE) {
                reply(p, "error line longer than " + MAX_LINE + " bytes");
                p.closeWhenSent = true;
            } else {
                p.line.write(buf[i++]);
            }
        }
    }

    private void command(Peer p, String line) {
        String[] words = line.split(" ");
        try {
            if (words.length == 2 && words[0].equals("get")) {
                Path file = file(words[1]);
                if (!Files.isRegularFile(file)) throw new IOException("no such file: " + words[1]);
                if (Files.size(file) > MAX_FILE) throw new IOException("larger than " + MAX_FILE + " bytes");
                byte[] data = Files.readAllBytes(file);
                reply(p, "ok " + data.length);
                p.out.add(data);
            } else if (words.length == 3 && words[0].equals("put")) {
                long size = Long.parseLong(words[2]);
                if (size < 0 || size > MAX_FILE) throw new IOException("size must be 0.." + MAX_FILE);
                file(words[1]);
                p.putName = words[1];
                p.putRemaining = size;
                p.putBytes = new ByteArrayOutputStream();
                if (size == 0) finishPut(p);
            } else {
                reply(p, "error say: get NAME, or put NAME SIZE");
                p.closeWhenSent = true;
            }
        } catch (IOException | NumberFormatException e) {
            reply(p, "error " + e.getMessage());
            if (words[0].equals("put")) p.closeWhenSent = true;  // its bytes would be read as commands
        }
    }

    /** The whole body is here: write it beside the target, then rename it over the target. */
    private void finishPut(Peer p) {
        try {
            Path target = file(p.putName), temp = target.resolveSibling(".put-" + p.putName);
            Files.write(temp, p.putBytes.toByteArray());
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            reply(p, "ok");
        } catch (IOException e) {
            reply(p, "error " + e.getMessage());
            p.closeWhenSent = true;
        } finally {
            p.putName = null;
            p.putBytes = null;
        }
    }

    /** A plain name inside the root, or IOException. */
    private Path file(String name) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".") || name.contains("\0"))
            throw new IOException("bad name: " + name);
        return root.resolve(name);
    }

    private static void reply(Peer p, String line) {
        p.out.add((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends what is queued; true when all of it went out. Waits for WRITE while the socket is full. */
    private boolean flush(int fd, Peer p) throws IOException {
        while (!p.out.isEmpty()) {
            byte[] next = p.out.poll();
            int sent = Math.max(0, Fds.write(fd, next, 0, next.length));
            if (sent < next.length) {
                p.out.addFirst(Arrays.copyOfRange(next, sent, next.length));
                loop.setInterest(fd, Multiplexer.WRITE);
                return false;
            }
        }
        if (p.closeWhenSent) {
            close(fd);
            return false;
        }
        loop.setInterest(fd, Multiplexer.READ);
        return true;
    }

    private void close(int fd) {
        peers.remove(fd);
        loop.close(fd);
    }
}
