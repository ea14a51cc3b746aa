package io.muxkit.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

import io.muxkit.loop.LoopMonitor;
import io.muxkit.loop.Loops;
import io.muxkit.loop.Timeline;
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
 * loops (and, told by {@link IoOption}, on which model); --timeline, --timeline-events and
 * --lag-warn: what its loops measure and record.
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

    @Option(names = "--timeline", paramLabel = "FILE",
            description = "Record each loop's waits, handlers, timers, tasks, counters and refusals, and write them to FILE at exit"
                    + " (also on SIGINT and SIGTERM): Chrome Trace Event JSON, for Perfetto UI or `muxkit timeline summary` (docs/timeline.md).")
    Path timeline;

    @Option(names = "--timeline-events", paramLabel = "N", defaultValue = "" + Timeline.DEFAULT_EVENTS,
            description = "The last N events each loop thread keeps for --timeline, " + Timeline.BYTES_PER_EVENT
                    + " bytes each (default: ${DEFAULT-VALUE}, about " + (Timeline.DEFAULT_EVENTS * (long) Timeline.BYTES_PER_EVENT >> 20)
                    + " MiB per loop thread).")
    int timelineEvents;

    @Option(names = "--lag-warn", paramLabel = "MS", defaultValue = "" + LoopMonitor.DEFAULT_WARN_MILLIS,
            description = "Warn (at most a line a second per loop) when a handler, timer or task holds its loop longer than this; 0: never (default: ${DEFAULT-VALUE}).")
    long lagWarn;

    private boolean completion;
    private SyscallTrace sink;
    private Timeline recorded;
    private boolean written;

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
        if ("calls".equals(trace))
            throw new UsageException("--trace calls: the calls of a readiness multiplexer; --io completion traces its syscalls (--trace)");
        return Loops.completion(RingSetup.forConnections(connectionsPerLoop), sink());
    }

    /**
     * What every loop of this command measures, installed before they are made: the lag figures
     * (for --stats and the exit line) and warning, and the timeline with --timeline, which is
     * also written at the JVM's exit if the command did not write it (the examples serve until killed).
     * loops: how many loop threads the command runs, for the memory the timeline's rings take.
     */
    LoopMonitor monitor(String command, int loops) {
        Checks.range("--lag-warn", lagWarn, 0, 3_600_000);
        Checks.range("--timeline-events", timelineEvents, 1, 100_000_000);  // bad input even without --timeline
        if (timeline != null) {
            checkHeap(loops);
            if (Files.isDirectory(timeline)) throw new UsageException("--timeline: cannot write " + timeline + ": a directory");
            try {
                Timeline.checkWritable(timeline);
            } catch (IOException e) {
                throw new UsageException("--timeline: cannot write " + timeline + ": " + why(e));
            }
            recorded = new Timeline(command, label(), timelineEvents);
            Runtime.getRuntime().addShutdownHook(new Thread(this::writeTimeline, "write the timeline"));
        }
        LoopMonitor monitor = new LoopMonitor(lagWarn, true, recorded);
        LoopMonitor.install(monitor);
        return monitor;
    }

    /**
     * The rings are allocated as the loops start, and writing copies one of them: refused at start
     * if together they would take more than half the heap, rather than an OutOfMemoryError that
     * kills a loop (or the write, at exit) after the server has started.
     */
    private void checkHeap(int loops) {
        long need = (loops + 1L) * timelineEvents * Timeline.BYTES_PER_EVENT, heap = Runtime.getRuntime().maxMemory();
        if (need > heap / 2)
            throw new UsageException("--timeline-events " + timelineEvents + " for " + loops + (loops == 1 ? " loop" : " loops") + " needs "
                    + (need >> 20) + " MiB (the rings and a copy to write), more than half the JVM's heap of " + (heap >> 20)
                    + " MiB: fewer events, or a larger heap (JAVA_OPTS=-Xmx...)");
    }

    /** Writes --timeline's file once (a second call does nothing) and says so on stderr; loops may still run. */
    synchronized void writeTimeline() {
        if (recorded == null || written) return;
        written = true;
        try {
            Timeline.Written w = recorded.write(timeline);
            System.err.println("timeline: " + w.kept() + " events written to " + timeline
                    + (w.overwritten() > 0 ? " (" + w.overwritten() + " older ones overwritten: --timeline-events " + timelineEvents + " per loop)" : "")
                    + (w.cut() > 0 ? " (" + w.cut() + " left out: a turn's slices whose iteration was overwritten or not finished)" : ""));
        } catch (IOException e) {
            System.err.println("muxkit: --timeline: could not write " + timeline + ": " + why(e));
        }
    }

    /** What went wrong, in words: a FileSystemException's message is only its path. */
    private static String why(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Opens one multiplexer per call, of the chosen backend; a failure to open is thrown unchecked. */
    Supplier<Multiplexer> factory() {
        BackendChoice choice = choice();
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
