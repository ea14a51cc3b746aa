package io.muxkit.tcp;

import io.muxkit.loop.Handler;

/**
 * What a {@link TcpServer} speaks on its connections: one instance per loop, every method called
 * on that loop's thread. The server accepts and registers each connection for READ with
 * {@link #handler()}; the protocol makes each one a {@link Connection} (the stream: reads, writes,
 * interest) kept in {@link Connections}, which closes it through {@link ServerLoop#closeConnection},
 * never by itself, so the counts stay right.
 */
public interface Protocol {
    /** Called with the ready ops of every connection fd of this loop. */
    Handler handler();

    /** fd was accepted and registered for READ with {@link #handler()}. */
    void opened(int fd);

    /** Close every connection whose last activity is before activeSinceNanos (a System.nanoTime()). */
    void closeIdle(long activeSinceNanos);

    /** Close every connection (the server is shutting down). */
    void closeAll();
}
