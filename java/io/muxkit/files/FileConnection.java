package io.muxkit.files;

import java.util.Arrays;

import io.muxkit.http.HttpRequest;

/**
 * One HTTP peer of the file server: bytes in, the response going out, an upload in progress.
 * What it buffers is bounded: the input holds at most {@link #HEAD_CAP} bytes of request heads
 * (one head, or several pipelined), or {@link #BODY_CAP} bytes of an upload's body on their way to
 * the file; a peer whose pipelined requests fill that is not read until its response is out.
 */
final class FileConnection {
    /**
     * WAITING: the request waits for a worker (a listing) or for the next wait of the loop (a GET
     * read in this batch, with a file cache); LINGERING: the last response is out and our side is
     * shut, the peer's bytes are read and dropped until it closes.
     */
    enum State { HEAD, BODY, WAITING, RESPONDING, LINGERING }

    /** One head of the largest size allowed, and a byte to see it is too large. */
    static final int HEAD_CAP = HttpRequest.MAX_HEAD + 1;
    static final int BODY_CAP = 64 * 1024;

    final int fd;
    State state = State.HEAD;
    long lastActiveNanos;
    long headStartNanos;           // when the first byte of the current head arrived, 0 when none has
    long readBatch = -1;           // the loop's batch of the last read from the socket

    byte[] in = new byte[2048];     // received, not yet consumed
    int inLen;

    byte[] out;                     // response head (and small bodies) not yet written
    int outOff;
    FileCache.Entry cached;         // a stored response being sent, [cachedOffset, cachedEnd) of it
    int cachedOffset, cachedEnd;
    int bodyFd = -1;                // file being sent with sendfile
    FileCache.Entry bodyEntry;      // the cache entry bodyFd belongs to, or null when the fd is the connection's
    long bodyOffset, bodyEnd;
    boolean closeAfterResponse;

    HttpRequest request;            // the request being served
    Upload upload;                  // the PUT body being received, or null
    boolean startChecked;           // the current head's first bytes can begin a request
    long lingerUntilNanos;          // LINGERING: closed at this time whatever the peer does
    long lingerBytes;               // LINGERING: bytes dropped so far
    boolean peerDone;               // the peer closed its side: no more reading
    int turnRequests;               // what this turn (one readiness event) may still start and send
    long turnBytes;

    FileConnection(int fd, long now) {
        this.fd = fd;
        this.lastActiveNanos = now;
    }

    /** How many more bytes the input may take now. */
    int room() {
        return (state == State.BODY ? BODY_CAP : HEAD_CAP) - inLen;
    }

    /** Appends src[0, n); the caller keeps n <= room(). */
    void append(byte[] src, int n) {
        if (inLen + n > in.length) in = Arrays.copyOf(in, Math.min(Math.max(inLen + n, in.length * 2), BODY_CAP));
        System.arraycopy(src, 0, in, inLen, n);
        inLen += n;
    }

    void consume(int n) {
        System.arraycopy(in, n, in, 0, inLen - n);
        inLen -= n;
        if (inLen == 0 && in.length > HEAD_CAP) in = new byte[2048];  // give back what a body needed
    }

    boolean sending() {
        return out != null || cached != null || bodyFd >= 0;
    }
}
