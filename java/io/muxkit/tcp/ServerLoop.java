package io.muxkit.tcp;

import static io.muxkit.mux.Multiplexer.READ;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.loop.EventLoop;
import io.muxkit.loop.Handler;
import io.muxkit.loop.Timeline;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;
import io.muxkit.output.RateLimitedLog;

/**
 * One loop of a TCP server, whatever its protocol: the listener, accepting (with --max-conn, the
 * backend's own fd limit and the out-of-fds case), counting, idle sweeps and shutdown. The
 * protocol gets each new connection and is told to close them all at the end.
 */
public final class ServerLoop implements Connections.Host {
    /**
     * Counters of one loop. refused*: accepted and closed at once, by reason; ioCalls: the
     * syscalls made outside the multiplexer (accept4, and the protocol's reads and writes).
     */
    public record Counts(long open, long accepted, long refusedFdLimit, long refusedMaxConn, long shedNoFd,
                         long idleClosed, long ioCalls) {}

    private final EventLoop loop;
    private final ListenConfig config;
    private final AtomicInteger openOnAllLoops;
    private final RateLimitedLog log;
    private Protocol protocol;
    private int listenFd;
    private int spareFd;
    private long open, accepted, refusedFdLimit, refusedMaxConn, shedNoFd, idleClosed, ioCalls;
    private BooleanSupplier giveBackFds = () -> false;
    private RingAccept accepting;  // on a completion loop: the multishot accept

    ServerLoop(EventLoop loop, int listenFd, ListenConfig config, AtomicInteger openOnAllLoops, PrintStream log)
            throws IOException {
        this.loop = loop;
        this.listenFd = listenFd;
        this.config = config;
        this.openOnAllLoops = openOnAllLoops;
        this.log = new RateLimitedLog(log);
        this.spareFd = Fds.openReadOnly(Path.of("/dev/null"));
    }

    /** The loop this server loop runs on: for the protocol's interest changes and timers. */
    @Override
    public EventLoop loop() {
        return loop;
    }

    /** A snapshot of the counters (read from another thread while the loop runs: not exact). */
    public Counts counts() {
        return new Counts(open, accepted, refusedFdLimit, refusedMaxConn, shedNoFd, idleClosed, ioCalls);
    }

    /** The protocol made a syscall of its own (a read, a write): counted for --stats. */
    @Override
    public void countIo() {
        ioCalls++;
    }

    /** What frees fds of the protocol's own (a file cache) when accept finds none: tried before a connection is shed. */
    public void whenOutOfFds(BooleanSupplier giveBackFds) {
        this.giveBackFds = giveBackFds;
    }

    /** A line for the server's log, at most one a second. */
    @Override
    public void log(String line) {
        log.log(line);
    }

    /** The handler of the protocol's connections. */
    @Override
    public Handler handler() {
        return protocol.handler();
    }

    void start(Protocol protocol) throws IOException {
        this.protocol = protocol;
        loop.multiplexer().describe(listenFd, "listen :" + Sockets.localPort(listenFd));
        if (loop.ring() != null) accepting = new RingAccept(this, loop, listenFd);
        else loop.register(listenFd, READ, (fd, ops) -> onAcceptable(), "listen");
        if (config.idleTimeoutMillis() > 0) {
            loop.scheduleRepeating(Math.max(10, Math.min(1000, config.idleTimeoutMillis() / 4)),
                    () -> protocol.closeIdle(System.nanoTime() - config.idleTimeoutMillis() * 1_000_000));
        }
    }

    /** Runs the loop on this thread until shutdown; anything that ends it otherwise goes to died. */
    void run(Consumer<Throwable> died) {
        try {
            loop.run();
            if (loop.ring() != null) release();  // a completion ring belongs to this thread: torn down here
        } catch (Throwable e) {  // an IOException from the wait, a bug, OutOfMemoryError: this loop serves no one now
            died.accept(e);
        }
    }

    /** Any thread: stop accepting, close every connection, end the loop. */
    void shutdown() {
        loop.execute(() -> {
            closeListener();
            protocol.closeAll();
            loop.stop();
        });
    }

