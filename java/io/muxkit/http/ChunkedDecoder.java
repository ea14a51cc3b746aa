package io.muxkit.http;

import java.io.IOException;

/** Incremental decoder of a chunked request body (RFC 9112 section 7.1); bad framing is a 400. */
public final class ChunkedDecoder {
    /** Receives each run of body bytes as an offset and length into the array given to feed(). */
    public interface Sink {
        void data(int offset, int length) throws HttpError, IOException;
    }

    private enum State { SIZE, SIZE_EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, DONE }

    private State state = State.SIZE;
    private long remaining;
    private int sizeDigits;
    private int trailerLineLength;

    public boolean done() {
        return state == State.DONE;
    }

    /** Consumes b[off, off+len); returns how many bytes were used (less than len only once done). */
    public int feed(byte[] b, int off, int len, Sink sink) throws HttpError, IOException {
        int i = off, end = off + len;
        while (i < end && state != State.DONE) {
            byte c = b[i];
            switch (state) {
                case SIZE -> {
                    int d = Character.digit(c, 16);
                    if (d >= 0) {
                        if (++sizeDigits > 15) throw bad("chunk size too long");
                        remaining = remaining * 16 + d;
                    } else if (sizeDigits == 0) {
                        throw bad("chunk size expected");
                    } else if (c == ';' || c == ' ' || c == '\t') {
                        state = State.SIZE_EXT;
                    } else if (c == '\r') {
                        state = State.SIZE_LF;
                    } else {
                        throw bad("bad chunk size");
                    }
                    i++;
                }
                case SIZE_EXT -> {
                    if (c == '\r') state = State.SIZE_LF;
                    else if (c == '\n') throw bad("bare LF after chunk size");
                    i++;
                }
                case SIZE_LF -> {
                    if (c != '\n') throw bad("CRLF expected after chunk size");
                    state = remaining == 0 ? State.TRAILER : State.DATA;
                    trailerLineLength = 0;
                    i++;
                }
                case DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    sink.data(i, n);
                    remaining -= n;
                    i += n;
                    if (remaining == 0) state = State.DATA_CR;
                }
                case DATA_CR -> {
                    if (c != '\r') throw bad("CRLF expected after chunk data");
                    state = State.DATA_LF;
                    i++;
                }
                case DATA_LF -> {
                    if (c != '\n') throw bad("CRLF expected after chunk data");
                    state = State.SIZE;
                    sizeDigits = 0;
                    i++;
                }
                case TRAILER -> {
                    if (c == '\r') state = State.TRAILER_LF;
                    else if (++trailerLineLength > 8192) throw bad("trailer too long");
                    i++;
                }
                case TRAILER_LF -> {
                    if (c != '\n') throw bad("CRLF expected in trailer");
                    state = trailerLineLength == 0 ? State.DONE : State.TRAILER;
                    trailerLineLength = 0;
                    i++;
                }
                default -> throw new IllegalStateException();
            }
        }
        return i - off;
    }

    private static HttpError bad(String why) {
        return new HttpError(400, "bad chunked body: " + why, true);
    }
}
