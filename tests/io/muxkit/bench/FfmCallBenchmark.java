package io.muxkit.bench;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The same crossing as {@link FfiCallBenchmark}, mk_fdset_bytes(1024), through java.lang.foreign
 * (JDK 22+) instead of jnr-ffi: what a binding on the FFM API would cost. The handles are built by
 * reflection so that this compiles for release 17; the calls themselves are plain invokeExact on a
 * static final MethodHandle, which the JIT links like any other. Run only on JDK 22 and later.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FfmCallBenchmark {
    private static final MethodHandle FDSET_BYTES = downcall(false);
    private static final MethodHandle FDSET_BYTES_CRITICAL = downcall(true);

    @Benchmark
    public int ffmCall() throws Throwable {
        return (int) FDSET_BYTES.invokeExact(1024);
    }

    /** Linker.Option.critical(false): no thread-state transition, the FFM counterpart of jnr-ffi's @IgnoreError fast path. */
    @Benchmark
    public int ffmCriticalCall() throws Throwable {
        return (int) FDSET_BYTES_CRITICAL.invokeExact(1024);
    }

    /** Linker.nativeLinker().downcallHandle(lookup.find("mk_fdset_bytes"), FunctionDescriptor.of(JAVA_INT, JAVA_INT)). */
    private static MethodHandle downcall(boolean critical) {
        if (Runtime.version().feature() < 22) return null;
        try {
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
            Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object arena = arenaType.getMethod("global").invoke(null);
            Path library = Path.of(System.getProperty("bench.library", "target/classes/native/linux-x86_64/libmuxkit.so"));
            Object lookup = lookupType.getMethod("libraryLookup", Path.class, arenaType).invoke(null, library.toAbsolutePath(), arena);
            Object symbol = ((Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "mk_fdset_bytes")).orElseThrow();
            Object javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
            Object arguments = Array.newInstance(layoutType, 1);
            Array.set(arguments, 0, javaInt);
            Object descriptor = descriptorType.getMethod("of", layoutType, arguments.getClass()).invoke(null, javaInt, arguments);
            Object options = Array.newInstance(optionType, critical ? 1 : 0);
            if (critical) Array.set(options, 0, optionType.getMethod("critical", boolean.class).invoke(null, false));
            return (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
                    .invoke(linker, symbol, descriptor, options);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot bind mk_fdset_bytes through java.lang.foreign", e);
        }
    }
}
