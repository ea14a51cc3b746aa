package io.muxkit.files;

import java.util.Arrays;

import io.muxkit.http.HttpRequest;

/** One HTTP peer of the file server: bytes in, the response going out, an upload in progress. */
final class FileConnection {
    enum State { HEAD, BODY, RESPONDING }

    final int fd;
    State state = State.HEAD;
    long lastActiveNanos;
    long headStartNanos;           // when the first byte of the current head arrived, 0 when none has

    byte[] in = new byte[2048];     // received, not yet consumed
    int inLen;

    byte[] out;                     // response head (and small bodies) not yet written
    int outOff;
    int bodyFd = -1;                // file being sent with sendfile
    long bodyOffset, bodyEnd;
    boolean closeAfterResponse;

    HttpRequest request;            // the request being served
    Upload upload;                  // the PUT body being received, or null

    FileConnection(int fd, long now) {
        this.fd = fd;
        this.lastActiveNanos = now;
    }

    void append(byte[] src, int n) {
        if (inLen + n > in.length) in = Arrays.copyOf(in, Math.max(inLen + n, in.length * 2));
        System.arraycopy(src, 0, in, inLen, n);
        inLen += n;
    }

    void consume(int n) {
        System.arraycopy(in, n, in, 0, inLen - n);
        inLen -= n;
        if (inLen == 0 && in.length > 65536) in = new byte[2048];  // give back what a large body needed
    }

    boolean sending() {
        return out != null || bodyFd >= 0;
    }
}
