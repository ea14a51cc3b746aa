package io.muxkit.load;

/**
 * One load-client connection. The bytes it sends are a pattern, (seed + stream offset) & 0xff,
 * so every echoed byte can be checked without keeping a copy of what was sent.
 */
final class LoadConnection {
    final int fd;
    final int seed;
    boolean connected;
    long sent;        // stream bytes written
    long sendLimit;   // stream bytes of the messages started so far
    long received;    // stream bytes read back
    long completed;   // messages fully echoed
    final long[] startNanos;  // ring: start time of message i at [i % depth]

    LoadConnection(int fd, int seed, int depth) {
        this.fd = fd;
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
