package io.muxkit.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /**
     * This process's fds on anonymous inodes (eventfd, epoll, io_uring, inotify): all a backend
     * opens, and nothing the JVM opens or closes by itself meanwhile (a jar, a /proc file).
     */
    public static long anonInodes() throws IOException {
        long n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("anon_inode:")) n++;
                } catch (IOException closedMeanwhile) {
                    // the directory stream's own fd, or one closed while listed
                }
            }
        }
        return n;
    }

    /** Another process's open fds. */
    public static long count(long pid) throws IOException {
        return ProcFs.openFds(pid);
    }
}
