package io.muxkit.scale;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.muxkit.output.BackendColors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Log-log PNG charts of the scaling results: one line per series, the C reference dashed. */
public final class ScaleChart {
    private ScaleChart() {}

    /** Time per iteration against registered fds, one line per backend and active count. */
    public static void iterations(List<ScaleRow> rows, String title, Path file) throws IOException {
        Map<String, List<ScaleRow>> series = new LinkedHashMap<>();
        for (ScaleRow r : rows) {
            if (!r.ran()) continue;
            series.computeIfAbsent(r.backend() + (activeCounts(rows) > 1 ? ", " + r.active() + " active" : ""),
                    k -> new ArrayList<>()).add(r);
        }
        write(series, title, "registered descriptors (N)", "time per iteration, µs (median)", true,
                ScaleRow::iterationUsMedian, r -> r.fds(), file);
    }

    /** Messages per second against idle connections, one line per backend. */
    public static void idle(Map<String, List<double[]>> points, String title, Path file) throws IOException {
        XYChart chart = chart(title, "idle connections (K; 0 is drawn at 1)", "echo messages/s", false);
        for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
            List<double[]> p = e.getValue();
            if (p.isEmpty()) continue;
            double[] x = new double[p.size()], y = new double[p.size()];
            for (int i = 0; i < p.size(); i++) {
                x[i] = Math.max(p.get(i)[0], 1);  // log axis: 0 idle is drawn at 1
                y[i] = p.get(i)[1];
            }
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setLineColor(BackendColors.of(e.getKey()));
            s.setMarkerColor(BackendColors.of(e.getKey()));
        }
        save(chart, file);
    }

    private static long activeCounts(List<ScaleRow> rows) {
        return rows.stream().mapToInt(ScaleRow::active).distinct().count();
    }

    private static void write(Map<String, List<ScaleRow>> series, String title, String xTitle, String yTitle, boolean logY,
                              ToDoubleFunction<ScaleRow> y, ToDoubleFunction<ScaleRow> x, Path file) throws IOException {
        XYChart chart = chart(title, xTitle, yTitle, logY);
        for (Map.Entry<String, List<ScaleRow>> e : series.entrySet()) {
            List<ScaleRow> rows = e.getValue();
            double[] xs = rows.stream().mapToDouble(x).toArray(), ys = rows.stream().mapToDouble(y).toArray();
            XYSeries s = chart.addSeries(e.getKey(), xs, ys);
            style(s, rows.get(0));
        }
        save(chart, file);
    }

    /** One colour per backend, darker for more active descriptors; the C reference dashed in the same colour. */
    private static void style(XYSeries s, ScaleRow r) {
        java.awt.Color base = BackendColors.of(r.backend());
        s.setLineColor(r.active() > 1 ? base.darker() : base);
        s.setMarkerColor(r.active() > 1 ? base.darker() : base);
        s.setMarker(r.active() > 1 ? SeriesMarkers.SQUARE : SeriesMarkers.CIRCLE);
        s.setLineStyle(r.backend().startsWith("c-") ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
    }

    private static XYChart chart(String title, String xTitle, String yTitle, boolean logY) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1000).height(650).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setMarkerSize(7);
        return chart;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
