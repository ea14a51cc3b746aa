package io.muxkit.load;

import static io.muxkit.mux.Multiplexer.ERROR;
import static io.muxkit.mux.Multiplexer.HANGUP;
import static io.muxkit.mux.Multiplexer.READ;
import static io.muxkit.mux.Multiplexer.WRITE;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.loop.EventLoop;
import io.muxkit.loop.FdTable;
import io.muxkit.loop.Handler;
import io.muxkit.loop.Timer;
import io.muxkit.net.Fds;
import io.muxkit.net.Sockets;
import io.muxkit.tcp.Connections;
import org.HdrHistogram.Histogram;

/**
 * A single-threaded echo load client on one event loop: N connections (ramped), each keeping
 * `depth` messages of `size` bytes in flight, every echoed byte checked, latency per message.
 */
public final class LoadClient {
    /** idle: connections opened first, each proven served by one echoed byte, then left quiet during the load. */
    public record Config(String host, int port, int connections, int size, int depth, double seconds, int idle) {
        public Config(String host, int port, int connections, int size, int depth, double seconds) {
            this(host, port, connections, size, depth, seconds, 0);
        }
    }

    /**
     * refused: connections the server closed before echoing a byte (as servers at their limits do);
     * errors: connections that ended otherwise than by the client, of which reset were closed or
     * reset by the server after it had echoed some bytes, and mismatches came back wrong.
     */
    public record Result(int connections, long connectFailures, long refused, long messages, long bytes, double seconds,
                         long errors, long reset, long mismatches, Histogram latencyMicros, int idleOpen) {
        public double messagesPerSecond() { return messages / seconds; }
        public double mbPerSecond() { return bytes / seconds / 1e6; }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connections", connections);
            m.put("idle", idleOpen);
            m.put("connect_failures", connectFailures);
            m.put("refused", refused);
            m.put("messages", messages);
            m.put("seconds", seconds);
            m.put("messages_per_sec", messagesPerSecond());
            m.put("mb_per_sec", mbPerSecond());
            m.put("p50_us", latencyMicros.getValueAtPercentile(50));
            m.put("p99_us", latencyMicros.getValueAtPercentile(99));
            m.put("p999_us", latencyMicros.getValueAtPercentile(99.9));
            m.put("max_us", latencyMicros.getMaxValue());
            m.put("errors", errors);
            m.put("reset", reset);
            m.put("mismatches", mismatches);
            return m;
        }

