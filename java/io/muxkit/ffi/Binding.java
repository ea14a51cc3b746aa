package io.muxkit.ffi;

import java.nio.file.Path;

/**
 * One way for Java to call the shim and reach native memory: jnr-ffi ({@link JnrBinding}, JDK 17
 * and up) or java.lang.foreign (FfmBinding, JDK 22 and up, compiled from its own source root so
 * that a JDK 17 build leaves it out). {@link Bindings} picks one at start-up and loads it by class
 * name, so the other is never loaded. An implementation has a no-argument constructor that does
 * nothing that can fail; {@link #load} does the work.
 */
interface Binding {
    /** "jnr" or "ffm": what MUXKIT_BINDING and -Dmuxkit.binding name it. */
    String name();

    /**
     * Binds every function of {@link LibMuxkit} in the library at this absolute path, which the
     * caller deletes as soon as this returns. Throws UnsatisfiedLinkError, with the reason, when
     * the library cannot load (the loader prefixes the path); IllegalStateException, with one line
     * saying what to do, when this JVM does not let the binding run (jnr: Unsafe denied).
     */
    LibMuxkit load(Path library);

    /** The memory access of this binding; called once, after {@link #load}. */
    MemoryAccess memory();

    /** getrlimit(RLIMIT_NOFILE). */
    Rlimits.Nofile nofile();

    /** setrlimit(RLIMIT_NOFILE, {soft, hard}): 0, or -errno. */
    int setNofile(long soft, long hard);

    /** kill(2): 0, or -errno. A negative pid is a process group. */
    int kill(int pid, int signal);
}
