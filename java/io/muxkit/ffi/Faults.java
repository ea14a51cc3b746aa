package io.muxkit.ffi;

/**
 * Fault injection in the shim (native/faults.c), switched on by the environment:
 * {@code MUXKIT_FAULTS="read:EINTR:0.01,write:SHORT:0.05"} and {@code MUXKIT_FAULTS_SEED=N}. Each
 * rule makes a call fail with an errno it can really return, before the syscall is made, with
 * the given probability; SHORT makes a read, write, send or sendfile move fewer bytes. Read when
 * the library loads; an invalid value makes the first use of {@link Native} fail with its reason.
 */
public final class Faults {
    private Faults() {}

    /** The rules in force, e.g. "read:EINTR:0.01,write:SHORT:0.05", or null when MUXKIT_FAULTS is unset. */
    public static String active() {
        return Native.LIB.mk_faults_description();
    }

    public static long seed() {
        return Native.LIB.mk_faults_seed();
    }

    /** Faults injected so far in this process, over every call. */
    public static long injected() {
        return Native.LIB.mk_faults_injected();
    }
}