        public String summary() {
            return String.format(Locale.ROOT, "%d connections (%d connect failures, %d refused by the server), %d messages in %.1f s: "
                            + "%.0f msgs/s, %.2f MB/s, latency us p50 %d p99 %d p99.9 %d max %d, %d errors%s, %d mismatches",
                    connections, connectFailures, refused, messages, seconds, messagesPerSecond(), mbPerSecond(),
                    latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(99),
                    latencyMicros.getValueAtPercentile(99.9), latencyMicros.getMaxValue(), errors,
                    reset > 0 ? " (" + reset + " closed or reset by the server mid-stream)" : "", mismatches);
        }
    }

    private static final int CHUNK = 64 * 1024;
    /** Bytes a connection queues at most before some went out. */
    private static final int QUEUED_MOST = 4 * CHUNK;
    private static final int RAMP_PER_TICK = 64;  // connects started per 5 ms tick

    private final EventLoop loop;
    private final Config config;
    private final PrintStream progress;
    private final NativeBuffer pattern = NativeMemory.allocate(CHUNK + 256);
    private final NativeBuffer buf = NativeMemory.allocate(CHUNK);
    private final byte[] scratch = new byte[CHUNK];
    private final Histogram latency = new Histogram(60_000_000L, 3);
    private final Handler handler = this::onReady;
    /** The connected streams: on a completion loop their I/O is the ring's, as the servers' is. */
    private final Connections<LoadConnection> conns;
    private final FdTable<int[]> connecting = new FdTable<>();  // fd -> {fd, seed}, until the connect completes
    private int started, open;
    private long connectFailures, refused, errors, reset, mismatches, messages, bytes;
    private long startNanos, endNanos;
    private boolean sending = true;
    private int idleOpen;
    private String firstError;

    public LoadClient(EventLoop loop, Config config, PrintStream progress) {
        if (config.connections() < 1 || config.size() < 1 || config.depth() < 1 || config.seconds() <= 0)
            throw new IllegalArgumentException("connections, size, depth and duration must be positive");
        this.loop = loop;
        this.config = config;
        this.progress = progress;
        for (int i = 0; i < CHUNK + 256; i++) pattern.putByte(i, (byte) i);
        this.conns = new Connections<>(new Host(), new Connections.Settings(CHUNK, Long.MAX_VALUE, false, false, null));
    }

    /** What the client's streams answer to: closes count the open connections; the client counts no syscalls. */
    private final class Host implements Connections.Host {
        @Override public EventLoop loop() { return loop; }
        @Override public Handler handler() { return handler; }
        @Override public void countIo() { }
        @Override public void log(String line) { progress.println("load: " + line); }

        @Override
        public void closeConnection(int fd) {
            open--;
            loop.close(fd);
        }
    }

    /** Runs the load for the configured time (plus a short drain), then closes every connection. Once. */
    public Result run() throws IOException {
        try {
            int[] idle = openIdle();
            try {
                return runActive();
            } finally {
                Fds.closeQuietly(idle);
            }
        } finally {
            conns.closeAll();  // (on a ring, once the sends from the pattern have ended)
            NativeMemory.free(pattern);
            NativeMemory.free(buf);
        }
    }

    /**
     * Opens the idle connections and has each echo one byte, so the server has accepted and
     * registered every one before the load starts; then they stay open and silent. Failures count
     * as connect failures.
     */
    private int[] openIdle() throws IOException {
        int[] fds = new int[config.idle()];
        Arrays.fill(fds, -1);
        if (fds.length == 0) return fds;
        int[] opened = { 0 }, pending = { fds.length }, served = { 0 };
        Handler onIdle = (fd, ops) -> {
            boolean connecting = loop.multiplexer().interest(fd) == WRITE;
            try {
                if (connecting) {
                    int err = Sockets.connectError(fd);
                    if (err != 0) throw new NativeIOException("connect", fd, err);
                    if (Fds.write(fd, pattern, 0, 1) != 1) throw new IOException("could not send the first byte");
                    loop.setInterest(fd, READ);
                    return;
                }
                int n = Fds.read(fd, buf, 1);
                if (n == Native.AGAIN) return;
                if (n == 0) throw new IOException("the server closed an idle connection");
                loop.multiplexer().unregister(fd);  // served: now it stays quiet
                served[0]++;
            } catch (IOException e) {
                failedConnect(e.getMessage());
                loop.multiplexer().unregister(fd);
            }
            if (--pending[0] == 0) loop.stop();
        };
        Timer ramp = loop.scheduleRepeating(5, () -> {
            for (int i = 0; i < RAMP_PER_TICK && opened[0] < fds.length; i++) {
                try {
                    int fd = Sockets.connect(config.host(), config.port());
                    fds[opened[0]] = fd;
                    loop.register(fd, WRITE, onIdle, "idle client");
                } catch (IOException e) {
                    failedConnect(e.getMessage());
                    if (--pending[0] == 0) loop.stop();
                }
                opened[0]++;
            }
        });
        Timer deadline = loop.schedule(120_000, loop::stop);
        loop.run();
        ramp.cancel();
        deadline.cancel();
        for (int fd : fds) if (fd >= 0 && loop.multiplexer().isRegistered(fd)) loop.multiplexer().unregister(fd);
        idleOpen = served[0];
        return fds;
    }

    private Result runActive() throws IOException {
        startNanos = System.nanoTime();
        long durationNanos = (long) (config.seconds() * 1e9);
        loop.scheduleRepeating(5, this::ramp);
        long[] last = { 0, startNanos };
        loop.scheduleRepeating(1000, () -> {
            long now = System.nanoTime();
            progress.printf(Locale.ROOT, "load: %.0f s  conns %d  msgs/s %.0f  p99 %d us  errors %d  mismatches %d%n",
                    (now - startNanos) / 1e9, open, (messages - last[0]) / ((now - last[1]) / 1e9),
                    latency.getValueAtPercentile(99), errors, mismatches);
            last[0] = messages;
            last[1] = now;
        });
        loop.schedule(durationNanos / 1_000_000, () -> {
            sending = false;
            endNanos = System.nanoTime();
            if (inFlight() == 0) loop.stop();
            else loop.schedule(2000, loop::stop);  // echoes still owed get two seconds
        });
        try {
            loop.run();
        } finally {
            conns.forEach(this::close);
            connecting.forEach(pending -> {
                open--;
                loop.close(pending[0]);
            });
        }
        if (firstError != null) progress.println("load: first error: " + firstError);
        double seconds = ((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos) / 1e9;
        return new Result(started, connectFailures, refused, messages, bytes, seconds, errors, reset, mismatches, latency, idleOpen);
    }

    private long inFlight() {
        long[] n = { 0 };
        conns.forEach(c -> n[0] += c.inFlight(config.size()));
        return n[0];
    }

    private void ramp() {
        for (int i = 0; i < RAMP_PER_TICK && started < config.connections() && sending; i++) {
            started++;
            int fd;
            try {
                fd = Sockets.connect(config.host(), config.port());
            } catch (NativeIOException e) {
                failedConnect(e.getMessage());
                continue;
            }
            try {
                loop.register(fd, WRITE, handler, "client");  // the connect completes when writable (readiness, on a ring too)
            } catch (IOException e) {
                Fds.closeQuietly(fd);
                failedConnect(e.getMessage());
                continue;
            }
            connecting.put(fd, new int[] { fd, started * 7 });
            open++;
        }
    }

    private void failedConnect(String why) {
        connectFailures++;
        if (firstError == null) firstError = "connect: " + why;
    }

    private void onReady(int fd, int ops) throws IOException {
        LoadConnection c = conns.get(fd);
        if (c == null) {
            connected(fd);
            return;
        }
        try {
            c.newTurn();
            if ((ops & (READ | HANGUP | ERROR)) != 0 && !receive(c)) return;
            send(c);
            c.interest(true, false);
        } catch (IOException e) {
            dropped(c, e.getMessage());
        }
    }

    /** The connect of fd completed (or failed): from here its bytes go through a stream, the ring's on a completion loop. */
    private void connected(int fd) throws IOException {
        int[] pending = connecting.get(fd);
        if (pending == null) return;
        connecting.remove(fd);
        int err = Sockets.connectError(fd);
        if (err != 0) {
            failedConnect(new NativeIOException("connect", fd, err).getMessage());
            open--;
            loop.close(fd);
            return;
        }
        Sockets.setNoDelay(fd);
        LoadConnection c = new LoadConnection(conns, fd, pending[1], config.depth());
        conns.add(c);
        try {
            while (sending && c.inFlight(config.size()) < config.depth()) startMessage(c);
            send(c);
            c.interest(true, false);
        } catch (IOException e) {
            dropped(c, e.getMessage());
        }
    }

    private void startMessage(LoadConnection c) {
        c.startNanos[(int) (c.started(config.size()) % config.depth())] = System.nanoTime();
        c.sendLimit += config.size();
    }

    /**
     * Queues the pattern's bytes of the messages started, a chunk at a time (no copy: the stream
     * sends from the pattern), and sends; at most QUEUED_MOST wait at a time, the rest when they
     * went out (a WRITE event): 1,024 messages of 16 MiB in flight are not 262,144 segments queued.
     */
    private void send(LoadConnection c) throws IOException {
        do {
            while (c.sent < c.sendLimit && c.queuedBytes() < QUEUED_MOST) {
                int n = (int) Math.min(CHUNK, c.sendLimit - c.sent), at = (int) ((c.seed + c.sent) & 0xff);
                c.queue(pattern, at, at + n, null, null);
                c.sent += n;
            }
            c.flush();
        } while (c.sent < c.sendLimit && !c.hasQueued());  // all of it went out at once: more
    }

    /** Reads what is there, checks it, completes messages; false if the connection was closed. */
    private boolean receive(LoadConnection c) throws IOException {
        for (int n; (n = c.read(CHUNK)) > 0; ) {
            if (c.received + n > c.sent) {
                mismatches++;
                lost(c, "the server sent " + (c.received + n - c.sent) + " bytes more than it was sent");
                return false;
            }
            c.input().get(c.inputAt(), scratch, 0, n);
            long base = c.seed + c.received;
            for (int i = 0; i < n; i++) {
                if (scratch[i] != (byte) (base + i)) {
                    mismatches++;
                    lost(c, "byte " + (c.received + i) + " came back as " + (scratch[i] & 0xff)
                            + ", sent " + ((base + i) & 0xff));
                    return false;
                }
            }
            c.received += n;
            bytes += n;
            long now = System.nanoTime();
            while (c.received >= (c.completed + 1) * config.size()) {
                latency.recordValue(Math.min((now - c.startNanos[(int) (c.completed % config.depth())]) / 1000,
                        latency.getHighestTrackableValue()));
                c.completed++;
                messages++;
                if (sending) startMessage(c);
            }
            if (!sending && inFlight() == 0) loop.stop();
        }
        if (c.peerClosed()) {
            dropped(c, "the server closed the connection");
            return false;
        }
        return true;
    }

    /** Closed or reset by the server: refused if it never echoed a byte, else an error. */
    private void dropped(LoadConnection c, String why) {
        if (c.received > 0) {
            reset++;
            lost(c, why);
        } else {
            refused++;
            close(c);
        }
    }

    private void lost(LoadConnection c, String why) {
        errors++;
        if (firstError == null) firstError = "fd " + c.fd + ": " + why;
        close(c);
    }

    private void close(LoadConnection c) {
        conns.close(c);
    }
}
