package io.muxkit.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as a latch, so a server command can close its connections, print its final
 * counters and exit 0 (a shutdown hook would run with the JVM already exiting, status 143). A
 * loop that died releases it too, with the cause: the command then exits non-zero.
 */
final class StopSignal {
    /** The exit status of a server whose event loop died (EX_SOFTWARE). */
    static final int LOOP_DIED = 70;

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile Throwable failure;

    StopSignal() {
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
    }

    /** A loop died: stop, and say why. Any thread. */
    void failed(Throwable cause) {
        failure = cause;
        stop.countDown();
    }

    /** Why the server stopped on its own, or null after a signal. */
    Throwable failure() {
        return failure;
    }

    /** True once a signal came (or a loop died), false when the time ran out first. */
    boolean await(long millis) throws InterruptedException {
        return stop.await(millis, TimeUnit.MILLISECONDS);
    }

    void await() throws InterruptedException {
        stop.await();
    }

    /** After the server closed: 0, or (printing why) LOOP_DIED when a loop died. */
    int exitStatus() {
        Throwable cause = failure;
        if (cause == null) return 0;
        System.err.println("muxkit: an event loop died, so the server stopped serving and exits: " + cause);
        return LOOP_DIED;
    }
}
