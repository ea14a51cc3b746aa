package io.muxkit.tcp;

import static io.muxkit.mux.Multiplexer.EDGE;
import static io.muxkit.mux.Multiplexer.ERROR;
import static io.muxkit.mux.Multiplexer.HANGUP;
import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;
import java.util.Arrays;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.loop.EventLoop;
import io.muxkit.net.Fds;
import io.muxkit.ring.BufferRing;
import io.muxkit.ring.Ring;

/**
 * A connection's bytes moved by requests on the loop's io_uring (liburing's echo-server.c and
 * proxy.c, Netty's io_uring transport): a multishot recv fills buffers of the loop's
 * {@link BufferRing}, which the protocol reads in place; what it writes goes out by SEND, one in
 * flight at a time, straight from the received buffer, from memory the queue holds (a cached
 * response), or gathered into one send buffer when several small segments wait (pipelined
 * responses); a file region by sendfile(2), waiting for WRITE readiness when the socket is full.
 *
 * <p>The protocol still sees events: READ when bytes came (again after the next wait while bytes
 * it left are unread and it asks for READ, as readiness is level-triggered), WRITE when what it
 * wrote has gone out, ERROR when the kernel failed a request. A protocol that stops reading gets
 * its recv cancelled; a recv that ran out of buffers (-ENOBUFS) is armed again once buffers are
 * back. On close the loop cancels every request on the fd, then closes it; this stream gives back
 * what it holds as each last completion comes, and then detaches its tag.
 */
final class RingIo extends StreamIo implements EventLoop.Completion {
    private final Connection c;
    private final Connections<?> conns;
    private final Shared shared;
    private final Ring ring;
    private final BufferRing buffers;
    private final int tag;
    private final long recvUserData, sendUserData;
    private boolean closed;

    // ---- reading ----
    private final RingInput input;
    private boolean recvArmed, recvCancelled, starved, eof, wantRead;
    private int recvError;

    // ---- writing: the one send in flight, from sendMemory (null when none) ----
    private boolean wantWritable, writeInterest, watchingWritable, moreToSend;
    private NativeBuffer sendMemory;
    private long sendAt, sendEnd;
    private Connection.Owner sendOwner;
    private Object sendToken;
    private int sendError;

    /** What the ring streams of one loop share: the buffers, the send buffers for gathered segments, those starved of buffers. */
    static final class Shared implements BufferRing.Refilled {
        /** A gathered send: several small segments (pipelined responses, heads) copied into one buffer of this size. */
        static final int GATHER_SIZE = 16 * 1024;
        /**
         * A multishot recv ends after this many bytes and is armed again if the protocol still reads:
         * a peer whose protocol stops reading it holds at most this much of the shared buffers (a
         * multishot recv without it takes what the socket holds, megabytes, before a cancel lands).
         */
        static final int RECV_LIMIT = 64 * 1024;

        final Ring ring;
        final BufferRing buffers;
        final BufferPool gather = new BufferPool(GATHER_SIZE, 64, Integer.MAX_VALUE);
        /** Where a stream whose protocol stops reading moves what it received out of the ring ({@link RingInput}). */
        final BufferPool spill = new BufferPool(RECV_LIMIT, 16, Integer.MAX_VALUE);
        final Connection.Owner bufferOwner;
        private RingIo[] starved = new RingIo[16];
        private int starvedCount;
        long recvsOutOfBuffers;  // multishot recvs the kernel ended with -ENOBUFS
        boolean recvLimited = true;  // false on a kernel that refuses a recv's byte limit (before 6.16)

        Shared(Ring ring) {
            this.ring = ring;
            this.buffers = ring.buffers();
            this.bufferOwner = token -> buffers.release((Integer) token);
            buffers.whenRefilled(this);
        }

        void starve(RingIo io) {
            if (starvedCount == starved.length) starved = Arrays.copyOf(starved, starvedCount * 2);
            starved[starvedCount++] = io;
        }

