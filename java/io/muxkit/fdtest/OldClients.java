package io.muxkit.fdtest;

import java.io.IOException;
import java.util.List;

import io.muxkit.ffi.NativeIOException;
import io.muxkit.mux.Backend;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;

/**
 * The old clients: connections proven served before the excess, kept busy from then until the end
 * by a thread with a multiplexer of its own. Each asks again 250 ms after its last answer (so at
 * least every 500 ms while the server answers), so that a server's idle timeout does not read as
 * a stall. One the server closes is reconnected at once, and the close counted by its cause; a
 * reconnected client is new, not old, until it is first answered.
 *
 * Over the limit, time is cut into rounds of a second: a round is served when every client was
 * answered in it, and stalls when an old client on an open connection waited more than a second for
 * an answer. A close alone never counts as a stall.
 */
final class OldClients extends Thread implements AutoCloseable {
    /** What the old clients saw over the limit, and the closes and reconnects of the whole run. */
    record Figures(int rounds, int servedRounds, int stalledRounds, int closedAfterResponse, int closedIdle, int closedUnanswered,
                   int reconnects, int reconnectsServed) {}

    private static final long PERIOD_MILLIS = 250, ANSWER_MILLIS = 1000, CONNECT_MILLIS = 1000, ROUND_MILLIS = 1000,
            TICK_MILLIS = 20, CLOSE_AFTER_ANSWER_MILLIS = 100, RETRY_MILLIS = 100;

    private static final class Client {
        int fd = -1;
        boolean connecting, awaiting, isNew, late, answeredInRound;
        long since;        // connecting: the connect's start; else: the request's, or the last answer's
        long answeredAt, retryAt;
        final StringBuilder received = new StringBuilder();
    }

    private final Multiplexer mux = Multiplexer.open(Backend.best());
    private final String host;
    private final int port;
    private final Protocol protocol;
    private final Client[] clients;
    private final byte[] buf = new byte[4096];
    private volatile boolean counting, done;
    private volatile IOException failure;
    private long roundStart;
    private boolean stalledInRound;
    private int rounds, servedRounds, stalledRounds, closedAfterResponse, closedIdle, closedUnanswered, reconnects, reconnectsServed;

    /** count clients: the proven connections, now owned here, and new ones for those that were served and closed. */
    OldClients(String host, int port, Protocol protocol, int count, List<Integer> proven) throws IOException {
        super("fdtest old clients");
        setDaemon(true);
        this.host = host;
        this.port = port;
        this.protocol = protocol;
        clients = new Client[count];
        long now = System.nanoTime();
        for (int i = 0; i < count; i++) {
            clients[i] = new Client();
            if (i < proven.size()) {
                clients[i].fd = proven.get(i);
                clients[i].since = now;
                mux.register(clients[i].fd, Multiplexer.READ);
            }
        }
    }

    /** From now on rounds are counted: the server is over its limit. */
    synchronized void startCounting() {
        roundStart = System.nanoTime();
        stalledInRound = false;
        for (Client c : clients) {
            c.answeredInRound = false;
            if (c.late && c.awaiting && !c.isNew) stalledInRound = true;  // late already: it went unanswered as the server reached its limit
        }
        counting = true;
    }

    /** Rounds are counted no more; the last one counts when it lasted half a round, or saw a stall (a stall is one however short the round). */
    synchronized void stopCounting() {
        if (counting && (stalledInRound || millis(System.nanoTime() - roundStart) >= ROUND_MILLIS / 2)) endRound();
        counting = false;
    }

    @Override
    public void run() {
        try {
            while (!done) tick();
        } catch (IOException e) {
            failure = e;
        }
    }

