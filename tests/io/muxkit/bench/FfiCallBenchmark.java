package io.muxkit.bench;

import java.util.concurrent.TimeUnit;

import io.muxkit.ffi.Native;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** One crossing into the shim that makes no syscall: the floor under every call muxkit makes. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfiCallBenchmark {
    @Benchmark
    public int ffiCall() {
        return Native.LIB.mk_fdset_bytes(1024);
    }
}
