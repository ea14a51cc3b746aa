package io.muxkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.muxkit.timeline.SummaryReport;
import io.muxkit.timeline.TimelineChart;
import io.muxkit.timeline.TimelineSummary;
import io.muxkit.timeline.TraceFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "summary", mixinStandardHelpOptions = true, description = {
        "Wait and dispatch durations, ready fds per wait, iterations, counters and instants of a timeline.",
        "Two files print side by side (e.g. the same load on select and on epoll)." })
final class TimelineSummaryCommand implements Callable<Integer> {
    @Parameters(arity = "1..2", paramLabel = "FILE", description = "A timeline; a second one is compared with the first.")
    List<Path> files;

    @Option(names = "--chart", paramLabel = "FILE.png",
            description = "Draw wait durations, dispatch durations and ready fds per wait (one bar per file).")
    Path chart;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<TimelineSummary> summaries = new ArrayList<>();
        for (Path f : files) {
            try {
                summaries.add(TimelineSummary.read(f));
            } catch (NoSuchFileException e) {
                return refuse(f, "no such file");
            } catch (TraceFormatException e) {
                return refuse(f, e.getMessage());
            } catch (IOException e) {  // a directory, no permission, a damaged gzip
                return refuse(f, "cannot read it: " + e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(SummaryReport.text(summaries));
        out.flush();
        if (chart != null) {
            try {
                TimelineChart.write(summaries, chart);
            } catch (IOException e) {
                spec.commandLine().getErr().println("muxkit timeline summary: cannot write " + chart + ": " + e);
                return 1;
            }
            spec.commandLine().getErr().println("timeline summary: chart written to " + chart + " (" + Files.size(chart) + " bytes)");
        }
        return 0;
    }

    /** A file that cannot be summarized: one line naming it and why, exit 2. */
    private int refuse(Path file, String why) {
        spec.commandLine().getErr().println("muxkit timeline summary: " + file + ": " + why);
        return 2;
    }
}
