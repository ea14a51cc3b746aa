package io.muxkit.echo;

import static io.muxkit.mux.Multiplexer.ERROR;
import static io.muxkit.mux.Multiplexer.HANGUP;
import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.loop.FdTable;
import io.muxkit.loop.Handler;
import io.muxkit.net.Fds;
import io.muxkit.tcp.Protocol;
import io.muxkit.tcp.ServerLoop;
import jnr.ffi.Pointer;

/**
 * RFC 862 on one loop: write back what is read. A partial write waits for WRITE readiness; at most
 * maxBuffered bytes wait per peer, and a peer whose bytes fill that is not read until they drain.
 * When every buffer of the loop's budget is held, a peer is echoed without one: what its socket
 * takes now is taken from the kernel, the rest left there (MSG_PEEK) until it can go. So peers
 * that never read cannot starve the others, and memory stays within the budget.
 */
final class EchoProtocol implements Protocol {
    private static final int READ_CHUNK = 64 * 1024;
    private static final int READS_PER_WAKE = 16;  // then let the other peers have a turn
    private static final int IDLE_BUFFERS_KEPT = 8;
    /** All the pending-write buffers of one loop together: a bound on echo's native memory whatever the peers do. */
    static final long BUFFER_BUDGET = 64L << 20;

    private final ServerLoop server;
    private final int maxBuffered;
    private final boolean trackIdle;
    private final BufferPool pending;
    private final int chunk;
    private Pointer buf;
    private final Handler handler = this::onReady;
    private final FdTable<EchoConnection> conns = new FdTable<>();
    long reads, bytes, mostBuffered;  // counters, read by EchoServer.stats()

    EchoProtocol(ServerLoop server, int maxBuffered, boolean trackIdle) {
        this.server = server;
        this.maxBuffered = maxBuffered;
        this.trackIdle = trackIdle;
        this.chunk = Math.min(READ_CHUNK, maxBuffered);
        this.buf = NativeMemory.allocate(chunk);
        this.pending = new BufferPool(maxBuffered, IDLE_BUFFERS_KEPT, (int) Math.max(1, BUFFER_BUDGET / maxBuffered));
    }

    @Override
    public Handler handler() {
        return handler;
    }

    @Override
    public void opened(int fd) {
        conns.put(fd, new EchoConnection(fd, System.nanoTime()));
    }

    @Override
    public void closeIdle(long activeSinceNanos) {
        conns.forEach(c -> {
            if (c.lastActiveNanos < activeSinceNanos) {
                conns.remove(c.fd);
                c.release(pending);
                server.closedIdle(c.fd);
            }
        });
    }

    /** Closes every connection and frees the buffers; a second call finds nothing left to do. */
    @Override
    public void closeAll() {
        conns.forEach(this::close);
        pending.free();
        NativeMemory.free(buf);
        buf = null;
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
                close(c);
                return;
            }
            if ((ops & (WRITE | HANGUP)) != 0 && c.waitingForRoom) {  // unbuffered: its bytes wait in the kernel
                c.waitingForRoom = false;
                readAndEcho(c);
            } else if ((ops & (READ | HANGUP)) != 0 && !c.peerDone) {
                readAndEcho(c);
            }
            if (c.pendingBytes() > 0 && ((ops & (WRITE | HANGUP)) != 0)) flush(c);
            if (c.peerDone && c.pendingBytes() == 0) {
                close(c);
                return;
            }
            setInterest(c);
        } catch (NativeIOException e) {
            close(c);  // ECONNRESET, EPIPE: the peer is gone
        }
    }

    /** READ unless the peer is done or its buffer is full; WRITE while bytes are pending, here or in the kernel. */
    private void setInterest(EchoConnection c) throws IOException {
        boolean full = c.pendingBytes() >= maxBuffered, room = c.pendingBytes() > 0 || c.waitingForRoom;
        server.loop().setInterest(c.fd, (c.peerDone || full || c.waitingForRoom ? 0 : READ) | (room ? WRITE : 0));
    }

    private void readAndEcho(EchoConnection c) throws NativeIOException {
        for (int i = 0; i < READS_PER_WAKE; i++) {
            int room = maxBuffered - c.pendingBytes();
            if (room <= 0) return;
            if (c.pendingBytes() == 0 && !pending.available()) {  // a short write now would have nowhere to go
                echoUnbuffered(c);
                return;
            }
            int want = Math.min(chunk, room);
            server.countIo();
            int n = Fds.read(c.fd, buf, want);
            if (n == Native.AGAIN) return;
            if (n == 0) {
                c.peerDone = true;
                return;
            }
            reads++;
            bytes += n;
            if (trackIdle) c.lastActiveNanos = System.nanoTime();
            int written = 0;
            if (c.pendingBytes() == 0) {
                server.countIo();
                written = Math.max(0, Fds.write(c.fd, buf, n));
            }
            if (written < n) {
                c.append(buf, written, n - written, pending);
                mostBuffered = Math.max(mostBuffered, c.pendingBytes());
            }
            if (n < want) return;  // drained: a read now would only say EAGAIN
        }
    }

    /**
     * No buffer to be had: peek, write what the socket takes, and read (take) only that much; the rest
     * stays in the kernel until WRITE readiness says there is room. Three syscalls where two do when a
     * buffer is free, and only then.
     */
    private void echoUnbuffered(EchoConnection c) throws NativeIOException {
        for (int i = 0; i < READS_PER_WAKE; i++) {
            server.countIo();
            int n = Fds.peek(c.fd, buf, chunk);
            if (n == Native.AGAIN) return;
            if (n == 0) {
                c.peerDone = true;
                return;
            }
            server.countIo();
            int written = Math.max(0, Fds.write(c.fd, buf, n));
            if (written > 0) {
                // take exactly the bytes that went out: they are queued, so only a short read (or an
                // injected EAGAIN) makes this take more than one read
                for (int taken = 0, r; taken < written; taken += Math.max(r, 0)) {
                    server.countIo();
                    if ((r = Fds.read(c.fd, buf, written - taken)) == 0) break;
                }
                reads++;
                bytes += written;
                if (trackIdle) c.lastActiveNanos = System.nanoTime();
            }
            if (written < n) {
                c.waitingForRoom = true;
                return;
            }
            if (n < chunk) return;
        }
    }

    private void flush(EchoConnection c) throws NativeIOException {
        while (c.pendingBytes() > 0) {
            server.countIo();
            int n = Fds.write(c.fd, c.pending(), c.pendingStart(), c.pendingBytes());
            if (n == Native.AGAIN) return;
            c.consumed(n, pending);
            if (trackIdle) c.lastActiveNanos = System.nanoTime();
        }
    }

    private void close(EchoConnection c) {
        conns.remove(c.fd);
        c.release(pending);
        server.closeConnection(c.fd);
    }
}
