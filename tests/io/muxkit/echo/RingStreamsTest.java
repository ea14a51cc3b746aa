package io.muxkit.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.muxkit.files.FileServer;
import io.muxkit.loop.Loops;
import io.muxkit.ring.RingSetup;
import io.muxkit.tcp.ListenConfig;
import io.muxkit.testing.FileServerFixture;
import io.muxkit.testing.Peers;
import io.muxkit.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The completion path where it differs from readiness: its shared buffer ring, and closes with requests in flight. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RingStreamsTest {
    /**
     * 16 buffers of 256 bytes for 8 peers that each stream 256 KiB both ways at once: the recvs run
     * out of buffers (-ENOBUFS ends them) again and again, are armed again when buffers come back,
     * and every byte comes back in order.
     */
    @Test
    void moreInFlightThanTheRingHoldsLosesNoByte() throws Exception {
        Loops tiny = Loops.completion(new RingSetup(64, 1024, 16, 256), null);
        try (EchoServer server = new EchoServer(EchoServer.Config.defaults(0), tiny, System.err).start()) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int peer = 0; peer < 8; peer++) {
                    byte[] data = new byte[256 * 1024];
                    new Random(peer).nextBytes(data);
                    Socket s = new Socket("127.0.0.1", server.port());
                    done.add(pool.submit(() -> {
                        OutputStream out = s.getOutputStream();  // (closing it would close the socket: the reader does)
                        for (int at = 0; at < data.length; at += 16 * 1024) out.write(data, at, 16 * 1024);
                        s.shutdownOutput();
                        return null;
                    }));
                    done.add(pool.submit(() -> {
                        try (s; InputStream in = s.getInputStream()) {
                            assertArrayEquals(data, in.readNBytes(data.length), "every byte, in order");
                            assertEquals(-1, in.read(), "then the server's close");
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get(100, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertTrue(server.stats().recvsOutOfBuffers() > 0, "the ring ran out of buffers: " + server.stats().summary());
        }
    }

    /**
     * The server closes idle connections while their multishot recvs are armed, as peers that
     * connect, echo a message of their own and leave take the fd numbers that frees: no peer ever
     * gets another's bytes, and the closed ones see their end. (Idle after 250 ms: a busy machine
     * can hold a peer's first bytes for tens of milliseconds, and a peer that is not idle must not
     * be closed as one.)
     */
    @Test
    void closesWithRecvsInFlightNeverHandAReusedFdAnothersBytes() throws Exception {
        EchoServer.Config config = new EchoServer.Config(ListenConfig.local(0).withIdleTimeout(250), 256 * 1024);
        try (EchoServer server = new EchoServer(config, io.muxkit.testing.Io.COMPLETION.loops(), System.err).start()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                List<Future<Integer>> peers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int id = t;
                    peers.add(pool.submit(() -> {
                        int rounds = 0;
                        for (Random random = new Random(id); System.nanoTime() < deadline; rounds++) {
                            boolean idle = id % 2 == 0;  // half wait to be closed while their recv is armed
                            try (Socket s = new Socket("127.0.0.1", server.port())) {
                                byte[] mine = new byte[64];
                                random.nextBytes(mine);
                                mine[0] = (byte) id;
                                s.getOutputStream().write(mine);
                                InputStream in = s.getInputStream();
                                assertArrayEquals(mine, in.readNBytes(64), "peer " + id + " got its own bytes back");
                                if (idle) {
                                    s.setSoTimeout(10_000);
                                    assertEquals(-1, Peers.readOrReset(in), "peer " + id + ": nothing more, then the server's close");
                                }
                            }
                        }
                        return rounds;
                    }));
                }
                int rounds = 0;
                for (Future<Integer> f : peers) rounds += f.get(60, TimeUnit.SECONDS);
                assertTrue(rounds > 50, rounds + " connections");
            } finally {
                pool.shutdownNow();
            }
            assertTrue(server.stats().idleClosed() > 0, server.stats().summary());
        }
    }

    /**
     * Peers that pipeline GETs of a 50 KB file and never read stop the server reading them; then
     * what each sent moves out of the ring (at most 64 KiB each), so 16 of them pin none of a ring
     * of 128 buffers of 4 KiB, and a fresh client is answered at once. (They once kept every buffer,
     * each recv armed again for 64 KiB more than what sat unread in the ring, and the fresh
     * client's recv waited, out of buffers.)
     */
    @Test
    void peersThatNeverReadPinNoneOfTheRing(@TempDir Path root) throws Exception {
        Files.write(root.resolve("big"), new byte[50_000]);
        Files.writeString(root.resolve("small"), "hello");
        Loops small = Loops.completion(new RingSetup(256, 1024, 128, 4096), null);
        try (FileServer server = FileServerFixture.serving(root).idleTimeout(60_000).uploads(false, 0).start(small, System.err)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            byte[] request = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            List<SocketChannel> stuck = new ArrayList<>();
            try (Selector selector = Selector.open()) {
                for (int peer = 0; peer < 16; peer++) {
                    SocketChannel ch = SocketChannel.open();
                    stuck.add(ch);
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
                    ch.connect(address);
                    ch.configureBlocking(false);
                    ByteBuffer requests = ByteBuffer.allocate(request.length * 50_000);
                    while (requests.hasRemaining()) requests.put(request);
                    ch.register(selector, SelectionKey.OP_WRITE, requests.flip());
                }
                // all at once, until all is sent or the server takes no more: none writable for 300 ms
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (selector.select(300) > 0 && System.nanoTime() < deadline) {
                    for (SelectionKey key : selector.selectedKeys()) {
                        ByteBuffer requests = (ByteBuffer) key.attachment();
                        ((SocketChannel) key.channel()).write(requests);
                        if (!requests.hasRemaining()) key.cancel();
                    }
                    selector.selectedKeys().clear();
                }
            }
            try {
                String answer = RawHttp.untilClose(server.port(), "GET /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 20_000);
                assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("hello"), answer);
            } finally {
                for (SocketChannel ch : stuck) ch.close();
            }
        }
    }
}
