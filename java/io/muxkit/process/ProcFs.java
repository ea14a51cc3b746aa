package io.muxkit.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What /proc says of a process, read from outside it. */
public final class ProcFs {
    private ProcFs() {}

    /** Its open fds (the entries of /proc/PID/fd); IOException once it is gone. */
    public static long openFds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.count();
        }
    }
}
