package io.muxkit.ffi;

/** RLIMIT_NOFILE, through the binding (jnr-posix, or libc through java.lang.foreign). */
public final class Rlimits {
    public record Nofile(long soft, long hard) {}

    private Rlimits() {}

    public static Nofile nofile() {
        return Bindings.Current.BINDING.nofile();
    }

    /** Sets the soft limit; the hard limit stays. Throws with the errno when the kernel refuses. */
    public static void setNofileSoft(long soft) throws NativeIOException {
        int rc = Bindings.Current.BINDING.setNofile(soft, nofile().hard());
        if (rc < 0) throw new NativeIOException("setrlimit(RLIMIT_NOFILE, " + soft + ")", -1, -rc);
    }
}
