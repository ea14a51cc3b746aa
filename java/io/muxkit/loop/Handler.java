package io.muxkit.loop;

import java.io.IOException;

/** Called by the loop when its fd is ready; ops is a mix of Multiplexer.READ, WRITE, ERROR and HANGUP. */
@FunctionalInterface
public interface Handler {
    void ready(int fd, int ops) throws IOException;
}
