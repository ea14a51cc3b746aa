package io.muxkit.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The keep-alive mode frames responses as the one-shot mode does: one parser, one Response. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpConnectionTest {
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n";
    private static final String ODD_HEAD_END = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\r\n\r\nok";
    private static final String NO_BODY = "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n";
    private static final String UNTIL_CLOSE = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\ncontent-length: 5\r\n\r\nx"
            + "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe rest";

    @Test
    void aResponseAtATimeIsWhatTheWholeStreamParsesTo() throws Exception {
        String stream = CHUNKED + ODD_HEAD_END + NO_BODY + UNTIL_CLOSE;
        List<RawHttp.Response> whole = RawHttp.parse(stream.getBytes(StandardCharsets.ISO_8859_1), false, false).responses();
        assertEquals(5, whole.size());
        try (CannedServer server = new CannedServer(stream, true); HttpConnection http = new HttpConnection(server.port())) {
            for (RawHttp.Response want : whole) {
                RawHttp.Response got = http.read(false);
                assertEquals(want.head(), got.head());
                assertEquals(want.headers(), got.headers());
                assertArrayEquals(want.body(), got.body());
            }
            assertThrows(IOException.class, () -> http.read(false), "nothing after the close");
        }
        assertEquals("abcde", whole.get(0).text(), "dechunked, its trailer dropped");
        assertEquals("ok", whole.get(1).text(), "a head ending \\r\\r\\n\\r\\n");
        assertEquals("", whole.get(2).text(), "no body for a 304");
        assertEquals("1", whole.get(3).header("Content-Length"), "the first of a header");
        assertEquals("the rest", whole.get(4).text(), "neither length nor chunks: up to the close");
        assertEquals("HTTP/1.1 304 Not Modified", whole.get(2).statusLine());
    }

    @Test
    void aCutResponseIsAnIOException() throws Exception {
        try (CannedServer server = new CannedServer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true);
             HttpConnection http = new HttpConnection(server.port())) {
            assertThrows(IOException.class, () -> http.read(false));
        }
        try (CannedServer server = new CannedServer(CHUNKED.substring(0, CHUNKED.length() - 4), true);
             HttpConnection http = new HttpConnection(server.port())) {
            assertThrows(IOException.class, () -> http.read(false));
        }
    }

    @Test
    void aHeadsResponseHasNoBodyAndTheNextFollows() throws Exception {
        try (CannedServer server = new CannedServer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n" + ODD_HEAD_END, false);
             HttpConnection http = new HttpConnection(server.port())) {
            assertEquals("4", http.read(true).header("content-length"));
            assertEquals("ok", http.read(false).text());
        }
    }

    /** Sends its bytes to its one client, then, closing, half-closes and waits for the client's close (no reset). */
    private static final class CannedServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread thread;

        CannedServer(String bytes, boolean close) throws IOException {
            thread = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
                    if (close) s.shutdownOutput();
                    s.getInputStream().readAllBytes();
                } catch (IOException ignored) {
                    // the test's assertions say what went wrong
                }
            });
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            listener.close();
            thread.join(10_000);
        }
    }
}
