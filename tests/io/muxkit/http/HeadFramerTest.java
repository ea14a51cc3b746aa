package io.muxkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Head framing without a socket: need-more, a head, or an HttpError, as the bytes arrive. */
class HeadFramerTest {
    private static final String GET = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aWholeHeadIsParsedAndConsumed() throws HttpError {
        HeadFramer f = new HeadFramer();
        byte[] in = bytes(GET + "GET /b");
        HttpRequest r = f.frame(in, in.length);
        assertEquals("/a", r.target());
        assertEquals(GET.length(), f.consumed(), "the head only: the pipelined bytes after it stay");
    }

    @Test
    void aHeadArrivingByteByByteNeedsMoreUntilItsEmptyLine() throws HttpError {
        HeadFramer f = new HeadFramer();
        byte[] in = bytes(GET);
        for (int len = 1; len < in.length; len++) {
            assertNull(f.frame(in, len), "incomplete at " + len + " bytes");
            assertEquals(0, f.consumed());
        }
        assertEquals("/a", f.frame(in, in.length).target());
    }

    @Test
    void oneEmptyLineBeforeARequestIsDropped() throws HttpError {
        HeadFramer f = new HeadFramer();
        byte[] cr = bytes("\r");
        assertNull(f.frame(cr, 1), "a lone CR may begin that empty line");
        byte[] in = bytes("\r\n" + GET);
        assertNull(f.frame(in, 2));
        assertEquals(2, f.consumed(), "the empty line goes at once");
        byte[] rest = bytes(GET);
        assertEquals("/a", f.frame(rest, rest.length).target());
        assertEquals(GET.length(), f.consumed());
        HeadFramer whole = new HeadFramer();
        assertEquals("/a", whole.frame(in, in.length).target());
        assertEquals(2 + GET.length(), whole.consumed());
    }

    @Test
    void whatCannotBeARequestIsRefusedAtOnce() {
        assertEquals(400, refused(new byte[] { 0x16, 0x03, 0x01 }).status, "a TLS ClientHello");
        assertEquals(400, refused(bytes("GET / HTTP/1.1\nHost")).status, "a bare LF");
        assertEquals(400, refused(bytes("\r\n\r\nGET")).status, "a second empty line");
        assertEquals(505, refused(bytes("GET / HTTP/2.0\r\nHost: x\r\n\r\n")).status);
    }

    @Test
    void linesAndHeadsPastTheirLimitsAreRefusedBeforeTheyEnd() {
        byte[] line = bytes("GET /" + "a".repeat(HttpRequest.MAX_REQUEST_LINE) + " HTTP/1.1");
        HttpError e = refused(line);
        assertEquals(414, e.status);
        assertEquals(true, e.close);
        byte[] head = bytes("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpRequest.MAX_HEAD) + "\r\n");
        assertEquals(431, refused(head).status);
        byte[] whole = bytes("GET / HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(HttpRequest.MAX_HEAD) + "\r\n\r\n");
        assertEquals(431, refused(whole).status, "complete, but too long");
    }

    @Test
    void afterARefusalTheNextHeadIsFramedAfresh() throws HttpError {
        HeadFramer f = new HeadFramer();
        assertThrows(HttpError.class, () -> f.frame(bytes("\u0001"), 1));
        byte[] in = bytes("\r\n" + GET);
        assertEquals("/a", f.frame(in, in.length).target(), "its empty line is looked for again");
    }

    private static HttpError refused(byte[] in) {
        return assertThrows(HttpError.class, () -> new HeadFramer().frame(in, in.length));
    }

    /** What it remembers of a trickling head (how far it searched) changes no verdict: a late bare LF, a line grown too long, then a fresh head. */
    @Test
    void aTricklingHeadIsJudgedAsAWholeOneIs() throws HttpError {
        HeadFramer f = new HeadFramer();
        byte[] bareLf = bytes("GET /a HTTP/1.1\r\nHost: x\nX: y\r\n\r\n");
        HttpError e = null;
        for (int len = 1; len <= bareLf.length && e == null; len++) {
            try {
                assertNull(f.frame(bareLf, len));
            } catch (HttpError refused) {
                e = refused;
            }
        }
        assertEquals(400, e == null ? -1 : e.status, "the bare LF is refused when it arrives");
        byte[] longLine = bytes("GET /" + "a".repeat(HttpRequest.MAX_REQUEST_LINE) + " HTTP/1.1\r\n\r\n");
        e = null;
        for (int len = 1; len <= longLine.length && e == null; len++) {
            try {
                assertNull(f.frame(longLine, len));
            } catch (HttpError refused) {
                e = refused;
            }
        }
        assertEquals(414, e == null ? -1 : e.status);
        byte[] in = bytes(GET);
        for (int len = 1; len < in.length; len++) assertNull(f.frame(in, len));
        assertEquals("/a", f.frame(in, in.length).target(), "after a refusal, a new head is searched from its start");
    }
}
