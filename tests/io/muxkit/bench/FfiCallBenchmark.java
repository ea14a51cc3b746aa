package io.muxkit.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeBuffer;
import io.muxkit.ffi.NativeMemory;
import io.muxkit.net.Fds;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor under every call muxkit makes: one crossing into the shim that makes no syscall, and
 * one syscall through the shim's result point (where fault injection is decided: run it with and
 * without MUXKIT_FAULTS to see what the check costs), into native memory and into a Java array.
 * On the binding the JVM runs (Bench runs it on each: -Dmuxkit.binding=jnr|ffm).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class FfiCallBenchmark {
    private int[] pipe;
    private NativeBuffer buf;
    private final byte[] array = new byte[64];

    @Setup
    public void open() throws IOException {
        pipe = Fds.pipe();
        buf = NativeMemory.allocate(64);
    }

    @TearDown
    public void close() {
        Fds.closeQuietly(pipe[0]);
        Fds.closeQuietly(pipe[1]);
        NativeMemory.free(buf);
    }

    @Benchmark
    public int ffiCall() {
        return Native.syscalls().mk_fdset_bytes(1024);
    }

    /** read(2) of an empty nonblocking pipe: EAGAIN, through MK_SYSCALL, MK_LEN and the EINTR retry. */
    @Benchmark
    public int readEagain() throws IOException {
        return Fds.read(pipe[0], buf, 64);
    }

    /** The same into a Java array: jnr-ffi copies through native memory, ffm passes the array to C (critical, heap access). */
    @Benchmark
    public int readArrayEagain() throws IOException {
        return Fds.read(pipe[0], array, 0, 64);
    }
}
