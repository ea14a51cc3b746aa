package io.muxkit.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import io.muxkit.mux.BackendChoice;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.mux.SyscallTrace;
import io.muxkit.mux.TracingMultiplexer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --backend, --select-fdset, --trace and --trace-file: how a server or client command opens its multiplexers. */
final class MuxOptions {
    private static final int TRACE_LINES_PER_SECOND = 50;

    @Mixin
    BackendOption backend;

    @Mixin
    FdSetOption fdSet;

    @Option(names = "--trace", arity = "0..1", fallbackValue = "syscalls", paramLabel = "syscalls|calls",
            description = "Print each multiplexing syscall as strace writes it, in the backend's own terms (syscalls, the default),"
                    + " or each Multiplexer call (calls); at most " + TRACE_LINES_PER_SECOND + " lines/s.")
    String trace;

    @Option(names = "--trace-file", paramLabel = "FILE", description = "Write the trace, every line, to FILE (with or without --trace).")
    Path traceFile;

    private SyscallTrace sink;

    BackendChoice choice() {
        return backend.choose();
    }

    /** Opens one multiplexer per call, of the chosen backend; a failure to open is thrown unchecked. */
    Supplier<Multiplexer> factory() {
        BackendChoice choice = backend.choose();
        FdSetMode mode = fdSet.mode();
        boolean calls = "calls".equals(trace);
        if (trace != null && !calls && !trace.equals("syscalls"))
            throw new UsageException("--trace: '" + trace + "' is neither syscalls nor calls");
        SyscallTrace out = sink();
        return () -> {
            try {
                if (out == null) return Multiplexer.open(choice.backend(), mode);
                if (calls) return new TracingMultiplexer(Multiplexer.open(choice.backend(), mode), out);
                return Multiplexer.open(choice.backend(), mode, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Where the trace goes, opened once: an unwritable --trace-file is a usage error before anything starts. */
    private SyscallTrace sink() {
        if (sink != null || (trace == null && traceFile == null)) return sink;
        PrintStream file = null;
        if (traceFile != null) {
            // a FIFO would block the open until some reader comes (and a socket cannot be opened): refused
            if (Files.exists(traceFile) && !Files.isRegularFile(traceFile) && !isCharacterDevice(traceFile))
                throw new UsageException("--trace-file: " + traceFile + " is not a regular file or a device: opening a FIFO would wait for a reader");
            try {
                file = new PrintStream(new FileOutputStream(traceFile.toFile()), true);
            } catch (IOException e) {
                throw new UsageException("--trace-file: cannot write " + traceFile + ": " + e.getMessage());
            }
        }
        sink = new SyscallTrace(trace == null ? null : System.out, TRACE_LINES_PER_SECOND, file);
        return sink;
    }

    private static boolean isCharacterDevice(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:mode") & 0170000) == 0020000;  // S_IFMT, S_IFCHR
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
