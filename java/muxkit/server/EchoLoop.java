package muxkit.server;

import static muxkit.mux.Multiplexer.ERROR;
import static muxkit.mux.Multiplexer.HANGUP;
import static muxkit.mux.Multiplexer.READ;
import static muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import jnr.ffi.Pointer;
import muxkit.ffi.Native;
import muxkit.ffi.NativeIOException;
import muxkit.loop.EventLoop;
import muxkit.loop.Handler;
import muxkit.mux.FdLimitException;
import muxkit.mux.MuxStats;
import muxkit.net.Fds;
import muxkit.net.Sockets;

/** One loop of the echo server: its listener, its connections (by fd), its counters. */
final class EchoLoop {
    private static final int READ_CHUNK = 64 * 1024;
    private static final int READS_PER_WAKE = 16;  // then let the other peers have a turn

    private final EventLoop loop;
    private final EchoServer.Config config;
    private final RateLimitedLog log;
    private final Pointer buf;
    private final int chunk;
    private int listenFd;
    private int spareFd;
    private EchoConnection[] conns = new EchoConnection[1024];
    private final Handler onConnection = this::onConnection;
    private final AtomicInteger openOnAllLoops;

    private long open, accepted, refusedFdLimit, refusedMaxConn, shedNoFd, idleClosed, reads, bytes, maxBuffered;
    private long ioCalls;  // read, write and accept4 calls, for the syscall rate

    /** openOnAllLoops: the server-wide connection count that --max-conn limits. */
    EchoLoop(EventLoop loop, int listenFd, EchoServer.Config config, AtomicInteger openOnAllLoops, PrintStream log)
            throws IOException {
        this.loop = loop;
        this.openOnAllLoops = openOnAllLoops;
        this.listenFd = listenFd;
        this.config = config;
        this.log = new RateLimitedLog(log);
        this.chunk = Math.min(READ_CHUNK, config.maxBufferedPerConnection());
        this.buf = Native.allocate(chunk);
        this.spareFd = Fds.openReadOnly(Path.of("/dev/null"));
        loop.register(listenFd, READ, (fd, ops) -> onAcceptable());
        if (config.idleTimeoutMillis() > 0)
            loop.scheduleRepeating(Math.max(10, Math.min(1000, config.idleTimeoutMillis() / 4)), this::closeIdle);
    }

    void run() {
        try {
            loop.run();
        } catch (IOException e) {
            log.log("event loop failed: " + e.getMessage());
        }
    }

    /** From any thread: stop accepting, close every connection, end the loop. */
    void shutdown() {
        loop.execute(() -> {
            if (listenFd >= 0) loop.close(listenFd);
            listenFd = -1;
            for (EchoConnection c : conns) if (c != null) close(c);
            loop.stop();
        });
    }

    /** After the loop thread ended. */
    void release() {
        if (listenFd >= 0) loop.close(listenFd);
        for (EchoConnection c : conns) if (c != null) close(c);
        Fds.closeQuietly(spareFd);
        spareFd = -1;
        loop.close();
    }

    EchoStats stats() {
        MuxStats m = loop.stats();
        return new EchoStats(open, accepted, refusedFdLimit, refusedMaxConn, shedNoFd, idleClosed, reads, bytes,
                m.waits(), m.events(), m.syscalls() + ioCalls, m.blockedNanos(), maxBuffered);
    }

    // ---- accepting ----

    private void onAcceptable() {
        for (int i = 0; i < 64 && listenFd >= 0; i++) {
            int fd;
            ioCalls++;
            try {
                fd = Sockets.accept(listenFd);
            } catch (NativeIOException e) {
                if (e.errno() == Native.EMFILE || e.errno() == Native.ENFILE) shed(e);
                else log.log(e.getMessage());
                return;
            }
            if (fd < 0) return;
            accepted++;
            if (openOnAllLoops.get() >= config.maxConnections()) {
                refusedMaxConn++;
                Fds.closeQuietly(fd);
                log.log("refused a connection: --max-conn " + config.maxConnections() + " reached");
                continue;
            }
            try {
                loop.register(fd, READ, onConnection);
                Sockets.setNoDelay(fd);
            } catch (FdLimitException e) {
                refusedFdLimit++;
                loop.close(fd);
                log.log("refused a connection: " + e.getMessage());
                continue;
            } catch (IOException e) {
                refusedFdLimit++;
                loop.close(fd);
                log.log("refused a connection: " + e.getMessage());
                continue;
            }
            if (fd >= conns.length) conns = Arrays.copyOf(conns, Math.max(fd + 1, conns.length * 2));
            conns[fd] = new EchoConnection(fd, System.nanoTime());
            open++;
            openOnAllLoops.incrementAndGet();
        }
    }

