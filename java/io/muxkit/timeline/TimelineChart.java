package io.muxkit.timeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.muxkit.output.BackendColors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * Three panels, one under the other: wait durations, dispatch durations and ready fds per wait, each
 * as the share of its slices per power-of-two bin, one bar per file (the legend names its backend).
 * Shares, not counts, so a busy run and a quiet one compare.
 */
public final class TimelineChart {
    private TimelineChart() {}

    public static void write(List<TimelineSummary> files, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<CategoryChart> panels = List.of(
                panel(files, "Wait durations", "time in the wait syscall, µs (bin x holds [x, 2x))", "% of waits",
                        s -> s.waits, TimelineChart::durationLabel),
                panel(files, "Dispatch durations", "time in one handler, µs (bin x holds [x, 2x))", "% of dispatches",
                        s -> s.dispatches, TimelineChart::durationLabel),
                panel(files, "Ready fds per wait", "fds one wait returned", "% of waits",
                        s -> s.readyPerWait, SummaryReport::readyLabel));
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(panels, panels.size(), 1, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static CategoryChart panel(List<TimelineSummary> files, String title, String xTitle, String yTitle,
                                       Function<TimelineSummary, Distribution> values, Function<Integer, String> label) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(330).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setAvailableSpaceFill(0.8);
        int bins = 1;
        for (TimelineSummary f : files) bins = Math.max(bins, values.apply(f).powerOfTwoCounts().length);
        List<String> x = new ArrayList<>();
        for (int i = 0; i < bins; i++) x.add(label.apply(i));
        if (bins > 16) chart.getStyler().setXAxisLabelRotation(45);  // "128k256k512k" would run together
        for (TimelineSummary f : files) {
            Distribution d = values.apply(f);
            long[] counts = d.powerOfTwoCounts();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < bins; i++) y.add(i < counts.length ? 100.0 * counts[i] / d.count() : 0);
            CategorySeries series = chart.addSeries(seriesName(files, f), x, y);
            series.setFillColor(BackendColors.of(f.backend()));
        }
        return chart;
    }

    /** The backend, and which file when both are on the same backend (a series name must be unique). */
    private static String seriesName(List<TimelineSummary> files, TimelineSummary f) {
        boolean sameBackend = files.stream().filter(o -> o.backend().equals(f.backend())).count() > 1;
        return sameBackend ? f.backend() + " (" + (files.indexOf(f) + 1) + ": " + f.file.getFileName() + ")" : f.backend();
    }

    /** {@code "<1", "1", "2", "4" ... "512", "1k", "2k"} (µs): the start of power-of-two bin i. */
    private static String durationLabel(int i) {
        if (i == 0) return "<1";
        long start = Distribution.bucketStart(i);
        return start >= 1_000_000 ? start / 1_048_576 + "M" : start >= 1000 ? start / 1024 + "k" : String.valueOf(start);
    }
}
