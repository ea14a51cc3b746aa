package io.muxkit.tcp;

import java.io.IOException;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.net.Sockets;

/**
 * One accepted TCP connection as a byte stream, modelled on libuv's stream.c and hyper's io.rs:
 * reads within a turn's budget, one {@link WriteQueue}, interest set and cleared here only, the
 * peer's half-close and the last activity. Protocols parse and decide; only this class (through
 * its {@link StreamIo}) reads and writes the socket. A protocol keeps its own state in a subclass;
 * {@link Connections} holds them by fd and closes them with the counts right. A turn is what one
 * event may do before the loop's other connections get theirs ({@link #newTurn}).
 *
 * <p>The same stream runs on either model: readiness, where the syscalls are made when the
 * multiplexer says the socket is ready ({@link SocketIo}), or completion, where reads are a
 * multishot recv into the loop's buffer ring and writes are SEND requests, one in flight at a time
 * ({@link RingIo}). What a protocol sees is the same: bytes to read, a queue to write, the events
 * it asked for.
 */
public class Connection {
    /** Reads (and peeks) one turn may make. */
    public static final int READS_PER_TURN = 16;

    /** Told when a queued segment it owns is sent or dropped: e.g. a cache entry is given back. */
    public interface Owner {
        void release(Object token);
    }

    public final int fd;
    private final Connections<?> loop;
    final WriteQueue out = new WriteQueue();
    private final StreamIo io;
    private long lastActiveNanos;
    boolean peerClosed;
    long turnBytes;           // what this turn may still send

    protected Connection(Connections<?> loop, int fd) {
        this.loop = loop;
        this.fd = fd;
        this.lastActiveNanos = System.nanoTime();
        this.turnBytes = loop.turnBytes;
        this.io = loop.ring != null ? new RingIo(this, loop, loop.ring) : new SocketIo(this, loop);
    }

    /** An event (or a worker's outcome): the budgets of a turn start again. */
    public void newTurn() {
        io.newTurn();
        turnBytes = loop.turnBytes;
    }

    public long lastActiveNanos() {
        return lastActiveNanos;
    }

    /** Whether the peer has closed its side (a read returned 0): nothing more will arrive. */
    public boolean peerClosed() {
        return peerClosed;
    }

    void active() {
        if (loop.trackActivity) lastActiveNanos = System.nanoTime();
    }

    void countIo() {
        loop.server.countIo();
    }

    /** Bytes read or written: the loop's count, for the dispatch's slice on a timeline. */
    void moved(long n) {
        loop.eventLoop.countBytes(n);
    }

    // ---- reading ----

    /**
     * Reads at most max bytes, which are then at {@link #input()}[{@link #inputAt()}, + n): how
     * many, or 0 when there is nothing more this turn (the socket is empty, the peer closed: see
     * {@link #peerClosed()}, or the turn's reads are spent).
     */
    public int read(int max) throws NativeIOException {
        return io.receive(max, false);
    }

    /** {@link #read} that leaves the bytes in the stream, for {@link #take} to take later. */
    public int peek(int max) throws NativeIOException {
        return io.receive(max, true);
    }

    /**
     * Where the bytes of the last read or peek are: the loop's read buffer on readiness, the buffer
     * of the ring the kernel filled on completion. Valid until the next read of any of the loop's
     * connections; writing straight from it ({@link #write}) sends those bytes without a copy where
     * the model can.
     */
    public NativeBuffer input() {
        return io.input();
    }

    public long inputAt() {
        return io.inputAt();
    }

    /**
     * Takes n bytes a peek showed out of the stream, dropping them. If they cannot all be taken
     * this turn, the stream cannot be kept whole, so it fails (EAGAIN) and the caller closes.
     */
    public void take(int n) throws NativeIOException {
        io.take(n);
    }

    /** Reads and drops what the peer sends until nothing more is there or more than max bytes went; how many went. */
    public long discard(long max) throws NativeIOException {
        return io.discard(max);
    }

    // ---- writing ----

    /** Whether bytes wait to be sent: queued, or handed to the kernel and not yet sent. */
    public boolean hasQueued() {
        return !out.isEmpty() || io.inFlight() > 0;
    }

    /**
     * Whether bytes wait in the write queue itself: the same as {@link #hasQueued} on readiness;
     * on completion, not counting the send the kernel has already been handed. A write that cannot
     * go out now needs a buffer of the pool unless bytes wait in one already.
     */
    public boolean hasWaiting() {
        return !out.isEmpty();
    }

    /** Bytes waiting to be sent. */
    public long queuedBytes() {
        return out.bytes() + io.inFlight();
    }

    /**
     * Writes src[offset, offset + n) now, as much as the kernel takes, when nothing waits before it
     * (libuv's try-write); what is left is copied into a buffer of the loop's pool and queued. The
     * caller checks first that the pool has a buffer ({@link BufferPool#available()}) or that bytes
     * wait in one already ({@link #hasWaiting()}), with room for n more.
     */
    public void write(NativeBuffer src, long offset, int n) throws NativeIOException {
        int written = hasQueued() ? 0 : io.tryWrite(src, offset, n);
        if (written < n) out.copy(src, offset + written, n - written, loop.pool);
    }

    /** Writes src[offset, offset + n) now, nothing waiting before it: the bytes the kernel took (0 when it takes none now). */
    public int tryWrite(NativeBuffer src, long offset, int n) throws NativeIOException {
        return hasQueued() ? 0 : io.tryWrite(src, offset, n);
    }

    /** Queues heap bytes (a response head, a small body). */
    public void queue(byte[] bytes) {
        out.bytes(bytes);
    }

    /** Queues memory[at, end) of native memory the connection does not own; owner is told when it is sent or dropped. */
    public void queue(NativeBuffer memory, long at, long end, Owner owner, Object token) {
        out.memory(memory, at, end, owner, token);
    }

    /**
     * Queues [at, end) of the file open as fileFd, sent with sendfile(2); owner is told when it is
     * sent or dropped, and a null owner means the queue owns the fd and closes it then.
     */
    public void queueFile(int fileFd, long at, long end, Owner owner, Object token) {
        out.file(fileFd, at, end, owner, token);
    }

    /** Sends what is queued, as far as the socket and the turn allow; true when all of it is out. */
    public boolean flush() throws IOException {
        return !hasQueued() || io.flush();
    }

    /** Sends FIN after what the kernel holds (shutdown(SHUT_WR)); reading goes on. */
    public void shutdownOutput() throws NativeIOException {
        Sockets.shutdownOutput(fd);
    }

    /**
     * The one place interest is set and cleared: WRITE while bytes are queued, or when the
     * protocol has more to do once the socket can take more (work the turn could not finish, bytes
     * left waiting in the kernel); READ when it asks for it.
     */
    public void interest(boolean read, boolean whenWritable) throws IOException {
        io.interest(read, whenWritable);
    }

    /** Drops the write queue, telling each segment's owner, and lets go of what the stream holds (the connection is closing). */
    void release() {
        out.clear();
        io.close();
    }
}
