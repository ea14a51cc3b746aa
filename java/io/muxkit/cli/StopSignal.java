package io.muxkit.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as a latch, so a server command can close its connections, print its final
 * counters and exit 0 (a shutdown hook would run with the JVM already exiting, status 143).
 */
final class StopSignal {
    private final CountDownLatch stop = new CountDownLatch(1);

    StopSignal() {
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
    }

    /** True once a signal came, false when the time ran out first. */
    boolean await(long millis) throws InterruptedException {
        return stop.await(millis, TimeUnit.MILLISECONDS);
    }

    void await() throws InterruptedException {
        stop.await();
    }
}
