package io.muxkit.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.muxkit.loop.Loops;
import io.muxkit.ring.RingSetup;
import io.muxkit.tcp.ListenConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
     * gets another's bytes, and the closed ones see their end.
     */
    @Test
    void closesWithRecvsInFlightNeverHandAReusedFdAnothersBytes() throws Exception {
        EchoServer.Config config = new EchoServer.Config(ListenConfig.local(0).withIdleTimeout(30), 256 * 1024);
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
                                    assertEquals(-1, readOrReset(in), "peer " + id + ": nothing more, then the server's close");
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

    /** -1 at the end of the stream, as at a reset (the server closes an idle peer that sent nothing more: a FIN). */
    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
