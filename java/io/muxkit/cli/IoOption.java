package io.muxkit.cli;

import java.util.Locale;

import picocli.CommandLine.Option;

/** --io, for the commands whose loops run on either model: the servers and the load client. */
final class IoOption {
    @Option(names = "--io", paramLabel = "readiness|completion", defaultValue = "readiness",
            description = "How the loops do I/O: readiness (the backend says a socket is ready, then a read or write syscall; the default)"
                    + " or completion (io_uring requests that do the I/O: multishot accept, multishot recv into a shared buffer ring,"
                    + " send; one io_uring_enter a turn; runs on --backend uring).")
    String io;

    /** Whether completions are asked for; anything but readiness or completion is a usage error. */
    boolean completion() {
        String v = io == null ? "readiness" : io.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("readiness") && !v.equals("completion"))
            throw new UsageException("--io: '" + io + "' is neither readiness nor completion");
        return v.equals("completion");
    }
}
