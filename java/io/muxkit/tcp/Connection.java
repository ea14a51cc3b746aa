package io.muxkit.tcp;

import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;

/**
 * One accepted TCP connection as a byte stream, modelled on libuv's stream.c and hyper's io.rs:
 * reads within a turn's budget, one {@link WriteQueue}, WRITE interest set and cleared here only,
 * the peer's half-close and the last activity. Protocols parse and decide; only this class reads
 * and writes the socket. A protocol keeps its own state in a subclass; {@link Connections} holds
 * them by fd and closes them with the counts right. A turn is what one readiness event may do
 * before the loop's other connections get theirs ({@link #newTurn}).
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
    private final WriteQueue out = new WriteQueue();
    private long lastActiveNanos;
    private boolean peerClosed;
    private int readsLeft;
    private boolean drained;  // a read of this turn found the socket empty
    long turnBytes;           // what this turn may still send (WriteQueue spends it)

    protected Connection(Connections<?> loop, int fd) {
        this.loop = loop;
        this.fd = fd;
        this.lastActiveNanos = System.nanoTime();
        this.readsLeft = READS_PER_TURN;
        this.turnBytes = loop.turnBytes;
    }

    /** A readiness event (or a worker's outcome): the budgets of a turn start again. */
    public void newTurn() {
        readsLeft = READS_PER_TURN;
        drained = false;
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

    // ---- reading ----

    /**
     * Reads at most max bytes into {@link Connections#readBuffer()}: how many, or 0 when there
     * is nothing more this turn (the socket is empty, the peer closed: see {@link #peerClosed()},
     * or the turn's reads are spent). A short read means the socket is empty: the next call
     * returns 0 without asking the kernel.
     */
    public int read(int max) throws NativeIOException {
        return receive(max, false);
    }

    /** {@link #read} that leaves the bytes in the socket (MSG_PEEK), for {@link #take} to take later. */
    public int peek(int max) throws NativeIOException {
        return receive(max, true);
    }

    private int receive(int max, boolean peek) throws NativeIOException {
        if (drained || peerClosed || readsLeft <= 0 || max <= 0) return 0;
        readsLeft--;
        countIo();
        NativeBuffer buf = loop.readBuffer();
        int want = Math.min(max, (int) buf.size());
        int n = peek ? Fds.peek(fd, buf, want) : Fds.read(fd, buf, want);
        if (n == Native.AGAIN) {
            drained = true;
            return 0;
        }
        if (n == 0) {
            peerClosed = true;
            return 0;
        }
        if (n < want) drained = true;
        if (!peek) active();
        return n;
    }

    /**
     * Takes n bytes a peek showed out of the socket, dropping them. They are queued there, so only a
     * short read (or an injected EAGAIN) makes this take more than one read; if a turn's reads do
     * not take them all, the stream cannot be kept whole (the rest would be echoed twice), so it
     * fails with that EAGAIN and the caller closes the connection.
     */
    public void take(int n) throws NativeIOException {
        int taken = 0;
        for (int tries = 0; taken < n && tries < READS_PER_TURN; tries++) {
            countIo();
            int r = Fds.read(fd, loop.readBuffer(), n - taken);
            if (r > 0) taken += r;
        }
        if (taken < n) throw new NativeIOException("read", fd, Native.EAGAIN);
        active();
    }

    /** Reads and drops what the peer sends until the socket is empty or more than max bytes went; how many went. */
    public long discard(long max) throws NativeIOException {
        long dropped = 0;
        while (dropped < max) {
            countIo();
            int n = Fds.read(fd, loop.readBuffer(), (int) loop.readBuffer().size());
            if (n == Native.AGAIN) break;
            if (n == 0) {
                peerClosed = true;
                break;
            }
            dropped += n;
        }
        return dropped;
    }

    // ---- writing ----

    /** Whether bytes wait in the write queue. */
    public boolean hasQueued() {
        return !out.isEmpty();
    }

    /** Bytes in the write queue. */
    public long queuedBytes() {
        return out.bytes();
    }

    /**
     * Writes src[offset, offset + n) now, as much as the socket takes, when nothing is queued before
     * it (libuv's try-write); what is left is copied into a buffer of the loop's pool and queued.
     * The caller checks first that the pool has a buffer ({@link BufferPool#available()}) or that
     * bytes wait in one already, with room for n more.
     */
    public void write(NativeBuffer src, long offset, int n) throws NativeIOException {
        int written = out.isEmpty() ? tryWrite(src, offset, n) : 0;
        if (written < n) out.copy(src, offset + written, n - written, loop.pool);
    }

    /** Writes src[offset, offset + n) now, nothing queued: the bytes the socket took (0 when it is full). */
    public int tryWrite(NativeBuffer src, long offset, int n) throws NativeIOException {
        countIo();
        int w = Math.max(0, Fds.write(fd, src, offset, n));
        if (w > 0) active();
        return w;
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
        return out.isEmpty() || out.flush(this, loop);
    }

    /** Sends FIN after what the kernel holds (shutdown(SHUT_WR)); reading goes on. */
    public void shutdownOutput() throws NativeIOException {
        Sockets.shutdownOutput(fd);
    }

    /**
     * The one place WRITE interest is set and cleared: WRITE while bytes are queued, or when the
     * protocol has more to do once the socket is writable (work the turn could not finish, bytes
     * left waiting in the kernel); READ when it asks for it.
     */
    public void interest(boolean read, boolean whenWritable) throws IOException {
        loop.server.loop().setInterest(fd, (read ? READ : 0) | (whenWritable || !out.isEmpty() ? WRITE : 0));
    }

    /** Drops the write queue, telling each segment's owner (the connection is closing). */
    void release() {
        out.clear();
    }
}
