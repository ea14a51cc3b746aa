package io.muxkit.http;

import java.io.IOException;

/**
 * Incremental decoder of a chunked request body (RFC 9112 section 7.1), fed whatever bytes have
 * arrived. Bad framing is a 400 that closes the connection: a bare LF or CR anywhere in the
 * framing, control characters in an extension or the trailer, and more than
 * {@link #MAX_EXTENSIONS} bytes of chunk extensions or {@link #MAX_TRAILER} bytes of trailer per
 * body (a peer must not make the server read gigabytes of framing for a 1-byte body).
 */
public final class ChunkedDecoder {
    /** Chunk extensions, over every chunk of one body. */
    public static final int MAX_EXTENSIONS = 4096;
    /** The trailer section, every field line of it. */
    public static final int MAX_TRAILER = 8192;

    /** Receives each run of body bytes as an offset and length into the array given to feed(). */
    public interface Sink {
        void data(int offset, int length) throws HttpError, IOException;
    }

    private enum State { SIZE, SIZE_EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, DONE }

    private State state = State.SIZE;
    private long remaining;
    private int sizeDigits;
    private int extensionBytes, trailerBytes, trailerLineLength;

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
                        if (++sizeDigits > 32) throw bad("chunk size longer than 32 digits");  // leading zeros are allowed
                        if (remaining > 1L << 55) throw bad("chunk size too large");
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
                    else if (isControl(c)) throw bad("control character in a chunk extension");
                    else if (++extensionBytes > MAX_EXTENSIONS) throw bad("chunk extensions longer than " + MAX_EXTENSIONS + " bytes");
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
                    // a bare LF here would end the trailer for some parsers and not for others: the
                    // next pipelined request must never be swallowed as a trailer field
                    if (c == '\r') state = State.TRAILER_LF;
                    else if (isControl(c)) throw bad("control character (bare LF, NUL, ...) in the trailer");
                    else if (++trailerBytes > MAX_TRAILER) throw bad("trailer longer than " + MAX_TRAILER + " bytes");
                    else trailerLineLength++;
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

    /** Controls other than HTAB (RFC 9110 5.5), CR and LF among them: the framing handles those itself. */
    private static boolean isControl(byte c) {
        return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
    }

    private static HttpError bad(String why) {
        return new HttpError(400, "bad chunked body: " + why, true);
    }
}
