package io.muxkit.load;

import io.muxkit.tcp.Connection;
import io.muxkit.tcp.Connections;

/**
 * One load-client connection, a stream like a server's. The bytes it sends are a pattern,
 * (seed + stream offset) & 0xff, so every echoed byte can be checked without keeping a copy of
 * what was sent.
 */
final class LoadConnection extends Connection {
    final int seed;
    long sent;        // stream bytes queued to send
    long sendLimit;   // stream bytes of the messages started so far
    long received;    // stream bytes read back
    long completed;   // messages fully echoed
    final long[] startNanos;  // ring: start time of message i at [i % depth]

    LoadConnection(Connections<LoadConnection> conns, int fd, int seed, int depth) {
        super(conns, fd);
        this.seed = seed;
        this.startNanos = new long[depth];
    }

    long started(int size) {
        return sendLimit / size;
    }

    int inFlight(int size) {
        return (int) (started(size) - completed);
    }
}