    private synchronized void tick() throws IOException {
        long now = System.nanoTime();
        for (Client c : clients) {
            if (c.fd < 0) {
                if (now - c.retryAt >= 0) connect(c, now);
            }
            else if (c.connecting && millis(now - c.since) > CONNECT_MILLIS) drop(c);  // tried again next tick
            else if (!c.connecting && !c.awaiting && millis(now - c.since) >= PERIOD_MILLIS) send(c, now);
            else if (c.awaiting && !c.late && millis(now - c.since) > ANSWER_MILLIS) {
                c.late = true;
                if (!c.isNew && counting) stalledInRound = true;
            }
        }
        int n = mux.select(TICK_MILLIS);
        for (int r = 0; r < n; r++) {
            int fd = mux.readyFd(r);
            for (Client c : clients) if (c.fd == fd) ready(c);
        }
        if (counting && millis(System.nanoTime() - roundStart) >= ROUND_MILLIS) endRound();
    }

    private void endRound() {
        rounds++;
        boolean all = true;
        for (Client c : clients) all &= c.answeredInRound;
        if (stalledInRound) stalledRounds++;
        else if (all) servedRounds++;
        stalledInRound = false;
        for (Client c : clients) c.answeredInRound = false;
        roundStart = System.nanoTime();
    }

    private void connect(Client c, long now) throws IOException {
        c.retryAt = now + RETRY_MILLIS * 1_000_000;  // if this one fails
        c.isNew = true;
        c.awaiting = false;
        c.since = now;
        try {
            c.fd = Sockets.connect(host, port);
        } catch (NativeIOException refused) {
            return;  // tried again next tick
        }
        c.connecting = true;
        mux.register(c.fd, Multiplexer.WRITE);
    }

    private void send(Client c, long now) throws IOException {
        byte[] request = protocol.request();
        c.received.setLength(0);
        c.since = now;
        c.late = false;
        c.awaiting = true;
        try {
            if (request.length > 0) Fds.write(c.fd, request, 0, request.length);
        } catch (NativeIOException closed) {
            closed(c);
            return;
        }
        if (protocol == Protocol.CONNECT) answered(c, now);  // connect: open is served; a close shows as one
    }

    private void ready(Client c) throws IOException {
        if (c.connecting) {
            if (Sockets.connectError(c.fd) != 0) {
                drop(c);
                return;
            }
            c.connecting = false;
            reconnects++;
            mux.modify(c.fd, Multiplexer.READ);
            send(c, System.nanoTime());
            return;
        }
        for (int reads = 0; reads < Protocol.READS_PER_EVENT; reads++) {
            int n;
            try {
                n = Fds.read(c.fd, buf, 0, buf.length);
            } catch (NativeIOException reset) {
                n = 0;
            }
            if (n == 0) {
                closed(c);
                return;
            }
            if (n < 0) return;
            if (!c.awaiting) continue;  // the rest of an answer (an HTTP body)
            Protocol.keep(c.received, buf, n);
            if (protocol.answered(c.received.toString())) answered(c, System.nanoTime());
        }
    }

    private void answered(Client c, long now) {
        if (c.isNew) reconnectsServed++;
        c.isNew = c.awaiting = false;
        c.answeredInRound = true;
        c.since = c.answeredAt = now;
    }

    /** The server closed (or reset) the connection: counted by when, and reconnected at the next tick. */
    private void closed(Client c) throws IOException {
        if (c.awaiting) closedUnanswered++;
        else if (c.answeredAt != 0 && millis(System.nanoTime() - c.answeredAt) <= CLOSE_AFTER_ANSWER_MILLIS) closedAfterResponse++;
        else closedIdle++;
        drop(c);
    }

    private void drop(Client c) throws IOException {
        if (mux.isRegistered(c.fd)) mux.unregister(c.fd);
        Fds.closeQuietly(c.fd);
        c.fd = -1;
        c.connecting = c.awaiting = false;
        c.answeredAt = 0;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** Stops the thread; what it saw. */
    Figures finish() throws IOException, InterruptedException {
        done = true;
        join();
        if (failure != null) throw failure;
        return new Figures(rounds, servedRounds, stalledRounds, closedAfterResponse, closedIdle, closedUnanswered, reconnects, reconnectsServed);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        done = true;
        join();
        for (Client c : clients) if (c.fd >= 0) drop(c);
        mux.close();
    }
}
