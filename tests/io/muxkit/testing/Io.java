package io.muxkit.testing;

import java.io.IOException;
import java.util.Locale;

import io.muxkit.loop.EventLoop;
import io.muxkit.loop.Loops;
import io.muxkit.mux.Backend;
import io.muxkit.ring.RingSetup;

/**
 * How a server or client under test does its I/O: readiness on each of the four backends, or
 * io_uring's completions ({@code --io completion}). Suites that run a server are parameterized
 * over these, as over the backends before, so every protocol runs on both models.
 */
public enum Io {
    SELECT(Backend.SELECT), POLL(Backend.POLL), EPOLL(Backend.EPOLL), URING(Backend.URING), COMPLETION(Backend.URING);

    /** The ring a completion server under test runs on (RingSetup.forConnections: 16 MiB of buffers). */
    public static final RingSetup RING = RingSetup.forConnections(1024);

    private final Backend backend;

    Io(Backend backend) {
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    public boolean completion() {
        return this == COMPLETION;
    }

    /** The loops a server on this model opens, as the CLI opens them. */
    public Loops loops() {
        return completion() ? Loops.completion(RING, null) : Multiplexers.of(backend);
    }

    /** One loop, for a client. */
    public EventLoop openLoop() throws IOException {
        return loops().open(System.err);
    }

    /** The CLI's flags for it: --backend B, or --io completion (which runs on uring). */
    public String[] flags() {
        return new String[] { flag(), value() };
    }

    /** --backend, or --io for completions. */
    public String flag() {
        return completion() ? "--io" : "--backend";
    }

    /** The backend's name, or completion. */
    public String value() {
        return completion() ? "completion" : backend.id();
    }

    /** "select" ... "uring", and "completion": a test's name, a directory's. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return completion() ? "uring completion" : backend.id();
    }
}
