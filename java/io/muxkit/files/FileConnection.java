package io.muxkit.files;

import java.io.IOException;
import java.util.Arrays;

import io.muxkit.ffi.NativeIOException;
import io.muxkit.http.HeadFramer;
import io.muxkit.http.HttpRequest;
import io.muxkit.tcp.Connection;
import io.muxkit.tcp.Connections;

/**
 * One HTTP peer of the file server: its stream, and its state split as hyper's conn.rs splits it,
 * a reading side (the next head, an upload's body) and a writing side (the response). What it
 * buffers is bounded: the input holds at most {@link #HEAD_CAP} bytes of request heads (one head,
 * or several pipelined), or {@link #BODY_CAP} bytes of an upload's body on their way to the file;
 * a peer whose pipelined requests fill that is not read until its response is out.
 */
final class FileConnection extends Connection {
    /** What the reading side is doing. */
    enum Reading {
        /** Waiting for the next request head. */
        HEAD,
        /** Reading an upload's body ({@link #upload}). */
        BODY,
        /** The request is read; the next head waits until its response is out. */
        DONE,
        /** The last response is out and our side is shut: the peer's bytes are dropped until it closes. */
        LINGERING
    }

    /** What the writing side is doing. */
    enum Writing {
        /** No response yet: none asked, or the request waits for a worker (a listing) or the loop's next wait. */
        IDLE,
        /** The response is queued on the stream; once it is out, the next request may start. */
        RESPONSE
    }

    /**
     * After a response that closes the connection, its input is still read (and dropped) for up
     * to this long, or this many bytes, as nginx's lingering close does: closing a socket with
     * unread input makes the kernel send RST, which can destroy the response on its way.
     */
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final long LINGER_BYTES = 256 * 1024;
    /**
     * After refusing an upload, its body is read and dropped for longer (nginx's lingering_time,
     * 30 s) and up to its declared length, or --max-upload bytes when it declared none: a client
     * that sends its whole body before it reads then gets the refusal, not EPIPE.
     */
    private static final long REFUSED_BODY_NANOS = 30_000_000_000L;
    /** Bytes one turn drops at most: a fast sender cannot hold the loop (see FileProtocol.TURN_BYTES). */
    private static final long DROP_TURN_BYTES = 2 << 20;
    /** One head of the largest size allowed, and a byte to see it is too large. */
    static final int HEAD_CAP = HttpRequest.MAX_HEAD + 1;
    static final int BODY_CAP = 64 * 1024;
    /**
     * Requests one turn may start (a listing counts as many): a peer pipelining requests cannot
     * hold the loop; with more to do, it keeps WRITE interest and gets another turn at the next wait.
     */
    static final int TURN_REQUESTS = 16;

    // ---- the reading side ----
    Reading reading = Reading.HEAD;
    final HeadFramer framer = new HeadFramer();
    byte[] in = new byte[2048];     // received, not yet consumed
    int inLen;
    long headStartNanos;            // when the first byte of the current head arrived, 0 when none has
    long readBatch = -1;            // the loop's batch of the last read from the socket
    Upload upload;                  // BODY: the PUT body being received, or null
    int turnRequests;               // requests this turn may still start
    long lingerUntilNanos;          // LINGERING: closed at this time whatever the peer does
    long lingerBytes;               // LINGERING: bytes dropped so far
    private long lingerMaxBytes = LINGER_BYTES;
    private long lingerNanos = LINGER_NANOS;

    // ---- the writing side ----
    Writing writing = Writing.IDLE;
    HttpRequest request;            // the request being answered, null before one was read
    boolean closeAfterResponse;

    FileConnection(Connections<FileConnection> loop, int fd) {
        super(loop, fd);
    }

    /** A turn may also start at most {@link #TURN_REQUESTS} requests. */
    @Override
    public void newTurn() {
        super.newTurn();
        turnRequests = TURN_REQUESTS;
    }

    /** How many more bytes the input may take now. */
    int room() {
        return (reading == Reading.BODY ? BODY_CAP : HEAD_CAP) - inLen;
    }

    /** Reads what the stream gives into the input, as much as it has room for; batch: the loop's now. */
    void readInput(long batch) throws NativeIOException {
        for (int n; (n = read(room())) > 0; ) {
            if (inLen + n > in.length) in = Arrays.copyOf(in, Math.min(Math.max(inLen + n, in.length * 2), BODY_CAP));
            input().get(inputAt(), in, inLen, n);
            inLen += n;
            readBatch = batch;
            if (reading == Reading.HEAD && headStartNanos == 0) headStartNanos = lastActiveNanos();
        }
    }

    void consume(int n) {
        System.arraycopy(in, n, in, 0, inLen - n);
        inLen -= n;
        if (inLen == 0 && in.length > HEAD_CAP) in = new byte[2048];  // give back what a body needed
    }

    /** A response is queued: the request is read, whatever was left of it. */
    void responding() {
        reading = Reading.DONE;
        writing = Writing.RESPONSE;
    }

    /** The response is out: on to the next request. */
    void responseDone() {
        reading = Reading.HEAD;
        writing = Writing.IDLE;
        request = null;
        headStartNanos = inLen > 0 ? System.nanoTime() : 0;
    }

    /**
     * Shuts our side after the last response; the peer's bytes are then read and dropped until it
     * closes, or until the sweep after the linger time. True when it is time to close already.
     */
    boolean linger() throws IOException {
        shutdownOutput();
        reading = Reading.LINGERING;
        lingerUntilNanos = System.nanoTime() + lingerNanos;
        inLen = 0;
        if (dropInput()) return true;
        interest(true, false);
        return false;
    }

    /** The response refuses an upload whose body may still come, of at most bodyBytes: the lingering close waits for it. */
    void refusedBody(long bodyBytes) {
        lingerMaxBytes = Math.max(LINGER_BYTES, bodyBytes);
        lingerNanos = REFUSED_BODY_NANOS;
    }

    /** Reads and drops the peer's bytes; true when it is time to close (the peer closed, or sent too much). */
    boolean dropInput() throws NativeIOException {
        lingerBytes += discard(Math.min(lingerMaxBytes - lingerBytes, DROP_TURN_BYTES - 1) + 1);  // (no overflow at a length of 2^63 - 1)
        return peerClosed() || lingerBytes > lingerMaxBytes;
    }

    /** The request waits for a worker or for the loop's next wait. */
    boolean waiting() {
        return reading == Reading.DONE && writing == Writing.IDLE;
    }
}
