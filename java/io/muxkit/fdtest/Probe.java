package io.muxkit.fdtest;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;

/**
 * fdtest's client side: opens connections to the server under test in waves, each with a
 * deadline to connect and one to be answered, and says what happened to each. It watches its
 * sockets with a multiplexer of its own (the best backend here); the server under test can be anything.
 */
final class Probe implements AutoCloseable {
    private final Multiplexer mux = Multiplexer.open(Backend.best());
    private final String host;
    private final int port;
    private final Protocol protocol;
    private final byte[] buf = new byte[4096];

    Probe(String host, int port, Protocol protocol) throws IOException {
        this.host = host;
        this.port = port;
        this.protocol = protocol;
    }

    /**
     * Opens count connections at once: each gets connectMillis to connect and answerMillis to be
     * served. unfinished: each sends only the start of a request (Protocol.unfinishedRequest), to be
     * held open. Connections left open (served, held, or never answered) are added to held; the rest
     * are closed. Returns each one's outcome.
     */
    Outcome[] wave(int count, long connectMillis, long answerMillis, List<Integer> held, boolean unfinished) throws IOException {
        Outcome[] outcomes = new Outcome[count];
        int[] fds = new int[count];
        Arrays.fill(fds, -1);
        try {
            for (int i = 0; i < count; i++) {
                try {
                    fds[i] = Sockets.connect(host, port);
                    mux.register(fds[i], Multiplexer.WRITE);
                } catch (NativeIOException e) {
                    if (e.errno() != Native.ECONNREFUSED) throw e;
                    outcomes[i] = Outcome.REFUSED;
                }
            }
            await(fds, outcomes, connectMillis, true);
            for (int i = 0; i < count; i++) {
                if (outcomes[i] == null) outcomes[i] = Outcome.CONNECT_TIMEOUT;
                else if (outcomes[i] == Outcome.SERVED) outcomes[i] = null;  // connected: now the request
            }
            for (int i = 0; i < count; i++) if (outcomes[i] == null) send(fds[i], unfinished ? protocol.unfinishedRequest() : protocol.request());
            await(fds, outcomes, answerMillis, false);
            for (int i = 0; i < count; i++)  // connect: open and not closed is served (accepted or in the backlog alike)
                if (outcomes[i] == null)
                    outcomes[i] = protocol == Protocol.CONNECT ? Outcome.SERVED : unfinished ? Outcome.UNFINISHED : Outcome.NO_ANSWER;
        } finally {
            for (int i = 0; i < count; i++) {
                if (fds[i] < 0) continue;
                if (mux.isRegistered(fds[i])) mux.unregister(fds[i]);
                if (outcomes[i] != null && outcomes[i].open()) held.add(fds[i]);
                else Fds.closeQuietly(fds[i]);
            }
        }
        return outcomes;
    }

    private static void send(int fd, byte[] request) throws IOException {
        if (request.length > 0) Fds.write(fd, request, 0, request.length);
    }

    /**
     * Waits until each fd without an outcome has one, or the time is up. Connecting: writable means
     * the connect finished (SERVED here stands for "connected"). Answering: what is read decides.
     */
    private void await(int[] fds, Outcome[] outcomes, long millis, boolean connecting) throws IOException {
        StringBuilder[] received = new StringBuilder[fds.length];
        int waiting = 0;
        for (int i = 0; i < fds.length; i++) {
            if (outcomes[i] != null || fds[i] < 0) continue;
            waiting++;
            int interest = connecting ? Multiplexer.WRITE : Multiplexer.READ;
            if (mux.isRegistered(fds[i])) mux.modify(fds[i], interest);
            else mux.register(fds[i], interest);
            received[i] = new StringBuilder();
        }
        int[] indexOf = new int[64];
        Arrays.fill(indexOf, -1);
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] < 0) continue;
            if (fds[i] >= indexOf.length) {
                int old = indexOf.length;
                indexOf = Arrays.copyOf(indexOf, Math.max(fds[i] + 1, old * 2));
                Arrays.fill(indexOf, old, indexOf.length, -1);
            }
            indexOf[fds[i]] = i;
        }
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (waiting > 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) break;
            int n = mux.select(left);
            for (int r = 0; r < n; r++) {
                int fd = mux.readyFd(r), i = fd < indexOf.length ? indexOf[fd] : -1;
                if (i < 0 || outcomes[i] != null) {  // decided already (a connect that timed out): not waited for
                    mux.unregister(fd);
                    continue;
                }
                Outcome o = connecting ? connected(fd) : answer(fd, received[i]);
                if (o == null) continue;
                outcomes[i] = o;
                waiting--;
                mux.unregister(fd);
            }
        }
    }

    private static Outcome connected(int fd) throws IOException {
        int err = Sockets.connectError(fd);
        return err == 0 ? Outcome.SERVED : err == Native.ECONNREFUSED ? Outcome.REFUSED : Outcome.RESET;
    }

    /** null while the answer is incomplete. */
    private Outcome answer(int fd, StringBuilder received) throws IOException {
        for (int reads = 0; reads < Protocol.READS_PER_EVENT; reads++) {
            int n;
            try {
                n = Fds.read(fd, buf, 0, buf.length);
            } catch (NativeIOException e) {
                if (e.errno() != Native.ECONNRESET) throw e;
                return answered(received) ? Outcome.SERVED_CLOSED : Outcome.RESET;
            }
            if (n == 0) return answered(received) ? Outcome.SERVED_CLOSED : Outcome.CLOSED;
            if (n < 0) break;
            Protocol.keep(received, buf, n);
        }
        return !answered(received) ? null : protocol.closesAfter(received.toString()) ? Outcome.SERVED_CLOSED : Outcome.SERVED;
    }

    /** connect: no answer is expected, only the absence of a close or reset */
    private boolean answered(StringBuilder received) {
        return protocol != Protocol.CONNECT && protocol.answered(received.toString());
    }

    @Override
    public void close() {
        mux.close();
    }
}