        /** Buffers came back: once an eighth of them are free, the recvs that ran out go on. */
        @Override
        public void refilled(int available) {
            if (starvedCount == 0 || available < Math.max(1, buffers.count() / 8)) return;
            int n = starvedCount;
            starvedCount = 0;
            for (int i = 0; i < n; i++) {
                RingIo io = starved[i];
                starved[i] = null;
                io.starved = false;
                if (!io.closed && io.wantRead) io.armRecv();
            }
        }

        void free() {
            gather.free();
            spill.free();
        }
    }

    RingIo(Connection c, Connections<?> conns, Shared shared) {
        this.c = c;
        this.conns = conns;
        this.shared = shared;
        this.ring = shared.ring;
        this.buffers = shared.buffers;
        this.tag = conns.eventLoop.attach(c.fd, this, conns.server.handler(), "conn");
        this.input = new RingInput(buffers, shared.spill);
        this.recvUserData = Ring.userData(Ring.RECV, tag, c.fd);
        this.sendUserData = Ring.userData(Ring.SEND, tag, c.fd);
        this.wantRead = true;
        armRecv();
    }

    /**
     * A multishot recv, ended after what the stream may still hold: RECV_LIMIT less what it holds
     * unread, in the ring or moved out of it (none when that is RECV_LIMIT: then again at the
     * protocol's next interest in reading, once it has read some). So a stream never holds more
     * than its own buffer takes when the protocol stops reading, and every byte then moves out.
     */
    private void armRecv() {
        int limit = shared.recvLimited ? (int) (Shared.RECV_LIMIT - input.bytes()) : 0;
        if (shared.recvLimited && limit <= 0) return;
        recvArmed = true;
        recvCancelled = false;
        ring.recvMultishot(c.fd, recvUserData, limit);
    }

    // ---- completions ----

    @Override
    public int completed(int kind, int result, int flags) {
        if (kind == Ring.RECV) return received(result, flags);
        if (kind == Ring.SEND) return sent(result);
        return writable(result);
    }

    private int received(int result, int flags) {
        if ((flags & Ring.MORE) == 0) recvArmed = recvCancelled = false;  // the recv ended (the kernel's reason is the result)
        if ((flags & Ring.BUFFER) != 0) {
            int bid = Ring.bufferId(flags);
            buffers.taken(bid);
            if (closed || result <= 0) {
                buffers.release(bid);
            } else {
                input.fill(bid, result);
                if (!wantRead) input.moveOut();  // came after the protocol stopped reading: out of the shared ring
            }
        }
        if (closed) {
            detachWhenDone();
            return 0;
        }
        int ops;
        if (result > 0) {
            ops = wantRead ? READ : 0;
        } else if (result == 0) {
            eof = true;
            ops = wantRead ? READ | HANGUP : 0;
        } else if (result == -Native.ECANCELED) {  // cancelled when the protocol stopped reading
            ops = 0;
        } else if (result == -Native.EINVAL && shared.recvLimited) {  // a kernel before 6.16: no limit, then
            shared.recvLimited = false;
            ops = 0;
        } else if (result == -Native.ENOBUFS) {  // none of the ring's buffers free: again once they come back
            shared.recvsOutOfBuffers++;
            if (!starved) {
                starved = true;
                shared.starve(this);
            }
            ops = wantRead && !input.isEmpty() ? READ : 0;
        } else {
            recvError = -result;  // ECONNRESET, ...: the peer is gone
            return ERROR;
        }
        if (!recvArmed && wantRead && !eof && !starved) armRecv();
        return ops;
    }

    private int sent(int result) {
        if (result > 0) {
            sendAt += result;
            c.active();
            c.moved(result);
        }
        if (closed || result < 0 || sendAt >= sendEnd) releaseSend();
        if (closed) {
            detachWhenDone();
            return 0;
        }
        if (result < 0 || (result == 0 && sendMemory != null)) {
            sendError = result < 0 ? -result : Native.EPIPE;  // EPIPE, ECONNRESET: the peer is gone (nothing taken: as gone)
            releaseSend();
            return ERROR;
        }
        if (sendMemory != null) {  // partial: the rest goes again
            startSend();
            return 0;
        }
        return flushed(0);
    }

