package io.muxkit.loop;

import java.io.IOException;

/**
 * What the loop calls when its fd is ready: ops is a mix of Multiplexer.READ, WRITE, ERROR and
 * HANGUP. Called on the loop's thread; it must not block. An exception it throws is printed and
 * the loop goes on (the handler should close its fd first if the fd is done for).
 */
@FunctionalInterface
public interface Handler {
    void ready(int fd, int ops) throws IOException;
}
