package io.muxkit.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.testing.Io;
import io.muxkit.tcp.ListenConfig;
import io.muxkit.testing.Multiplexers;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The echo server on every backend and on io_uring completions, driven by plain JDK sockets and by muxkit's own load client. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoServerTest {
    static EchoServer start(Io io, EchoServer.Config config) throws IOException {
        return new EchoServer(config, io.loops(), System.err).start();
    }

    private static SocketChannel connect(int port) throws IOException {
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void twoHundredClientsWithRandomSizesGetEveryByteBack(Io io) throws Exception {
        try (EchoServer server = start(io, EchoServer.Config.defaults(0))) {
            ExecutorService pool = Executors.newFixedThreadPool(200);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    long seed = i;
                    results.add(pool.submit(() -> exchange(server.port(), new Random(seed))));
                }
                long total = 0;
                for (Future<Integer> f : results) total += f.get(100, TimeUnit.SECONDS);
                assertTrue(total > 0);
                assertEquals(200, server.stats().accepted());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Sends a random amount (up to 1 MiB) of random bytes in chunks, checking each echoed chunk. */
    private static int exchange(int port, Random random) throws IOException {
        int size = 1 + random.nextInt(1 << 20);
        try (SocketChannel ch = connect(port)) {
            int done = 0;
            while (done < size) {
                byte[] chunk = new byte[Math.min(size - done, 1 + random.nextInt(64 * 1024))];
                random.nextBytes(chunk);
                ByteBuffer out = ByteBuffer.wrap(chunk);
                while (out.hasRemaining()) ch.write(out);
                ByteBuffer in = ByteBuffer.allocate(chunk.length);
                while (in.hasRemaining()) if (ch.read(in) < 0) throw new IOException("closed early");
                assertArrayEquals(chunk, in.array());
                done += chunk.length;
            }
        }
        return size;
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void aClientThatNeverReadsCannotGrowTheServersBuffer(Io io) throws Exception {
        int cap = 256 * 1024;
        try (EchoServer server = start(io, EchoServer.Config.defaults(0));
             SocketChannel ch = connect(server.port())) {
            ch.configureBlocking(false);
            ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
            long written = 0, target = 50L << 20;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long lastProgress = System.nanoTime();
            while (written < target && System.nanoTime() < deadline) {
                out.clear();
                int n = ch.write(out);
                written += n;
                if (n > 0) lastProgress = System.nanoTime();
                else if (System.nanoTime() - lastProgress > 500_000_000L) break;  // the server stopped reading us
                else Thread.sleep(1);
            }
            assertTrue(written < target, "the server kept reading a peer that never reads: " + written + " bytes");
            assertTrue(server.stats().mostBuffered() <= cap, "buffered " + server.stats().mostBuffered() + " > " + cap);
            assertTrue(server.stats().mostBuffered() > 0, "a partial write was buffered");
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void idleTimeoutClosesIdlePeers(Io io) throws Exception {
        EchoServer.Config config = new EchoServer.Config(ListenConfig.local(0).withIdleTimeout(300), 256 * 1024);
        try (EchoServer server = start(io, config); SocketChannel ch = connect(server.port())) {
            ch.socket().setSoTimeout(10_000);
            int n = ch.socket().getInputStream().read();
            assertEquals(-1, n, "the server closed the idle connection");
            assertEquals(1, server.stats().idleClosed());
        }
    }

    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void loadClientChecksEveryByteAndMaxConnRefusesTheRest(Io io) throws Exception {
        EchoServer.Config config = new EchoServer.Config(new ListenConfig("127.0.0.1", 0, 2, 150, 0), 256 * 1024);
        try (EchoServer server = start(io, config); EventLoop loop = io.openLoop()) {
            LoadClient.Result r = new LoadClient(loop,
                    new LoadClient.Config("127.0.0.1", server.port(), 200, 100, 4, 1.5), System.out).run();
            assertEquals(0, r.errors(), r.summary());
            assertEquals(0, r.mismatches(), r.summary());
            assertEquals(50, r.refused(), r.summary());
            assertTrue(r.messages() > 150, r.summary());
            assertEquals(50, server.stats().refusedMaxConn());
        }
    }
}