    /**
     * Out of fds (EMFILE/ENFILE): the pending connection would keep the listener ready and the
     * loop spinning. Give up the spare fd, accept the connection and close it at once, take the
     * spare back (libuv's and libev's trick). If even that fails, stop listening for a moment.
     */
    private void shed(NativeIOException cause) {
        Fds.closeQuietly(spareFd);
        spareFd = -1;
        try {
            int fd = Sockets.accept(listenFd);
            if (fd >= 0) {
                Fds.closeQuietly(fd);
                shedNoFd++;
            }
            spareFd = Fds.openReadOnly(Path.of("/dev/null"));
            log.log("shed a connection: " + cause.getMessage() + " (serving the " + open + " connections already open)");
        } catch (IOException e) {
            log.log("out of fds, pausing accept for 100 ms: " + e.getMessage());
            pauseAccepting();
        }
    }

    private void pauseAccepting() {
        try {
            loop.setInterest(listenFd, 0);
        } catch (IOException e) {
            return;
        }
        loop.schedule(100, () -> {
            try {
                if (spareFd < 0) spareFd = Fds.openReadOnly(Path.of("/dev/null"));
                if (listenFd >= 0) loop.setInterest(listenFd, READ);
            } catch (IOException e) {
                pauseAccepting();
            }
        });
    }

    // ---- echoing ----

    private void onConnection(int fd, int ops) throws IOException {
        EchoConnection c = conns[fd];
        if (c == null) return;
        try {
            if ((ops & ERROR) != 0) {
                close(c);
                return;
            }
            if ((ops & (READ | HANGUP)) != 0 && !c.peerDone) readAndEcho(c);
            if (c.pendingBytes() > 0 && ((ops & (WRITE | HANGUP)) != 0)) flush(c);
            if (c.peerDone && c.pendingBytes() == 0) {
                close(c);
                return;
            }
            boolean full = c.pendingBytes() >= config.maxBufferedPerConnection();
            loop.setInterest(fd, (c.peerDone || full ? 0 : READ) | (c.pendingBytes() > 0 ? WRITE : 0));
        } catch (NativeIOException e) {
            close(c);  // ECONNRESET, EPIPE: the peer is gone
        }
    }

    private void readAndEcho(EchoConnection c) throws NativeIOException {
        int cap = config.maxBufferedPerConnection();
        for (int i = 0; i < READS_PER_WAKE; i++) {
            int room = cap - c.pendingBytes();
            if (room <= 0) return;
            ioCalls++;
            int n = Fds.read(c.fd, buf, Math.min(chunk, room));
            if (n < 0) return;  // EAGAIN
            if (n == 0) {
                c.peerDone = true;
                return;
            }
            reads++;
            bytes += n;
            if (config.idleTimeoutMillis() > 0) c.lastActiveNanos = System.nanoTime();
            int written = 0;
            if (c.pendingBytes() == 0) {
                ioCalls++;
                written = Fds.write(c.fd, buf, n);
            }
            if (written < n) {
                c.append(buf, written, n - written, cap);
                maxBuffered = Math.max(maxBuffered, c.pendingBytes());
            }
            if (n < Math.min(chunk, room)) return;  // drained: a read now would only say EAGAIN
        }
    }

    private void flush(EchoConnection c) throws NativeIOException {
        while (c.pendingBytes() > 0) {
            ioCalls++;
            int n = Fds.write(c.fd, c.pending(), c.pendingStart(), c.pendingBytes());
            if (n == 0) return;
            c.consumed(n);
            if (config.idleTimeoutMillis() > 0) c.lastActiveNanos = System.nanoTime();
        }
    }

    private void closeIdle() {
        long limit = System.nanoTime() - config.idleTimeoutMillis() * 1_000_000;
        for (EchoConnection c : conns) {
            if (c != null && c.lastActiveNanos < limit) {
                idleClosed++;
                close(c);
            }
        }
    }

    private void close(EchoConnection c) {
        conns[c.fd] = null;
        open--;
        openOnAllLoops.decrementAndGet();
        loop.close(c.fd);
    }
}
