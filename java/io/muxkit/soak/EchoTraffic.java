package io.muxkit.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.muxkit.load.LoadClient;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;

/**
 * Traffic for an echo server, round after round until the deadline: honest load (every byte
 * checked by the load client) beside peers that write without reading, sit idle, or reset.
 */
final class EchoTraffic {
    private final int port;
    private final Tally tally;
    private final Random random;

    EchoTraffic(int port, Tally tally, long seed) {
        this.port = port;
        this.tally = tally;
        this.random = new Random(seed);
    }

    void runUntil(long deadlineNanos) throws IOException, InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            List<SocketChannel> hostile = hostilePeers();
            try (EventLoop loop = new EventLoop(Multiplexer.open(Backend.best()))) {
                LoadClient.Result r = new LoadClient(loop, new LoadClient.Config("127.0.0.1", port, 20,
                        1 + random.nextInt(8192), 1 + random.nextInt(4), 5), new PrintStream(OutputStream.nullOutputStream())).run();
                tally.add("requests", r.messages());
                tally.add("mismatch", r.mismatches());
                tally.add("reset", r.reset());
                tally.add("refused", r.refused() + r.connectFailures());
                tally.add("error", r.errors() - r.reset() - r.mismatches());
            } finally {
                for (SocketChannel ch : hostile) closeQuietly(ch);
            }
            resetMidStream();
        }
    }

    /** Peers that send a megabyte and never read, and peers that connect and say nothing: held for a round. */
    private List<SocketChannel> hostilePeers() {
        List<SocketChannel> peers = new ArrayList<>();
        ByteBuffer junk = ByteBuffer.allocate(1 << 20);
        for (int i = 0; i < 20; i++) {
            try {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                peers.add(ch);
                if (i % 2 == 0) {
                    ch.configureBlocking(false);
                    junk.clear();
                    ch.write(junk);
                }
                tally.add("hostile");
            } catch (IOException e) {
                tally.add("refused");
            }
        }
        return peers;
    }

    /** A peer that writes, then resets the connection (SO_LINGER 0) with the echo on its way. */
    private void resetMidStream() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoLinger(true, 0);
            s.getOutputStream().write(new byte[64 * 1024]);
            tally.add("hostile");
        } catch (IOException e) {
            tally.add("refused");
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
