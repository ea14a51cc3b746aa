package io.muxkit.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.muxkit.ffi.NativeMemory;
import io.muxkit.testing.Io;
import io.muxkit.tcp.ListenConfig;

/** A connection holds echo buffer memory only while a write is pending, and compaction never corrupts a byte. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoBuffersTest {
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void drainedConnectionsGiveTheirBuffersBack(Io io) throws Exception {
        long before = NativeMemory.liveBytes();
        try (EchoServer server = new EchoServer(EchoServer.Config.defaults(0), io.loops(), System.err).start()) {
            List<SocketChannel> peers = new ArrayList<>();
            try {
                int count = 20;  // more than the 8 idle buffers the pool keeps
                long[] sent = new long[count], got = new long[count];
                ByteBuffer out = ByteBuffer.allocate(1 << 20);
                for (int i = 0; i < count; i++) {
                    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                    ch.configureBlocking(false);
                    peers.add(ch);
                    // write without reading until the kernel takes no more and the server holds one more buffer: the
                    // kernel's buffers are full both ways, the server's write came up short and it holds the rest. On
                    // completion, until the kernel takes no more for 200 ms: a send the kernel holds goes on draining
                    // the queue into the socket's growing send buffer (readiness waits for room), so which peers hold
                    // a buffer at one moment is the kernel's timing, not the server's rule
                    long lastTaken = System.nanoTime();
                    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < deadline; ) {
                        out.clear();
                        int n = ch.write(out);
                        if (n > 0) {
                            sent[i] += n;
                            lastTaken = System.nanoTime();
                        } else if (io.completion() ? System.nanoTime() - lastTaken > 200_000_000L : server.stats().buffersHeld() > i) {
                            break;
                        } else {
                            Thread.sleep(5);
                        }
                    }
                }
                if (io.completion()) assertTrue(server.stats().buffersHeld() <= count, "at most one buffer a peer");
                else assertEquals(count, server.stats().buffersHeld(), "every peer that does not read left a write pending");
                ByteBuffer in = ByteBuffer.allocate(1 << 20);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (boolean all = false; !all && System.nanoTime() < deadline; ) {  // read everything back
                    all = true;
                    for (int i = 0; i < count; i++) {
                        in.clear();
                        int n = peers.get(i).read(in);
                        if (n > 0) got[i] += n;
                        all &= got[i] == sent[i];
                    }
                }
                assertArrayEquals(sent, got, "every byte came back");
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (server.stats().buffersHeld() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
                assertEquals(0, server.stats().buffersHeld(), "drained and idle: no connection holds a buffer");
                long held = NativeMemory.liveBytes() - before;
                // what is left: the loop's read buffer, at most 8 idle pooled buffers (not 20), the multiplexer's arrays;
                // on completion the ring's buffers instead of the read buffer, and its idle send buffers (a MiB at most)
                long ring = io.completion() ? (long) Io.RING.buffers() * (Io.RING.bufferSize() + 16) + (2 << 20) : 0;
                assertTrue(held <= 64 * 1024 + 8 * 256 * 1024 + 16 * 1024 + ring, "native memory held with " + count + " idle peers: " + held);
            } finally {
                for (SocketChannel ch : peers) ch.close();
            }
        }
        assertEquals(before, NativeMemory.liveBytes(), "closing the server freed every buffer");
    }

    /** All peers together hold at most the loop's budget: past it, a peer is not read until a buffer comes back. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void peersTogetherStayWithinTheLoopsBudgetAndLoseNothing(Io io) throws Exception {
        int perPeer = 16 << 20, budget = (int) (EchoProtocol.BUFFER_BUDGET / perPeer);  // 4 buffers
        EchoServer.Config config = new EchoServer.Config(ListenConfig.local(0), perPeer);
        try (EchoServer server = new EchoServer(config, io.loops(), System.err).start()) {
            List<SocketChannel> peers = new ArrayList<>();
            try {
                int count = 10;
                long[] sent = new long[count], got = new long[count];
                ByteBuffer out = ByteBuffer.allocate(1 << 20);
                for (int i = 0; i < count; i++) {
                    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                    ch.configureBlocking(false);
                    peers.add(ch);
                }
                for (int round = 0; round < 40; round++) {  // every peer writes about 40 MiB, reading nothing yet
                    for (int i = 0; i < count; i++) {
                        out.clear();
                        sent[i] += Math.max(0, peers.get(i).write(out));
                    }
                    assertTrue(server.stats().buffersHeld() <= budget, "held " + server.stats().buffersHeld());
                    Thread.sleep(5);
                }
                long buffering = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);  // a loop slow to get its turn (2 busy cores) reads the writes late
                while (server.stats().mostBuffered() == 0 && System.nanoTime() < buffering) Thread.sleep(10);
                assertTrue(server.stats().mostBuffered() > 0, "writes came up short");
                ByteBuffer in = ByteBuffer.allocate(1 << 20);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (boolean all = false; !all && System.nanoTime() < deadline; ) {
                    all = true;
                    for (int i = 0; i < count; i++) {
                        in.clear();
                        int n = peers.get(i).read(in);
                        if (n > 0) got[i] += n;
                        all &= got[i] == sent[i];
                    }
                    assertTrue(server.stats().buffersHeld() <= budget, "held " + server.stats().buffersHeld());
                }
                assertArrayEquals(sent, got, "every byte came back, the starved peers' too");
            } finally {
                for (SocketChannel ch : peers) ch.close();
            }
        }
    }

    /** Peers that never read hold every buffer of the budget: a new peer is still echoed, without one. */
    @ParameterizedTest(name = "{0}") @EnumSource(Io.class)
    void peersThatHoldTheWholeBudgetDoNotStarveANewOne(Io io) throws Exception {
        int perPeer = 16 << 20, budget = (int) (EchoProtocol.BUFFER_BUDGET / perPeer);  // 4 buffers
        EchoServer.Config config = new EchoServer.Config(ListenConfig.local(0), perPeer);
        try (EchoServer server = new EchoServer(config, io.loops(), System.err).start()) {
            List<SocketChannel> hogs = new ArrayList<>();
            try {
                ByteBuffer out = ByteBuffer.allocate(1 << 20);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.stats().buffersHeld() < budget && System.nanoTime() < deadline) {
                    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                    ch.configureBlocking(false);
                    hogs.add(ch);
                    for (int round = 0; round < 40; round++) {  // write, never read
                        out.clear();
                        ch.write(out);
                        Thread.sleep(2);
                    }
                }
                assertEquals(budget, server.stats().buffersHeld(), "the peers that do not read hold the whole budget");
                try (SocketChannel fresh = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
                    fresh.write(ByteBuffer.wrap("ping\n".getBytes()));
                    fresh.configureBlocking(false);
                    ByteBuffer got = ByteBuffer.allocate(5);
                    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); got.hasRemaining() && System.nanoTime() < end; ) {
                        if (fresh.read(got) == 0) Thread.sleep(5);
                    }
                    assertEquals("ping\n", new String(got.array(), 0, got.position()), "the echo came back within 10 s");
                }
                assertEquals(budget, server.stats().buffersHeld(), "the new peer was echoed without taking a buffer");
            } finally {
                for (SocketChannel ch : hogs) ch.close();
            }
        }
    }
}
