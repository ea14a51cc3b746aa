package io.muxkit.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.muxkit.mux.Backend;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.net.Fds;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one Multiplexer.select(0) with 1 ready fd among N registered, and the bare cost of
 * one FFI call ({@link FfiCallBenchmark}). native/bench/waitloop.c runs the same loop in C;
 * {@link Bench} prints the ratio.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WaitBenchmark {
    @Param({ "select", "poll", "epoll", "uring" })
    public String backend;

    @Param({ "10", "100", "1000", "10000" })
    public int n;

    private Multiplexer mux;
    private int[] fds;

    @Setup(Level.Trial)
    public void open() throws IOException {
        // select's fds pass FD_SETSIZE from N = 1000 on (the JVM holds ~40 fds): size its fd_set to them
        mux = Multiplexer.open(Backend.parse(backend), FdSetMode.DYNAMIC);
        fds = new int[n];
        for (int i = 0; i < n; i++) {
            fds[i] = Fds.eventfd(i == n / 2 ? 1 : 0);  // one fd each; the middle one stays readable
            mux.register(fds[i], Multiplexer.READ);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        mux.close();
        Fds.closeQuietly(fds);
    }

    @Benchmark
    public int selectOneReady() throws IOException {
        int ready = mux.select(0);
        int sum = 0;
        for (int i = 0; i < ready; i++) sum += mux.readyFd(i) + mux.readyOps(i);
        return sum;
    }
}
