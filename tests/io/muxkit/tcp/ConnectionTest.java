package io.muxkit.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;

/** The stream layer on a socketpair: the read budget, half-close, and every kind of write segment. */
class ConnectionTest {
    @TempDir
    Path dir;
    private ServerLoop server;
    private BufferPool pool;
    private Connections<Connection> conns;
    private int ours, peer;

    @BeforeEach
    void open() throws Exception {
        server = new ServerLoop(new EventLoop(Multiplexer.open(Backend.POLL)), -1, ListenConfig.local(0), new AtomicInteger(1), System.err);
        pool = new BufferPool(1 << 20, 1, 1);
        conns = new Connections<>(server, new Connections.Settings(16, Long.MAX_VALUE, false, true, pool));
        int[] pair = Fds.socketPair();
        ours = pair[0];
        peer = pair[1];
    }

    @AfterEach
    void close() {
        conns.closeAll();  // closes ours
        Fds.closeQuietly(peer);
        server.release();
    }

    private Connection connection() {
        Connection c = new Connection(conns, ours) {};
        conns.add(c);
        return c;
    }

    @Test
    void readsStopAtTheTurnsBudgetAndAfterAShortRead() throws Exception {
        Connection c = connection();
        byte[] sent = new byte[16 * Connection.READS_PER_TURN + 5];
        for (int i = 0; i < sent.length; i++) sent[i] = (byte) i;
        assertEquals(sent.length, Fds.write(peer, sent, 0, sent.length));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int n; (n = c.read(100)) > 0; ) got.write(bytes(conns.readBuffer(), n));
        assertEquals(16 * Connection.READS_PER_TURN, got.size(), "16 reads of 16 bytes, then the turn is spent");
        c.newTurn();
        for (int n; (n = c.read(100)) > 0; ) got.write(bytes(conns.readBuffer(), n));
        assertArrayEquals(sent, got.toByteArray());
        assertFalse(c.peerClosed());
        Sockets.shutdownOutput(peer);
        c.newTurn();
        assertEquals(0, c.read(100));
        assertTrue(c.peerClosed(), "a read of 0: the peer's half-close");
    }

    @Test
    void whatTheSocketDoesNotTakeIsCopiedToAPooledBufferUntilItDrains() throws Exception {
        Connection c = connection();
        NativeBuffer chunk = NativeMemory.allocate(64 * 1024);
        List<Byte> expected = new ArrayList<>();
        try {
            for (int round = 0; !c.hasQueued(); round++) {
                for (int i = 0; i < chunk.size(); i++) {
                    chunk.putByte(i, (byte) (round + i));
                    expected.add((byte) (round + i));
                }
                c.write(chunk, 0, (int) chunk.size());
            }
            assertEquals(1, pool.inUse(), "a short write took one buffer");
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] in = new byte[64 * 1024];
            while (!c.flush() || got.size() < expected.size()) {
                int n = Fds.read(peer, in, 0, in.length);
                if (n > 0) got.write(in, 0, n);
            }
            assertEquals(0, pool.inUse(), "drained: the buffer went back");
            byte[] want = new byte[expected.size()];
            for (int i = 0; i < want.length; i++) want[i] = expected.get(i);
            assertArrayEquals(want, got.toByteArray());
        } finally {
            NativeMemory.free(chunk);
        }
    }

    @Test
    void headBytesMemoryAndAFileRegionGoOutInOrderAndTheirOwnersAreTold() throws Exception {
        Connection c = connection();
        Path file = dir.resolve("f");
        Files.writeString(file, "0123456789");
        int fileFd = Fds.openReadOnly(file);
        NativeBuffer memory = NativeMemory.allocate(3);
        memory.put(0, new byte[] { 'm', 'e', 'm' }, 0, 3);
        List<Object> released = new ArrayList<>();
        try {
            c.queue("head|".getBytes());
            c.queue(memory, 0, 3, released::add, "token");
            c.queueFile(fileFd, 2, 6, null, null);  // no owner: the queue closes the file
            assertEquals(5 + 3 + 4, c.queuedBytes());
            assertTrue(c.flush());
            assertEquals(List.of("token"), released);
            byte[] in = new byte[64];
            int n = Fds.read(peer, in, 0, in.length);
            assertEquals("head|mem2345", new String(in, 0, n));
            Path fd = Path.of("/proc/self/fd/" + fileFd);  // gone, or another file's by now
            assertFalse(Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.readSymbolicLink(fd).equals(file),
                    "the file was closed once sent");
        } finally {
            NativeMemory.free(memory);
        }
    }

    private static byte[] bytes(NativeBuffer p, int n) {
        byte[] b = new byte[n];
        p.get(0, b, 0, n);
        return b;
    }
}
