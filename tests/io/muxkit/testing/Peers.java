package io.muxkit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;

/** What a test's blocking peer sees of the server's end of a connection. */
public final class Peers {
    private Peers() {}

    /**
     * The next byte, or -1 at the end of the stream or at a reset (a server's close is either, as
     * the kernel has it); a read that times out throws.
     */
    public static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