    /** Sends what waits: WRITE | extra once all of it is out (if the protocol asked), 0 while some is on its way, ERROR when the socket failed. */
    private int flushed(int extra) {
        try {
            if (!flush()) return 0;
        } catch (IOException e) {
            sendError = e instanceof NativeIOException n ? n.errno() : Native.EPIPE;
            return ERROR;
        }
        return writeInterest ? WRITE | extra : 0;
    }

    /** The socket a sendfile found full can take more (or, edge-triggered, took some: then flush finds nothing to do). */
    private int writable(int ops) {
        if (closed) return 0;
        if ((ops & ERROR) != 0) return ERROR;
        if (!watchingWritable) return 0;
        watchingWritable = false;
        return flushed(ops & ~READ);
    }

    @Override
    public int raised() {
        if (closed) return 0;
        int ops = 0;
        if (wantRead && (!input.isEmpty() || (eof && !c.peerClosed))) ops |= READ;
        if ((wantWritable && !c.hasQueued()) || moreToSend) ops |= WRITE;  // (the handler's newTurn renews the turn's bytes)
        moreToSend = false;
        return ops;
    }

    // ---- reading ----

    @Override
    void newTurn() {
    }

    @Override
    int receive(int max, boolean peek) throws NativeIOException {
        if (max <= 0) return 0;
        int n = input.front(max);
        if (n == 0) {
            if (recvError != 0) throw new NativeIOException("recv", c.fd, recvError);
            if (eof) c.peerClosed = true;
            return 0;
        }
        if (!peek) {
            input.consume(n);
            c.active();
            c.moved(n);
        }
        return n;
    }

    @Override
    void take(int n) throws NativeIOException {
        if (input.bytes() < n) throw new NativeIOException("recv", c.fd, Native.EAGAIN);
        input.consume(n);
        c.active();
        c.moved(n);
    }

    @Override
    long discard(long max) throws NativeIOException {
        long dropped = Math.min(max, input.bytes());
        input.consume(dropped);
        c.moved(dropped);
        if (input.isEmpty() && eof) c.peerClosed = true;
        if (input.isEmpty() && recvError != 0 && dropped == 0) throw new NativeIOException("recv", c.fd, recvError);
        return dropped;
    }

    @Override
    NativeBuffer input() {
        return input.memory();
    }

    @Override
    long inputAt() {
        return input.at();
    }

    // ---- writing ----

    /**
     * From a buffer of the ring, the send goes straight from it, held until sent, while more than
     * half the ring is free (sends to peers that do not read then never pin more than half of it);
     * from other memory, or with the ring low, through a gather buffer.
     */
    @Override
    int tryWrite(NativeBuffer src, long offset, int n) throws NativeIOException {
        if (sendMemory != null || sendError != 0 || n <= 0) return 0;
        if (src == buffers.memory() && buffers.available() > buffers.count() / 2) {
            int bid = (int) (offset / buffers.size());
            buffers.hold(bid);
            send(src, offset, offset + n, shared.bufferOwner, buffers.token(bid));
            return n;
        }
        NativeBuffer gathered = shared.gather.take();
        int k = Math.min(n, (int) gathered.size());
        src.copyTo(offset, gathered, 0, k);
        send(gathered, 0, k, shared.gather, gathered);
        return k;
    }

    /**
     * The next send, when none is in flight: one segment of memory straight from it (a cached
     * response, a received buffer); several small segments, heap bytes, or bytes of the protocol's
     * own copy buffer (which takes more while this send is on its way, and may move them) gathered
     * into one send buffer. A file's response, its head and its region, goes as on readiness: by
     * send(MSG_MORE) and sendfile(2) now, up to the turn's bytes, waiting for WRITE readiness (a
     * poll on the same ring) when the socket is full. False while something is still on its way.
     */
    @Override
    boolean flush() throws IOException {
        if (sendError != 0) throw new NativeIOException("send", c.fd, sendError);
        WriteQueue out = c.out;
        while (sendMemory == null && !out.isEmpty()) {
            int kind = out.firstKind();
            if (kind == WriteQueue.FILE || (out.count() > 1 && out.kindAt(1) == WriteQueue.FILE)) {
                if (watchingWritable) return false;
                if (c.turnBytes > 0 && SocketIo.drain(c, conns)) continue;
                if (c.turnBytes > 0) {
                    watchWritable();  // the socket is full
                } else {
                    moreToSend = true;  // the turn's bytes are spent: the rest after the next wait
                    conns.eventLoop.raise(tag);
                }
                return false;
            }
            long at = out.firstAt(), left = out.firstEnd() - at;
            if (kind == WriteQueue.MEMORY && (conns.pool == null || out.firstOwner() != conns.pool)
                    && (out.count() == 1 || left >= Shared.GATHER_SIZE)) {
                NativeBuffer memory = out.firstMemory();
                Connection.Owner owner = out.firstOwner();
                Object token = out.firstToken();
                out.handOver();
                send(memory, at, at + left, owner, token);
            } else {
                gather(out);
            }
        }
        return sendMemory == null && out.isEmpty();
    }

