package io.muxkit.ffi;

import java.nio.file.Path;

import jnr.constants.platform.RLIMIT;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.RLimit;

/**
 * The jnr-ffi binding: jnr-ffi generates {@link JnrShim}'s implementation (its fast path: every argument
 * an int or a long; {@link JnrLibMuxkit} routes around the one flaw of that path), jffi's MemoryIO
 * reaches memory, jnr-posix does getrlimit, setrlimit and kill. All of it rests on sun.misc.Unsafe:
 * a JVM that denies its memory access (--sun-misc-unsafe-memory-access=deny, JEP 471) makes
 * {@link #load} fail with what to do.
 */
final class JnrBinding implements Binding {
    static final String UNSAFE_DENIED = "jnr-ffi needs sun.misc.Unsafe, which this JVM denies"
            + " (--sun-misc-unsafe-memory-access=deny): run on the ffm binding (a jar built on JDK 22+, MUXKIT_BINDING=ffm)"
            + " or pass --sun-misc-unsafe-memory-access=allow";

    /** jnr-posix, loaded only when a limit or a signal is asked for. */
    private static final class Posix {
        static final POSIX POSIX = POSIXFactory.getNativePOSIX();
        static final int NOFILE = RLIMIT.RLIMIT_NOFILE.intValue();
    }

    @Override
    public String name() {
        return "jnr";
    }

    @Override
    public LibMuxkit load(Path library) {
        try {
            JnrShim shim = LibraryLoader.create(JnrShim.class).option(LibraryOption.IgnoreError, true).failImmediately().load(library.toString());
            return new JnrLibMuxkit(shim, library.toString());
        } catch (RuntimeException e) {  // jnr-ffi wraps what Unsafe throws
            if (unsafeDenied(e)) throw new IllegalStateException(UNSAFE_DENIED, e);
            throw e;
        }
    }

    /** Under deny, Unsafe's memory methods throw UnsupportedOperationException naming the method (e.g. putLong). */
    private static boolean unsafeDenied(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnsupportedOperationException) {
                for (StackTraceElement frame : t.getStackTrace())
                    if (frame.getClassName().equals("sun.misc.Unsafe")) return true;
            }
        }
        return false;
    }

    @Override
    public MemoryAccess memory() {
        return new JnrMemoryAccess();
    }

    @Override
    public Rlimits.Nofile nofile() {
        RLimit limit = Posix.POSIX.getrlimit(Posix.NOFILE);
        return new Rlimits.Nofile(limit.rlimCur(), limit.rlimMax());
    }

    @Override
    public int setNofile(long soft, long hard) {
        return Posix.POSIX.setrlimit(Posix.NOFILE, soft, hard) < 0 ? -Posix.POSIX.errno() : 0;
    }

    @Override
    public int kill(int pid, int signal) {
        return Posix.POSIX.kill(pid, signal) < 0 ? -Posix.POSIX.errno() : 0;
    }
}
