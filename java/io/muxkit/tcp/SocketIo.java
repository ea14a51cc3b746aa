package io.muxkit.tcp;

import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.net.Fds;

/**
 * A connection's bytes moved by syscalls when the multiplexer says the socket is ready (libuv's
 * stream.c): reads into the loop's read buffer within the turn's budget, writes, sends and
 * sendfiles from the front of the write queue within the turn's byte budget.
 */
final class SocketIo extends StreamIo {
    private final Connection c;
    private final Connections<?> conns;
    private int readsLeft = Connection.READS_PER_TURN;
    private boolean drained;  // a read of this turn found the socket empty

    SocketIo(Connection c, Connections<?> conns) {
        this.c = c;
        this.conns = conns;
    }

    @Override
    void newTurn() {
        readsLeft = Connection.READS_PER_TURN;
        drained = false;
    }

    @Override
    int receive(int max, boolean peek) throws NativeIOException {
        if (drained || c.peerClosed() || readsLeft <= 0 || max <= 0) return 0;
        readsLeft--;
        c.countIo();
        NativeBuffer buf = conns.readBuffer();
        int want = Math.min(max, (int) buf.size());
        int n = peek ? Fds.peek(c.fd, buf, want) : Fds.read(c.fd, buf, want);
        if (n == Native.AGAIN) {
            drained = true;
            return 0;
        }
        if (n == 0) {
            c.peerClosed = true;
            return 0;
        }
        if (n < want) drained = true;
        if (!peek) {
            c.active();
            c.moved(n);
        }
        return n;
    }

    /**
     * The bytes a peek showed are queued in the socket, so only a short read (or an injected EAGAIN)
     * makes this take more than one read; if a turn's reads do not take them all, the stream cannot
     * be kept whole (the rest would be echoed twice), so it fails with that EAGAIN.
     */
    @Override
    void take(int n) throws NativeIOException {
        int taken = 0;
        for (int tries = 0; taken < n && tries < Connection.READS_PER_TURN; tries++) {
            c.countIo();
            int r = Fds.read(c.fd, conns.readBuffer(), n - taken);
            if (r > 0) {
                taken += r;
                c.moved(r);
            }
        }
        if (taken < n) throw new NativeIOException("read", c.fd, Native.EAGAIN);
        c.active();
    }

    @Override
    long discard(long max) throws NativeIOException {
        long dropped = 0;
        while (dropped < max) {
            c.countIo();
            int n = Fds.read(c.fd, conns.readBuffer(), (int) conns.readBuffer().size());
            if (n == Native.AGAIN) break;
            if (n == 0) {
                c.peerClosed = true;
                break;
            }
            dropped += n;
        }
        c.moved(dropped);
        return dropped;
    }

    @Override
    NativeBuffer input() {
        return conns.readBuffer();
    }

    @Override
    long inputAt() {
        return 0;
    }

    @Override
    int tryWrite(NativeBuffer src, long offset, int n) throws NativeIOException {
        c.countIo();
        int w = Math.max(0, Fds.write(c.fd, src, offset, n));
        if (w > 0) {
            c.active();
            c.moved(w);
        }
        return w;
    }

    /**
     * Heap bytes go through the loop's staging buffer, at most its size at a time; with cork,
     * memory is sent with send(2), MSG_MORE while more is queued behind it, else with write(2).
     */
    @Override
    boolean flush() throws IOException {
        return drain(c, conns);
    }

    /**
     * Sends c's queue by syscalls until it is all out (true), the socket is full or the turn's bytes
     * are spent (false): the readiness path's flush, and a ring stream's for a file's response.
     */
    static boolean drain(Connection c, Connections<?> conns) throws IOException {
        WriteQueue out = c.out;
        while (!out.isEmpty()) {
            if (c.turnBytes <= 0) return false;
            long w;
            c.countIo();
            long at = out.firstAt(), left = out.firstEnd() - at;
            switch (out.firstKind()) {
                case WriteQueue.BYTES -> {
                    NativeBuffer staging = conns.staging();
                    int n = (int) Math.min(left, staging.size());
                    staging.put(0, out.firstBytes(), (int) at, n);
                    w = send(c, conns, staging, 0, n, n < left || out.count() > 1);
                }
                case WriteQueue.MEMORY -> w = send(c, conns, out.firstMemory(), at, (int) left, out.count() > 1);
                default -> {
                    w = Fds.sendfile(c.fd, out.firstFileFd(), at, Math.min(left, c.turnBytes));
                    if (w == 0) throw new IOException("the file shrank while it was being sent");
                }
            }
            if (w == Native.AGAIN) return false;  // the socket is full: wait for WRITE
            out.advance(w);
            c.turnBytes -= w;
            c.active();  // a slow reader that is making progress is not idle
            c.moved(w);
        }
        return true;
    }

    private static long send(Connection c, Connections<?> conns, NativeBuffer from, long offset, int n, boolean more) throws IOException {
        return conns.cork ? Fds.send(c.fd, from, offset, n, more) : Fds.write(c.fd, from, offset, n);
    }

    @Override
    long inFlight() {
        return 0;
    }

    @Override
    void interest(boolean read, boolean whenWritable) throws IOException {
        conns.eventLoop.setInterest(c.fd, (read ? READ : 0) | (whenWritable || !c.out.isEmpty() ? WRITE : 0));
    }

    @Override
    void close() {
    }
}
