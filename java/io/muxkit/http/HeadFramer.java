package io.muxkit.http;

import java.util.Arrays;

/**
 * Finds request heads in the bytes a connection has received (RFC 9112 section 2.2) and parses
 * them, without I/O: {@link #frame} gives a request, null for "more bytes are needed", or an
 * {@link HttpError} when no request can come of these bytes. What is refused is refused as soon
 * as it shows (TLS, binary garbage, a bare LF, a line or head past its limit), not after the idle
 * timeout. One per connection: it remembers how far the current head was searched, so a head
 * that trickles in a byte at a time is searched once, not once per byte.
 */
public final class HeadFramer {
    private boolean leadingLineSkipped;  // the current head's optional empty line was looked for
    private int searched;                // head bytes [0, searched) hold no end of the head
    private int lineEnd = -1;            // the CR ending the request line, once it has arrived
    private int consumed;

    /**
     * Frames the head at the start of in[0, len). Afterwards the caller drops {@link #consumed()}
     * bytes from the front of its buffer: the head returned (and an empty line before it), or,
     * with null, only such an empty line.
     *
     * @return the request, or null when its head is not complete yet
     * @throws HttpError 400 for what cannot be a request, 414 or 431 for a line or head too long,
     *                   and whatever {@link HttpRequest#parse} refuses; the bytes are not to be trusted after it
     */
    public HttpRequest frame(byte[] in, int len) throws HttpError {
        consumed = 0;
        if (!leadingLineSkipped) {
            if (len == 1 && in[0] == '\r') return null;  // perhaps the empty line a request may follow
            consumed = HttpRequest.leadingEmptyLine(in, len);  // one empty line before a request is ignored
            leadingLineSkipped = true;
        }
        int from = consumed;
        try {
            byte[] head = from == 0 ? in : Arrays.copyOfRange(in, from, len);
            int headLen = len - from;
            HttpRequest.checkStart(head, headLen);
            int headLength = HttpRequest.headLength(head, searched - 3, headLen);  // (the end may straddle what was searched)
            if (lineEnd < 0) lineEnd = requestLineEnd(head, searched - 1, headLen);
            if (headLength < 0) {
                searched = headLen;
                HttpError tooLong = tooLong(lineEnd, headLen);
                if (tooLong != null) throw tooLong;
                return null;
            }
            if (lineEnd > HttpRequest.MAX_REQUEST_LINE)
                throw new HttpError(414, "request line longer than " + HttpRequest.MAX_REQUEST_LINE + " bytes", true);
            if (headLength > HttpRequest.MAX_HEAD)
                throw new HttpError(431, "request head longer than " + HttpRequest.MAX_HEAD + " bytes", true);
            HttpRequest r = HttpRequest.parse(head, headLength);
            consumed += headLength;
            nextHead();
            return r;
        } catch (HttpError e) {
            nextHead();
            throw e;
        }
    }

    private void nextHead() {
        leadingLineSkipped = false;
        searched = 0;
        lineEnd = -1;
    }

    /** Bytes to drop from the front of the buffer after the last {@link #frame}. */
    public int consumed() {
        return consumed;
    }

    /** An incomplete head that is already too long: 414 for the request line, 431 for the rest; else null. */
    private static HttpError tooLong(int lineEnd, int len) {
        if (lineEnd > HttpRequest.MAX_REQUEST_LINE || (lineEnd < 0 && len > HttpRequest.MAX_REQUEST_LINE))
            return new HttpError(414, "request line longer than " + HttpRequest.MAX_REQUEST_LINE + " bytes", true);
        if (len > HttpRequest.MAX_HEAD)
            return new HttpError(431, "request head longer than " + HttpRequest.MAX_HEAD + " bytes", true);
        return null;
    }

    /** Index of the CR ending the request line, searching from `from`, or -1 if it has not arrived. */
    private static int requestLineEnd(byte[] in, int from, int len) {
        for (int i = Math.max(0, from); i + 1 < len; i++) if (in[i] == '\r' && in[i + 1] == '\n') return i;
        return -1;
    }
}
