package io.muxkit.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.muxkit.loop.LoopMonitor;
import io.muxkit.loop.Timeline;
import picocli.CommandLine.Option;

/**
 * --timeline, --timeline-events and --lag-warn: what a command's event loops measure and record.
 * Apart from {@link MuxOptions} because only commands that run an EventLoop can honour them
 * (select-echo waits on a Multiplexer directly: it has nothing to record, so it lacks these flags).
 */
final class LoopOptions {
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

    private Timeline recorded;
    private boolean written;

    /**
     * What every loop of this command measures, installed before they are made: the lag figures
     * (for --stats and the exit line) and warning, and the timeline with --timeline, which is
     * also written at the JVM's exit if the command did not write it (the examples serve until killed).
     * loops: how many loop threads the command runs, for the memory the timeline's rings take;
     * mux: what the loops run on, which the timeline names.
     */
    LoopMonitor monitor(String command, int loops, MuxOptions mux) {
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
            recorded = new Timeline(command, mux.label(), timelineEvents);
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
}
