package io.muxkit.ffi;

import jnr.constants.platform.RLIMIT;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.RLimit;

/** RLIMIT_NOFILE through jnr-posix. */
public final class Rlimits {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    private static final int NOFILE = RLIMIT.RLIMIT_NOFILE.intValue();

    public record Nofile(long soft, long hard) {}

    private Rlimits() {}

    public static Nofile nofile() {
        RLimit limit = POSIX.getrlimit(NOFILE);
        return new Nofile(limit.rlimCur(), limit.rlimMax());
    }

    /** Sets the soft limit; the hard limit stays. Throws with the errno when the kernel refuses. */
    public static void setNofileSoft(long soft) throws NativeIOException {
        Nofile now = nofile();
        if (POSIX.setrlimit(NOFILE, soft, now.hard()) < 0)
            throw new NativeIOException("setrlimit(RLIMIT_NOFILE, " + soft + ")", -1, POSIX.errno());
    }
}
