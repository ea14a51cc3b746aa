package io.muxkit.tcp;

import java.util.function.Consumer;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.loop.EventLoop;
import io.muxkit.loop.FdTable;
import io.muxkit.loop.Handler;

/**
 * One loop's connections of one protocol, by fd, and what they share: the read buffer, the staging
 * buffer for heap bytes, the pool of copy buffers and the turn's byte budget. Every close goes
 * through here and its {@link Host} (a {@link ServerLoop}, a client), so the write queue is given back
 * and the counts stay right.
 *
 * @param <C> the protocol's connection
 */
public final class Connections<C extends Connection> {
    /**
     * How the connections of a protocol read and write.
     *
     * @param readChunk     the most one read takes
     * @param turnBytes     the most one turn sends (Long.MAX_VALUE: until the socket is full)
     * @param cork          write with send(2), MSG_MORE while more is queued (a head leaves in the
     *                      same segments as the body behind it); else with write(2)
     * @param trackActivity keep each connection's last activity (for the idle sweep: it costs a clock read per call)
     * @param pool          buffers for what a {@link Connection#write} could not send now; null when the protocol never copies
     */
    public record Settings(int readChunk, long turnBytes, boolean cork, boolean trackActivity, BufferPool pool) {}

    /**
     * Whom the connections of one loop answer to: the server loop that accepted them, or a client
     * that connected them. It counts their syscalls and closes their fds (so its counts stay right).
     */
    public interface Host {
        EventLoop loop();

        /** The handler of every connection: a completion loop attaches each fd to it. */
        Handler handler();

        /** A stream made a syscall of its own (a read, a write). */
        void countIo();

        /** The connection on fd is done: the host closes it through its loop. */
        void closeConnection(int fd);

        /** {@link #closeConnection} for a connection closed for being idle. */
        default void closedIdle(int fd) {
            closeConnection(fd);
        }

        /** A line for the host's log. */
        void log(String line);
    }

    final Host server;
    final EventLoop eventLoop;
    final long turnBytes;
    final boolean cork, trackActivity;
    final BufferPool pool;
    final RingIo.Shared ring;  // on a completion loop: what its ring streams share; else null
    private final int readChunk;
    private final FdTable<C> table = new FdTable<>();
    private NativeBuffer readBuffer, staging;

    public Connections(Host server, Settings settings) {
        this.server = server;
        this.eventLoop = server.loop();
        this.readChunk = settings.readChunk();
        this.turnBytes = settings.turnBytes();
        this.cork = settings.cork();
        this.trackActivity = settings.trackActivity();
        this.pool = settings.pool();
        this.ring = eventLoop.ring() != null ? new RingIo.Shared(eventLoop.ring()) : null;
        if (ring == null) this.readBuffer = NativeMemory.allocate(readChunk);  // a completion loop reads in the ring's buffers
    }

    /** Recvs the kernel ended for want of a buffer, and armed again when buffers came back (0 on readiness). */
    public long recvsOutOfBuffers() {
        return ring == null ? 0 : ring.recvsOutOfBuffers;
    }

    /** The loop these connections run on. */
    public EventLoop loop() {
        return eventLoop;
    }

    /** The buffer every read of this loop's connections goes into, valid until the next read; none on a completion loop (it reads into the ring's buffers). */
    NativeBuffer readBuffer() {
        return readBuffer;
    }

    /** Where heap bytes are copied to be sent: taken at the first, since some protocols never queue any. */
    NativeBuffer staging() {
        if (staging == null) staging = NativeMemory.allocate(readChunk);
        return staging;
    }

    public void add(C c) {
        table.put(c.fd, c);
    }

    /** The connection on fd, or null (closed, or not ours). */
    public C get(int fd) {
        return table.get(fd);
    }

    /** Whether c is still open. */
    public boolean open(C c) {
        return table.get(c.fd) == c;
    }

    /** Calls action on every connection; it may close them. */
    public void forEach(Consumer<C> action) {
        table.forEach(action);
    }

    /** Closes c: its write queue is given back, the loop counts it and closes the fd. */
    public void close(C c) {
        table.remove(c.fd);
        c.release();
        server.closeConnection(c.fd);
    }

    /** {@link #close} for a connection closed for being idle. */
    public void closeIdle(C c) {
        table.remove(c.fd);
        c.release();
        server.closedIdle(c.fd);
    }

    /** Closes every connection whose last activity is before activeSinceNanos. */
    public void closeIdle(long activeSinceNanos) {
        table.forEach(c -> {
            if (c.lastActiveNanos() < activeSinceNanos) closeIdle(c);
        });
    }

    /**
     * Closes every connection and frees the buffers; a second call finds nothing left to do. On a
     * completion loop the requests of the closed connections end first (up to 2 s): the kernel may
     * still read a send's memory until then.
     */
    public void closeAll() {
        table.forEach(this::close);
        if (ring != null) settle();
        if (pool != null) pool.free();
        if (ring != null) ring.free();
        NativeMemory.free(readBuffer);
        NativeMemory.free(staging);
        readBuffer = staging = null;
    }

    private void settle() {
        try {
            eventLoop.settle(2000);
        } catch (java.io.IOException e) {
            server.log("closing: the ring's last completions did not come: " + e.getMessage());
        }
    }
}
