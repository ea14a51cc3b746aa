package io.muxkit.echo;

import static io.muxkit.mux.Multiplexer.ERROR;
import static io.muxkit.mux.Multiplexer.HANGUP;
import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;

import io.muxkit.ffi.NativeIOException;
import io.muxkit.loop.Handler;
import io.muxkit.tcp.BufferPool;
import io.muxkit.tcp.Connections;
import io.muxkit.tcp.Protocol;
import io.muxkit.tcp.ServerLoop;

/**
 * RFC 862 on one loop: write back what is read. A partial write waits for WRITE readiness; at most
 * maxBuffered bytes wait per peer, and a peer whose bytes fill that is not read until they drain.
 * When every buffer of the loop's budget is held, a peer is echoed without one: what its socket
 * takes now is taken from the kernel, the rest left there (MSG_PEEK) until it can go. So peers
 * that never read cannot starve the others, and memory stays within the budget.
 */
final class EchoProtocol implements Protocol {
    private static final int READ_CHUNK = 64 * 1024;
    private static final int IDLE_BUFFERS_KEPT = 8;
    /** All the pending-write buffers of one loop together: a bound on echo's native memory whatever the peers do. */
    static final long BUFFER_BUDGET = 64L << 20;

    private final int maxBuffered;
    private final BufferPool pending;
    private final Connections<EchoConnection> conns;
    private final Handler handler = this::onReady;
    long reads, bytes, mostBuffered;  // counters, read by EchoServer.stats()

    EchoProtocol(ServerLoop server, int maxBuffered, boolean trackIdle) {
        this.maxBuffered = maxBuffered;
        this.pending = new BufferPool(maxBuffered, IDLE_BUFFERS_KEPT, (int) Math.max(1, BUFFER_BUDGET / maxBuffered));
        // write(2), as echo always has: what a trace or a fault rule names
        this.conns = new Connections<>(server,
                new Connections.Settings(Math.min(READ_CHUNK, maxBuffered), Long.MAX_VALUE, false, trackIdle, pending));
    }

    @Override
    public Handler handler() {
        return handler;
    }

    @Override
    public void opened(int fd) {
        conns.add(new EchoConnection(conns, fd));
    }

    @Override
    public void closeIdle(long activeSinceNanos) {
        conns.closeIdle(activeSinceNanos);
    }

    /** Closes every connection and frees the buffers; a second call finds nothing left to do. */
    @Override
    public void closeAll() {
        conns.closeAll();
    }

    /** Recvs the kernel ended for want of a ring buffer (0 on readiness), each armed again once buffers came back. */
    long recvsOutOfBuffers() {
        return conns.recvsOutOfBuffers();
    }

    /** Connections holding a buffer of pending bytes now (the rest hold none). */
    int buffersInUse() {
        return pending.inUse();
    }

    private void onReady(int fd, int ops) throws IOException {
        EchoConnection c = conns.get(fd);
        if (c == null) return;
        try {
            if ((ops & ERROR) != 0) {
                conns.close(c);
                return;
            }
            c.newTurn();
            if ((ops & (WRITE | HANGUP)) != 0 && c.waitingForRoom) {  // unbuffered: its bytes wait in the kernel
                c.waitingForRoom = false;
                readAndEcho(c);
            } else if ((ops & (READ | HANGUP)) != 0 && !c.peerClosed()) {
                readAndEcho(c);
            }
            if (c.hasQueued() && (ops & (WRITE | HANGUP)) != 0) c.flush();
            if (c.peerClosed() && !c.hasQueued()) {
                conns.close(c);
                return;
            }
            // READ unless the peer is done or its buffer is full; WRITE while bytes wait, here or in the kernel
            boolean full = c.queuedBytes() >= maxBuffered;
            c.interest(!c.peerClosed() && !full && !c.waitingForRoom, c.waitingForRoom);
        } catch (NativeIOException e) {
            conns.close(c);  // ECONNRESET, EPIPE: the peer is gone
        }
    }

    private void readAndEcho(EchoConnection c) throws NativeIOException {
        while (true) {
            int room = maxBuffered - (int) c.queuedBytes();
            if (room <= 0) return;
            if (!c.hasWaiting() && !pending.available()) {  // a write that cannot go out now would have nowhere to go
                echoUnbuffered(c);
                return;
            }
            int n = c.read(room);
            if (n == 0) return;
            reads++;
            bytes += n;
            c.write(c.input(), c.inputAt(), n);
            mostBuffered = Math.max(mostBuffered, c.queuedBytes());
        }
    }

    /**
     * No buffer to be had: peek, write what the socket takes, and read (take) only that much; the rest
     * stays in the kernel until WRITE readiness says there is room. Three syscalls where two do when a
     * buffer is free, and only then.
     */
    private void echoUnbuffered(EchoConnection c) throws NativeIOException {
        for (int n; (n = c.peek(Integer.MAX_VALUE)) > 0; ) {
            int written = c.tryWrite(c.input(), c.inputAt(), n);
            if (written > 0) {
                c.take(written);
                reads++;
                bytes += written;
            }
            if (written < n) {
                c.waitingForRoom = true;
                return;
            }
        }
    }
}
