package io.muxkit.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import io.muxkit.loop.Loops;
import io.muxkit.mux.Backend;
import io.muxkit.mux.BackendChoice;
import io.muxkit.mux.FdSetMode;
import io.muxkit.mux.Multiplexer;
import io.muxkit.mux.SyscallTrace;
import io.muxkit.mux.TracingMultiplexer;
import io.muxkit.ring.RingSetup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * --backend, --select-fdset, --trace and --trace-file: how a server or client command opens its
 * loops or multiplexer (and, told by {@link IoOption}, on which model). What the loops measure
 * and record is {@link LoopOptions}.
 */
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

    private boolean completion;
    private SyscallTrace sink;

    /** The backend; with --io completion, uring (a --backend naming another is a usage error). */
    BackendChoice choice() {
        if (!completion()) return backend.choose();
        if (backend.name != null && !backend.name.trim().equalsIgnoreCase(Backend.URING.id()))
            throw new UsageException("--io completion runs on io_uring: give --backend uring, or no --backend (not " + backend.name + ")");
        String why = Backend.URING.unavailableReason();
        if (why != null) throw new UsageException("--io completion: io_uring does not work here: " + why);
        return new BackendChoice(Backend.URING, backend.name != null ? "--backend " + backend.name : "--io completion");
    }

    /** Whether the loops run on completions: a command with --io says so first ({@link IoOption}); the others never do. */
    void io(IoOption io) {
        completion = io.completion();
    }

    boolean completion() {
        return completion;
    }

    /** What runs the loops, as a timeline and a table name it: the backend's id, or "uring completion". */
    String label() {
        return choice().backend().id() + (completion() ? " completion" : "");
    }

    /** " io=completion" for the listening line on the completion path; "" on readiness, which has always been the default. */
    String ioSuffix() {
        return completion() ? " io=completion" : "";
    }

    /**
     * Opens each loop as asked: on a multiplexer of the chosen backend, or on a completion ring sized
     * for up to connectionsPerLoop connections; traced as --trace says.
     */
    Loops loops(long connectionsPerLoop) {
        if (!completion()) return Loops.readiness(factory());
        choice();
        if (tracesCalls())
            throw new UsageException("--trace calls: the calls of a readiness multiplexer; --io completion traces its syscalls (--trace)");
        return Loops.completion(RingSetup.forConnections(connectionsPerLoop), sink());
    }

    /** Opens one multiplexer per call, of the chosen backend; a failure to open is thrown unchecked. */
    Supplier<Multiplexer> factory() {
        BackendChoice choice = choice();
        FdSetMode mode = fdSet.mode();
        boolean calls = tracesCalls();
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

    /** Whether --trace asks for the Multiplexer's calls (else its syscalls, or no trace); any other value is a usage error. */
    private boolean tracesCalls() {
        if (trace != null && !trace.equals("calls") && !trace.equals("syscalls"))
            throw new UsageException("--trace: '" + trace + "' is neither syscalls nor calls");
        return "calls".equals(trace);
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