    /** Heap bytes and memory from the front, up to a file, copied into one send buffer. */
    private void gather(WriteQueue out) {
        NativeBuffer buffer = shared.gather.take();
        long used = 0, room = buffer.size();
        while (!out.isEmpty() && used < room && out.firstKind() != WriteQueue.FILE) {
            long at = out.firstAt();
            int n = (int) Math.min(out.firstEnd() - at, room - used);
            if (out.firstKind() == WriteQueue.BYTES) buffer.put(used, out.firstBytes(), (int) at, n);
            else out.firstMemory().copyTo(at, buffer, used, n);
            used += n;
            out.advance(n);
        }
        send(buffer, 0, used, shared.gather, buffer);
    }

    private void send(NativeBuffer memory, long at, long end, Connection.Owner owner, Object token) {
        sendMemory = memory;
        sendAt = at;
        sendEnd = end;
        sendOwner = owner;
        sendToken = token;
        startSend();
    }

    private void startSend() {
        int n = (int) Math.min(sendEnd - sendAt, 1 << 30);
        ring.send(c.fd, sendMemory.address(sendAt, n), n, sendUserData);
    }

    private void releaseSend() {
        if (sendMemory == null) return;
        if (sendOwner != null) sendOwner.release(sendToken);
        sendMemory = null;
        sendOwner = null;
        sendToken = null;
    }

    /**
     * A sendfile found the socket full: WRITE readiness says when it can take more, an
     * edge-triggered (multishot) poll on the same ring, armed at the first time and kept until the
     * close (a socket full once, serving a large file, is full again soon); the kernel wakes it when
     * room frees after a send that found none.
     */
    private void watchWritable() throws IOException {
        watchingWritable = true;
        if (!conns.eventLoop.multiplexer().isRegistered(c.fd)) conns.eventLoop.multiplexer().register(c.fd, WRITE | EDGE);
    }

    @Override
    long inFlight() {
        return sendMemory == null ? 0 : sendEnd - sendAt;
    }

    @Override
    void interest(boolean read, boolean whenWritable) throws IOException {
        wantRead = read;
        wantWritable = whenWritable;
        writeInterest = whenWritable || c.hasQueued();
        if (read) {
            if (!recvArmed && !eof && recvError == 0 && !starved) armRecv();
            if (!input.isEmpty() || (eof && !c.peerClosed)) conns.eventLoop.raise(tag);  // unread bytes: level-triggered
        } else {
            input.moveOut();
            if (recvArmed && !recvCancelled) {
                recvCancelled = true;
                ring.cancel(recvUserData);
            }
        }
        // the protocol has more to do once what it wrote is out (or now, when nothing waits): the next
        // wait does not block for a batch, and WRITE comes with the send's completion or, raised, at once
        if (whenWritable) conns.eventLoop.raise(tag);
    }

    @Override
    void close() {
        closed = true;
        input.clear();  // (a send in flight keeps its memory until its completion)
        detachWhenDone();
    }

    /** Closed and nothing in flight (no recv, no send): the tag may be given to another fd. (The loop's close cancels what is in flight.) */
    private void detachWhenDone() {
        if (!recvArmed && sendMemory == null) conns.eventLoop.detach(tag);
    }
}
