package io.muxkit.tcp;

/**
 * Where and how a TCP server listens, whatever it speaks.
 *
 * @param loops             event loops, each on its own thread with its own listener (SO_REUSEPORT)
 * @param maxConnections    connections past this many, over all loops, are accepted and closed at once
 * @param idleTimeoutMillis a connection idle this long is closed (what idle means is the protocol's); 0 never
 */
public record ListenConfig(String host, int port, int loops, int maxConnections, long idleTimeoutMillis) {
    /** One loop on 127.0.0.1, no connection limit, no idle timeout. */
    public static ListenConfig local(int port) {
        return new ListenConfig("127.0.0.1", port, 1, Integer.MAX_VALUE, 0);
    }

    public ListenConfig withIdleTimeout(long millis) {
        return new ListenConfig(host, port, loops, maxConnections, millis);
    }
}
