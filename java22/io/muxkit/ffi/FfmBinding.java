package io.muxkit.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The binding on java.lang.foreign (JDK 22+): the shim through {@link FfmLibMuxkit}, memory
 * through {@link FfmMemory}, and the three libc calls jnr-posix makes for the jnr binding
 * (getrlimit, setrlimit, kill), whose errno the downcall captures. Needs no sun.misc.Unsafe, so it
 * runs under {@code --sun-misc-unsafe-memory-access=deny}; needs native access
 * ({@code --enable-native-access=ALL-UNNAMED}, or the runnable jar's manifest), as jnr-ffi does.
 */
final class FfmBinding implements Binding {
    /** The shim once {@link #load} has opened it: FfmLibMuxkit binds its functions in it. */
    static SymbolLookup shim;

    @Override
    public String name() {
        return "ffm";
    }

    @Override
    public LibMuxkit load(Path library) {
        try {
            // Arena.global(): the shim stays mapped for the life of the JVM, the file itself may go
            shim = SymbolLookup.libraryLookup(library, Arena.global());
            return new FfmLibMuxkit();
        } catch (IllegalCallerException e) {  // --illegal-native-access=deny without --enable-native-access
            throw new IllegalStateException(NATIVE_ACCESS_DENIED, e);
        } catch (IllegalArgumentException e) {  // dlopen failed
            throw unsatisfied(e.getMessage(), e);
        } catch (ExceptionInInitializerError e) {  // a function the shim lacks, or the same refusal while binding
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IllegalCallerException) throw new IllegalStateException(NATIVE_ACCESS_DENIED, cause);
            throw unsatisfied(String.valueOf(cause.getMessage()), cause);
        }
    }

    static final String NATIVE_ACCESS_DENIED = "java.lang.foreign needs native access, which this JVM denies"
            + " (--illegal-native-access=deny): pass --enable-native-access=ALL-UNNAMED";

    private static UnsatisfiedLinkError unsatisfied(String why, Throwable cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(why);
        e.initCause(cause);
        return e;
    }

    @Override
    public MemoryAccess memory() {
        return new FfmMemory();
    }

    @Override
    public Rlimits.Nofile nofile() {
        FfmScratch scratch = FfmScratch.begin();
        MemorySegment state = scratch.allocate(Libc.CALL_STATE);
        MemorySegment limit = scratch.allocate(JAVA_LONG, 2);  // struct rlimit { rlim_t rlim_cur, rlim_max; }
        int rc;
        try {
            rc = (int) Libc.GETRLIMIT.invokeExact(state, Libc.RLIMIT_NOFILE, limit);
        } catch (Throwable e) {
            throw FfmLibMuxkit.unexpected(e);
        }
        if (rc < 0) throw new IllegalStateException("getrlimit(RLIMIT_NOFILE): " + Native.errnoName(Libc.errno(state)));
        return new Rlimits.Nofile(limit.getAtIndex(JAVA_LONG, 0), limit.getAtIndex(JAVA_LONG, 1));
    }

    @Override
    public int setNofile(long soft, long hard) {
        FfmScratch scratch = FfmScratch.begin();
        MemorySegment state = scratch.allocate(Libc.CALL_STATE);
        MemorySegment limit = scratch.allocate(JAVA_LONG, 2);
        limit.setAtIndex(JAVA_LONG, 0, soft);
        limit.setAtIndex(JAVA_LONG, 1, hard);
        try {
            int rc = (int) Libc.SETRLIMIT.invokeExact(state, Libc.RLIMIT_NOFILE, limit);
            return rc < 0 ? -Libc.errno(state) : rc;
        } catch (Throwable e) {
            throw FfmLibMuxkit.unexpected(e);
        }
    }

    @Override
    public int kill(int pid, int signal) {
        MemorySegment state = FfmScratch.begin().allocate(Libc.CALL_STATE);
        try {
            int rc = (int) Libc.KILL.invokeExact(state, pid, signal);
            return rc < 0 ? -Libc.errno(state) : rc;
        } catch (Throwable e) {
            throw FfmLibMuxkit.unexpected(e);
        }
    }

    /** libc's getrlimit, setrlimit and kill, each handing back errno; bound on first use. */
    private static final class Libc {
        static final int RLIMIT_NOFILE = 7;  // Linux's, on x86_64 as on every platform but alpha, mips and sparc
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        private static final long ERRNO = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle GETRLIMIT = bind("getrlimit", JAVA_INT, ADDRESS);
        static final MethodHandle SETRLIMIT = bind("setrlimit", JAVA_INT, ADDRESS);
        static final MethodHandle KILL = bind("kill", JAVA_INT, JAVA_INT);

        /** int name(args...), its handle taking the call-state segment first. */
        private static MethodHandle bind(String name, MemoryLayout... args) {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, args), Linker.Option.captureCallState("errno"));
        }

        static int errno(MemorySegment state) {
            return state.get(JAVA_INT, ERRNO);
        }
    }
}
