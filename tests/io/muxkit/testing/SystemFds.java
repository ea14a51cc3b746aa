package io.muxkit.testing;

import java.io.IOException;

import io.muxkit.ffi.Native;
import io.muxkit.ffi.NativeIOException;
import io.muxkit.mux.Backend;
import io.muxkit.net.Fds;
import io.muxkit.process.ProcFs;

/** Counting a process's open fds through /proc. */
public final class SystemFds {
    private SystemFds() {}

    /**
     * Loads what a first use of muxkit opens for good (the JVM opens each jar of the classpath, and
     * the shim, once), so that counts taken after it change only with what the code under test does.
     */
    public static void warmUp() throws IOException {
        Fds.closeQuietly(Fds.pipe());
        for (Backend b : Backend.values()) b.unavailableReason();  // opens and closes one of each, loading their classes
        new NativeIOException("warm-up", -1, Native.EINTR).getMessage();
    }

    /** This process's open fds. */
    public static long count() throws IOException {
        return count(ProcessHandle.current().pid()) - 1;  // less the one listing /proc/self/fd
    }

    /** Another process's open fds. */
    public static long count(long pid) throws IOException {
        return ProcFs.openFds(pid);
    }
}