    /** After the loop's thread ended (or never started). */
    void release() {
        closeListener();
        if (protocol != null) protocol.closeAll();
        Fds.closeQuietly(spareFd);
        spareFd = -1;
        loop.close();
    }

    /** The protocol closes its connections through here, so the counts stay right. */
    @Override
    public void closeConnection(int fd) {
        open--;
        loop.counter(Timeline.CONNECTIONS, open, 0);
        openOnAllLoops.decrementAndGet();
        loop.close(fd);
    }

    /** {@link #closeConnection} for a connection closed for being idle. */
    @Override
    public void closedIdle(int fd) {
        idleClosed++;
        closeConnection(fd);
    }

    private void closeListener() {
        if (listenFd >= 0) loop.close(listenFd);  // on a ring: its multishot accept cancelled, then closed
        listenFd = -1;
    }

    private void onAcceptable() {
        for (int i = 0; i < 64 && listenFd >= 0; i++) {
            int fd;
            ioCalls++;
            try {
                fd = Sockets.accept(listenFd);
            } catch (NativeIOException e) {
                if (acceptFailed(e)) continue;
                return;
            }
            if (fd == Native.AGAIN) return;
            accepted(fd);
        }
    }

    /** An accept failed: true when fds were given back and it may be tried again now; else shed (out of fds) or logged. */
    boolean acceptFailed(NativeIOException e) {
        boolean outOfFds = e.errno() == Native.EMFILE || e.errno() == Native.ENFILE;
        if (outOfFds) loop.mark(e.errno() == Native.EMFILE ? Timeline.EMFILE : Timeline.ENFILE, listenFd, e.errno());
        if (outOfFds && giveBackFds.getAsBoolean()) return true;
        if (outOfFds) shed(e);
        else log.log(e.getMessage());
        return false;
    }

    /** A connection came: counted, checked against --max-conn and the backend's fd limit, then the protocol's. */
    void accepted(int fd) {
        accepted++;
        // claim the slot first: check-then-increment would let two loops both take the last one
        if (openOnAllLoops.incrementAndGet() > config.maxConnections()) {
            openOnAllLoops.decrementAndGet();
            refusedMaxConn++;
            loop.mark(Timeline.REFUSED_MAX_CONN, fd, 0);
            Fds.closeQuietly(fd);
            log.log("refused a connection: --max-conn " + config.maxConnections() + " reached");
            return;
        }
        try {
            if (loop.multiplexer().tracing()) loop.multiplexer().describe(fd, "conn " + Sockets.peerAddress(fd, "?"));  // (a peer gone already is not refused for a trace)
            if (accepting == null) loop.register(fd, READ, protocol.handler(), "conn");  // on a ring, the protocol's connection attaches it
            Sockets.setNoDelay(fd);
        } catch (IOException e) {  // FdLimitException: select and fd >= FD_SETSIZE
            openOnAllLoops.decrementAndGet();
            refusedFdLimit++;
            loop.mark(Timeline.REFUSED_FD_LIMIT, fd, 0);
            loop.close(fd);
            log.log("refused a connection: " + e.getMessage());
            return;
        }
        open++;
        loop.counter(Timeline.CONNECTIONS, open, 0);
        protocol.opened(fd);
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
            if (fd != Native.AGAIN) {
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
        if (accepting != null) accepting.pause();
        else {
            try {
                loop.setInterest(listenFd, 0);
            } catch (IOException e) {
                return;
            }
        }
        loop.schedule(100, () -> {
            try {
                if (spareFd < 0) spareFd = Fds.openReadOnly(Path.of("/dev/null"));
                if (listenFd < 0) return;
                if (accepting != null) accepting.resume();
                else loop.setInterest(listenFd, READ);
            } catch (IOException e) {
                pauseAccepting();
            }
        });
    }

    /** Whether the listener is still open (not closed by shutdown). */
    boolean listening() {
        return listenFd >= 0;
    }
}
