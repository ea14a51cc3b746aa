package io.muxkit.echo;

import io.muxkit.tcp.Connection;
import io.muxkit.tcp.Connections;

/**
 * One echo peer: a stream whose unsent bytes (at most the loop's maxBuffered) wait in a buffer
 * of the loop's pool, held only while a write is pending.
 */
final class EchoConnection extends Connection {
    /** Echoed without a buffer, and its socket took less than was read: bytes wait in the kernel until WRITE. */
    boolean waitingForRoom;

    EchoConnection(Connections<EchoConnection> loop, int fd) {
        super(loop, fd);
    }
}
