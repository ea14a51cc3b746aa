package io.muxkit.tcp;

import java.io.IOException;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.loop.EventLoop;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import io.muxkit.ring.Ring;

/**
 * The listener of a completion loop: one multishot accept, a completion per connection (its new
 * fd), armed again whenever the kernel ends it (an error such as EMFILE ends it; then once the
 * listener is readable), cancelled while accepting is paused. Each connection goes to {@link ServerLoop#accepted}, each failure to
 * {@link ServerLoop#acceptFailed}, as on readiness.
 */
final class RingAccept implements EventLoop.Completion {
    private final ServerLoop server;
    private final EventLoop loop;
    private final int listenFd, tag;
    private final long userData;
    private boolean armed, paused;

    RingAccept(ServerLoop server, EventLoop loop, int listenFd) {
        this.server = server;
        this.loop = loop;
        this.listenFd = listenFd;
        this.tag = loop.attach(listenFd, this, (fd, ops) -> { }, "listen");
        this.userData = Ring.userData(Ring.ACCEPT, tag, listenFd);
        arm();
    }

    private void arm() {
        armed = true;
        loop.ring().acceptMultishot(listenFd, userData);
    }

    @Override
    public int completed(int kind, int result, int flags) {
        if (kind == Ring.POLL) {  // readable again after a failure: a connection waits
            watching(0);
            if (!armed && !paused && server.listening()) arm();
            return 0;
        }
        boolean more = (flags & Ring.MORE) != 0, retryNow = true;
        if (!more) armed = false;
        if (result >= 0) {
            if (server.listening()) server.accepted(result);
            else Fds.closeQuietly(result);  // came as the listener closed
        } else if (result != -Native.ECANCELED && server.listening()) {
            boolean outOfFds = result == -Native.EMFILE || result == -Native.ENFILE;
            retryNow = server.acceptFailed(new NativeIOException("accept4", listenFd, -result)) || !outOfFds;
        }
        if (!server.listening()) {
            if (!more) loop.detach(tag);
        } else if (!armed && !paused) {
            // out of fds, an accept fails at once whether or not a connection waits: the listener's
            // readiness says when one does, as on the readiness path, rather than a spin of failures
            if (retryNow) arm();
            else watching(Multiplexer.READ);
        }
        return 0;
    }

    /** Watches the listener's readiness (READ) or stops (0), through the multiplexer on the same ring. */
    private void watching(int interest) {
        try {
            if (loop.multiplexer().isRegistered(listenFd)) loop.setInterest(listenFd, interest);
            else if (interest != 0) loop.multiplexer().register(listenFd, interest);
        } catch (IOException e) {
            arm();  // (cannot happen for an open listener): accept again rather than stop
        }
    }

    @Override
    public int raised() {
        return 0;
    }

    /** Out of fds even after shedding: no accept for a while. */
    void pause() {
        paused = true;
        if (armed) loop.ring().cancel(userData);
    }

    void resume() {
        paused = false;
        if (!armed) arm();
    }
}
