package org.prunekit.viz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Sensitivity;
import org.prunekit.prune.SparsityReport;
import org.prunekit.prune.Sweep;
import org.prunekit.train.EpochStats;
import org.prunekit.train.History;

/**
 * Ready-made charts of training and pruning results, rendered headless as images.
 *
 * <p>Every chart method returns a {@link BufferedImage} (800×450 pixels unless said otherwise),
 * which both Java Jupyter kernels show as a PNG:
 *
 * <pre>{@code
 * display(Charts.trainingCurves(history));
 * display(Charts.accuracyVsSparsity(sweep));
 * display(Charts.layerSparsity(SparsityReport.of(net)));
 * display(Charts.weightHistogram(net, "fc1"));
 * display(Charts.mask(net, "fc1"));
 * }</pre>
 *
 * <p>To restyle a chart, take the XChart object from the matching {@code ...Chart} method, change
 * it and turn it into an image with {@link #toImage(Chart)}:
 *
 * <pre>{@code
 * XYChart c = Charts.trainingCurvesChart(history);
 * c.getStyler().setYAxisMin(90.0);
 * display(Charts.toImage(c));
 * Charts.savePng(Charts.toImage(c), Path.of("curves.png"));
 * }</pre>
 *
 * <p>Accuracies and sparsities are drawn in percent. All XChart charts share one style (white
 * background, light grid, 13-17 px sans-serif fonts, a colour-blind-friendly palette, the legend
 * below the plot or, when it does not fit there, to its right).
 */
public final class Charts {

    /** Default image width in pixels. */
    public static final int WIDTH = 800;
    /** Default image height in pixels. */
    public static final int HEIGHT = 450;
    /** Number of histogram bins. */
    public static final int BINS = 80;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Tableau 10: distinct, colour-blind friendly. */
    private static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
        new Color(0x59A14F), new Color(0xB07AA1), new Color(0x76B7B2), new Color(0xEDC948), new Color(0xFF9DA7),
        new Color(0x9C755F), new Color(0xBAB0AC)};
    private static final Color TEXT = new Color(0x222222);
    private static final Color GRID = new Color(0xE3E3E3);
    private static final Color BASELINE = new Color(0x555555);
    private static final Color KEPT = new Color(0x14213D);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final float LINE_WIDTH = 2.2f;
    private static final BasicStroke SOLID = new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND,
            BasicStroke.JOIN_ROUND);
    private static final BasicStroke DASHED = new BasicStroke(LINE_WIDTH, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);
    private static final int LEGEND_LINE = 28;
    private static final int LEGEND_PADDING = 8;

    private Charts() {}

    // ------------------------------------------------------------------ general helpers

    /**
     * Renders any XChart chart (for instance one returned by a {@code ...Chart} method and then
     * restyled) at its own size.
     *
     * @param chart an XChart chart
     * @return the rendered image
     */
    public static BufferedImage toImage(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Writes an image as a PNG file, creating missing parent folders.
     *
     * @param image an image, e.g. from any chart method
     * @param file where to write, e.g. {@code Path.of("charts/curves.png")}
     * @return {@code file}
     * @throws UncheckedIOException if the file cannot be written
     */
    public static Path savePng(BufferedImage image, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("No PNG writer available.");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Display options for the general charts ({@link #lines}, {@link #bars}, {@link #groupedBars}):
     * logarithmic axes, a fixed y range, number patterns. Immutable; start from {@link #options()}.
     *
     * <pre>{@code
     * Show.image(Charts.lines("Sparsity against tolerance", "ε", "%", curves, Charts.options().logX()));
     * }</pre>
     *
     * @param xLog a logarithmic x axis (line charts)
     * @param yLog a logarithmic y axis
     * @param yMin the lowest y shown, or NaN for automatic
     * @param yMax the highest y shown, or NaN for automatic
     * @param xPattern a {@link java.text.DecimalFormat} pattern for x tick labels (e.g. {@code 0E0}), or null
     * @param yPattern a pattern for y tick labels, or null
     * @param title a chart title replacing the default, or null
     * @param xTitle an x-axis title replacing the default, or null
     * @param yTitle a y-axis title replacing the default, or null
     */
    public record Options(boolean xLog, boolean yLog, double yMin, double yMax, String xPattern, String yPattern,
            String title, String xTitle, String yTitle) {

        /**
         * @param newTitle the chart's title
         * @return these options
         */
        public Options title(String newTitle) {
            return new Options(xLog, yLog, yMin, yMax, xPattern, yPattern, newTitle, xTitle, yTitle);
        }

        /**
         * @param newTitle the x axis's title
         * @return these options
         */
        public Options xTitle(String newTitle) {
            return new Options(xLog, yLog, yMin, yMax, xPattern, yPattern, title, newTitle, yTitle);
        }

        /**
         * @param newTitle the y axis's title
         * @return these options
         */
        public Options yTitle(String newTitle) {
            return new Options(xLog, yLog, yMin, yMax, xPattern, yPattern, title, xTitle, newTitle);
        }

        /** @return these options with a logarithmic x axis (tick labels in 1E-3 style) */
        public Options logX() {
            return new Options(true, yLog, yMin, yMax, xPattern == null ? "0E0" : xPattern, yPattern, title, xTitle,
                    yTitle);
        }

        /** @return these options with a logarithmic y axis */
        public Options logY() {
            return new Options(xLog, true, yMin, yMax, xPattern, yPattern == null ? "0E0" : yPattern, title, xTitle,
                    yTitle);
        }

        /**
         * @param min the lowest y shown
         * @param max the highest y shown
         * @return these options with a fixed y range
         */
        public Options yRange(double min, double max) {
            if (!(min < max)) {
                throw new IllegalArgumentException("A y range needs min < max, got " + min + " and " + max + ".");
            }
            return new Options(xLog, yLog, min, max, xPattern, yPattern, title, xTitle, yTitle);
        }

        /**
         * @param min the lowest y shown (the highest stays automatic)
         * @return these options
         */
        public Options yFrom(double min) {
            return new Options(xLog, yLog, min, yMax, xPattern, yPattern, title, xTitle, yTitle);
        }

        /**
         * @param pattern a decimal pattern for the x tick labels, e.g. {@code "0.00"} or {@code "0E0"}
         * @return these options
         */
        public Options xPattern(String pattern) {
            return new Options(xLog, yLog, yMin, yMax, pattern, yPattern, title, xTitle, yTitle);
        }

        /**
         * @param pattern a decimal pattern for the y tick labels
         * @return these options
         */
        public Options yPattern(String pattern) {
            return new Options(xLog, yLog, yMin, yMax, xPattern, pattern, title, xTitle, yTitle);
        }
    }

    /** @return the default options: linear axes, automatic ranges */
    public static Options options() {
        return new Options(false, false, Double.NaN, Double.NaN, null, null, null, null, null);
    }

    private static <C extends Chart<?, ?>> C apply(C chart, Options o) {
        if (o.title() != null) {
            chart.setTitle(o.title());
        }
        if (o.xTitle() != null) {
            chart.setXAxisTitle(o.xTitle());
        }
        if (o.yTitle() != null) {
            chart.setYAxisTitle(o.yTitle());
        }
        if (chart.getStyler() instanceof org.knowm.xchart.style.AxesChartStyler st) {
            if (!Double.isNaN(o.yMin())) {
                st.setYAxisMin(o.yMin());
            }
            if (!Double.isNaN(o.yMax())) {
                st.setYAxisMax(o.yMax());
            }
            if (o.yLog()) {
                st.setYAxisLogarithmic(true);
            }
            if (o.xPattern() != null) {
                st.setXAxisDecimalPattern(o.xPattern());
            }
            if (o.yPattern() != null) {
                st.setYAxisDecimalPattern(o.yPattern());
            }
        }
        if (chart.getStyler() instanceof org.knowm.xchart.style.XYStyler st && o.xLog()) {
            st.setXAxisLogarithmic(true);
        }
        return chart;
    }

    /**
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param series series name → {@code {xs, ys}}
     * @param options axes and ranges
     * @return the image
     */
    public static BufferedImage lines(String title, String xTitle, String yTitle, Map<String, double[][]> series,
            Options options) {
        return toImage(apply(linesChart(title, xTitle, yTitle, series), options));
    }

    /**
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title (also the legend entry)
     * @param values bar name → value (at least one)
     * @param options axes and ranges
     * @return the image
     */
    public static BufferedImage bars(String title, String xTitle, String yTitle, Map<String, Double> values,
            Options options) {
        return toImage(apply(barsChart(title, xTitle, yTitle, values), options));
    }

    /**
     * Bars in groups: for each category (x), one bar per series, side by side.
     *
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param series series name (legend) → (category → value); at least one series
     * @return the image
     */
    public static BufferedImage groupedBars(String title, String xTitle, String yTitle,
            Map<String, Map<String, Double>> series) {
        return groupedBars(title, xTitle, yTitle, series, options());
    }

    /**
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param series series name (legend) → (category → value); at least one series
     * @param options axes and ranges
     * @return the image
     */
    public static BufferedImage groupedBars(String title, String xTitle, String yTitle,
            Map<String, Map<String, Double>> series, Options options) {
        if (series == null || series.isEmpty() || series.values().stream().allMatch(Map::isEmpty)) {
            throw new IllegalArgumentException("groupedBars(...) needs at least one series with a value.");
        }
        return toImage(apply(groupedBarsChart(title, xTitle, yTitle, series), options));
    }

    /**
     * A bar chart of named values, one bar per entry in the map's order.
     *
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title (also the legend entry)
     * @param values bar name → value (at least one)
     * @return the image
     */
    public static BufferedImage bars(String title, String xTitle, String yTitle, Map<String, Double> values) {
        return toImage(barsChart(title, xTitle, yTitle, values));
    }

    /**
     * The chart behind {@link #bars(String, String, String, Map)}, to restyle.
     *
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title (also the legend entry)
     * @param values bar name → value (at least one)
     * @return the chart
     */
    public static CategoryChart barsChart(String title, String xTitle, String yTitle, Map<String, Double> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("bars(...) needs at least one value; the map is empty.");
        }
        Map<String, Map<String, Double>> one = new LinkedHashMap<>();
        one.put(yTitle, values);
        return groupedBarsChart(title, xTitle, yTitle, one);
    }

    /**
     * A line chart, one line per series.
     *
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param series series name → {@code {xs, ys}} (at least one series, xs and ys of equal, non-zero length)
     * @return the image
     */
    public static BufferedImage lines(String title, String xTitle, String yTitle, Map<String, double[][]> series) {
        return toImage(linesChart(title, xTitle, yTitle, series));
    }

    /**
     * The chart behind {@link #lines(String, String, String, Map)}, to restyle. Series of up to
     * 30 points get markers.
     *
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param series series name → {@code {xs, ys}} (at least one series, xs and ys of equal, non-zero length)
     * @return the chart
     */
    public static XYChart linesChart(String title, String xTitle, String yTitle, Map<String, double[][]> series) {
        if (series == null || series.isEmpty()) {
            throw new IllegalArgumentException("lines(...) needs at least one series; the map is empty.");
        }
        XYChart chart = xyChart(title, xTitle, yTitle);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy == null || xy.length != 2 || xy[0] == null || xy[1] == null || xy[0].length != xy[1].length
                    || xy[0].length == 0) {
                throw new IllegalArgumentException("Series '" + e.getKey() + "' must be {xs, ys} with as many xs as"
                        + " ys, at least one each.");
            }
            line(chart, e.getKey(), xy[0], xy[1], null, false);
        }
        return style(chart);
    }

    // ------------------------------------------------------------------ training

    /**
     * Test accuracy (solid) and training accuracy (dashed, same colour) per epoch, one colour
     * per history. Series are named after the net that trained (give copies their own names with
     * {@code net.copy("...")}); repeated names get {@code #1}, {@code #2}, ...
     *
     * @param histories one or more training histories, each with at least one epoch
     * @return the image
     */
    public static BufferedImage trainingCurves(History... histories) {
        return toImage(trainingCurvesChart(histories));
    }

    /**
     * The chart behind {@link #trainingCurves(History...)}, to restyle.
     *
     * @param histories one or more training histories, each with at least one epoch
     * @return the chart
     */
    public static XYChart trainingCurvesChart(History... histories) {
        List<String> names = histories(histories, "trainingCurves");
        XYChart chart = xyChart(histories.length == 1 ? "Accuracy while training " + histories[0].net()
                : "Accuracy while training", "epoch", "accuracy (%)");
        for (int i = 0; i < histories.length; i++) {
            List<EpochStats> e = histories[i].epochs();
            double[] x = e.stream().mapToDouble(EpochStats::epoch).toArray();
            Color c = PALETTE[i % PALETTE.length];
            line(chart, names.get(i) + " test", x, e.stream().mapToDouble(s -> 100 * s.testAccuracy()).toArray(), c,
                    false);
            line(chart, names.get(i) + " train", x, e.stream().mapToDouble(s -> 100 * s.trainAccuracy()).toArray(),
                    c, true);
        }
        integerXTicks(chart);
        return style(chart);
    }

    /**
     * Mean training loss per epoch, one line per history.
     *
     * @param histories one or more training histories, each with at least one epoch
     * @return the image
     */
    public static BufferedImage lossCurves(History... histories) {
        return toImage(lossCurvesChart(histories));
    }

    /**
     * The chart behind {@link #lossCurves(History...)}, to restyle.
     *
     * @param histories one or more training histories, each with at least one epoch
     * @return the chart
     */
    public static XYChart lossCurvesChart(History... histories) {
        List<String> names = histories(histories, "lossCurves");
        XYChart chart = xyChart(histories.length == 1 ? "Training loss of " + histories[0].net() : "Training loss",
                "epoch", "mean cross-entropy loss");
        for (int i = 0; i < histories.length; i++) {
            List<EpochStats> e = histories[i].epochs();
            line(chart, names.get(i), e.stream().mapToDouble(EpochStats::epoch).toArray(),
                    e.stream().mapToDouble(EpochStats::trainLoss).toArray(), PALETTE[i % PALETTE.length], false);
        }
        integerXTicks(chart);
        return style(chart);
    }

    // ------------------------------------------------------------------ sweeps and sensitivity

    /**
     * Accuracy after fine-tuning against sparsity, one line per criterion, with the dense
     * accuracy as a dashed line.
     *
     * @param sweep a sweep with at least one point
     * @return the image
     */
    public static BufferedImage accuracyVsSparsity(Sweep sweep) {
        return accuracyVsSparsity(sweep, false);
    }

    /**
     * Accuracy against sparsity, one line per criterion, with the dense accuracy as a dashed line.
     *
     * @param sweep a sweep with at least one point
     * @param beforeFineTuning true to plot the accuracy right after pruning instead of after fine-tuning
     * @return the image
     */
    public static BufferedImage accuracyVsSparsity(Sweep sweep, boolean beforeFineTuning) {
        return toImage(accuracyVsSparsityChart(sweep, beforeFineTuning));
    }

    /**
     * @param sweep a sweep with at least one point
     * @param beforeFineTuning true to plot the accuracy right after pruning instead of after fine-tuning
     * @param options titles, axes and ranges (e.g. {@code options().title("...").xTitle("neurons removed (%)")})
     * @return the image
     */
    public static BufferedImage accuracyVsSparsity(Sweep sweep, boolean beforeFineTuning, Options options) {
        return toImage(apply(accuracyVsSparsityChart(sweep, beforeFineTuning), options));
    }

    /**
     * The chart behind {@link #accuracyVsSparsity(Sweep, boolean)}, to restyle.
     *
     * @param sweep a sweep with at least one point
     * @param beforeFineTuning true to plot the accuracy right after pruning instead of after fine-tuning
     * @return the chart
     */
    public static XYChart accuracyVsSparsityChart(Sweep sweep, boolean beforeFineTuning) {
        if (sweep == null || sweep.points().isEmpty()) {
            throw new IllegalArgumentException("The sweep has no points; run it with at least one criterion and one"
                    + " sparsity.");
        }
        Map<String, double[][]> curves = new LinkedHashMap<>();
        for (String criterion : sweep.criteria()) {
            List<Sweep.Point> ps = sweep.of(criterion).stream()
                    .sorted((a, b) -> Double.compare(a.sparsity(), b.sparsity())).toList();
            curves.put(criterion, new double[][] {ps.stream().mapToDouble(p -> 100 * p.sparsity()).toArray(),
                ps.stream().mapToDouble(p -> 100 * (beforeFineTuning ? p.accuracyPruned() : p.accuracy()))
                        .toArray()});
        }
        String when = beforeFineTuning ? "right after pruning" : "after fine-tuning";
        XYChart chart = linesChart("Accuracy " + when + ": " + sweep.net() + " on " + shortName(sweep.data()),
                sweep.granularity().removesUnits() ? "sparsity (% of units removed)"
                        : "sparsity (% of weights pruned)", "test accuracy " + when + " (%)", curves);
        baseline(chart, sweep.baseline());
        return style(chart);
    }

    /**
     * Sensitivity curves: the accuracy when each layer alone is pruned, one line per layer, with
     * the unpruned accuracy as a dashed line.
     *
     * @param sensitivity a sensitivity analysis with at least one point
     * @return the image
     */
    public static BufferedImage sensitivity(Sensitivity sensitivity) {
        return toImage(sensitivityChart(sensitivity));
    }

    /**
     * The chart behind {@link #sensitivity(Sensitivity)}, to restyle.
     *
     * @param sensitivity a sensitivity analysis with at least one point
     * @return the chart
     */
    public static XYChart sensitivityChart(Sensitivity sensitivity) {
        if (sensitivity == null || sensitivity.points().isEmpty()) {
            throw new IllegalArgumentException("The sensitivity analysis has no points; measure it with at least one"
                    + " sparsity.");
        }
        Map<String, double[][]> curves = new LinkedHashMap<>();
        for (String layer : sensitivity.layers()) {
            List<Sensitivity.Point> ps = sensitivity.of(layer).stream()
                    .sorted((a, b) -> Double.compare(a.sparsity(), b.sparsity())).toList();
            curves.put(layer, new double[][] {ps.stream().mapToDouble(p -> 100 * p.sparsity()).toArray(),
                ps.stream().mapToDouble(p -> 100 * p.accuracy()).toArray()});
        }
        XYChart chart = linesChart("Sensitivity of " + sensitivity.net() + " (" + sensitivity.criterion() + ", "
                + sensitivity.granularity().toString().toLowerCase(java.util.Locale.ROOT) + ")",
                "sparsity of the layer pruned alone (%)", "test accuracy, no fine-tuning (%)", curves);
        baseline(chart, sensitivity.baseline());
        return style(chart);
    }

    // ------------------------------------------------------------------ sparsity per layer

    /**
     * Sparsity of each prunable layer, in percent, as bars.
     *
     * @param report a sparsity report with at least one row
     * @return the image
     */
    public static BufferedImage layerSparsity(SparsityReport report) {
        return layerSparsity(new SparsityReport[] {report});
    }

    /**
     * Sparsity of each prunable layer, in percent, as grouped bars: one series per report, named
     * after its net; reports of nets with the same name (copies of one net) are named after the
     * pruning that led to them ({@link SparsityReport#pruning()}: the report
     * {@code plan.apply()} returns says, e.g., {@code lamp, global 98 %}); names still repeated get
     * {@code #1}, {@code #2}, ... (name the copies with {@code net.copy("...")}). A layer missing
     * from a report has no bar for it.
     *
     * @param reports one or more sparsity reports, each with at least one row
     * @return the image
     */
    public static BufferedImage layerSparsity(SparsityReport... reports) {
        return toImage(layerSparsityChart(reports));
    }

    /**
     * The chart behind {@link #layerSparsity(SparsityReport...)}, to restyle.
     *
     * @param reports one or more sparsity reports, each with at least one row
     * @return the chart
     */
    public static CategoryChart layerSparsityChart(SparsityReport... reports) {
        if (reports == null || reports.length == 0) {
            throw new IllegalArgumentException("layerSparsity(...) needs at least one SparsityReport.");
        }
        List<String> names = new ArrayList<>();
        Map<String, Integer> nets = new HashMap<>();
        for (SparsityReport r : reports) {
            if (r.rows().isEmpty()) {
                throw new IllegalArgumentException("The sparsity report of " + r.net() + " has no layers.");
            }
            nets.merge(r.net(), 1, Integer::sum);
        }
        for (SparsityReport r : reports) {
            names.add(nets.get(r.net()) > 1 && !r.pruning().isEmpty() ? r.pruning() : r.net());
        }
        names = disambiguate(names);
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        for (int i = 0; i < reports.length; i++) {
            Map<String, Double> values = new LinkedHashMap<>();
            for (SparsityReport.Row row : reports[i].rows()) {
                values.put(row.layer(), 100 * row.sparsity());
            }
            String label = names.get(i) + String.format(" (total %.1f%%)", 100 * reports[i].sparsity());
            series.put(label, values);
        }
        String title = reports.length == 1 ? "Sparsity per layer of " + reports[0].net() : "Sparsity per layer";
        CategoryChart chart = groupedBarsChart(title, "layer", "sparsity (% of weights zero)", series);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        return chart;
    }

    // ------------------------------------------------------------------ weight histograms

    /**
     * Histogram of a layer's non-zero weight values ({@value #BINS} bins); pruned (zero)
     * weights are left out so the shape of what remains stays visible.
     *
     * @param net a net
     * @param layer the layer's name, e.g. {@code fc1}
     * @return the image
     */
    public static BufferedImage weightHistogram(Net net, String layer) {
        return weightHistogram(net, layer, true);
    }

    /**
     * Histogram of a layer's weight values ({@value #BINS} bins).
     *
     * @param net a net
     * @param layer the layer's name, e.g. {@code fc1}
     * @param nonZeroOnly true to leave out weights that are exactly zero (pruned)
     * @return the image
     */
    public static BufferedImage weightHistogram(Net net, String layer, boolean nonZeroOnly) {
        return toImage(weightHistogramChart(net, layer, nonZeroOnly));
    }

    /**
     * The chart behind {@link #weightHistogram(Net, String, boolean)}, to restyle.
     *
     * @param net a net
     * @param layer the layer's name, e.g. {@code fc1}
     * @param nonZeroOnly true to leave out weights that are exactly zero (pruned)
     * @return the chart
     */
    public static XYChart weightHistogramChart(Net net, String layer, boolean nonZeroOnly) {
        Layer l = weightedLayer(net, layer);
        float[] w = l.weight().getArray().toFloatArray();
        Map<String, float[]> series = new LinkedHashMap<>();
        series.put(layer + " " + l.weight().getArray().getShape(), w);
        return histogram("Weights of " + layer + " in " + net.name(), series, nonZeroOnly);
    }

    /**
     * Two overlaid histograms with the same {@value #BINS} bins, e.g. a layer's weights before
     * and after pruning (Han et al. 2015, Fig. 5): after magnitude pruning the small weights
     * around zero are gone. Values that are exactly zero (pruned weights) are left out of both;
     * the legend says how many.
     *
     * @param title the chart title
     * @param before the first values, e.g. {@code net.layer("fc1").weight().getArray().toFloatArray()}
     * @param after the second values, e.g. the same after pruning
     * @return the image
     */
    public static BufferedImage weightHistogram(String title, float[] before, float[] after) {
        return toImage(weightHistogramChart(title, before, after));
    }

    /**
     * The chart behind {@link #weightHistogram(String, float[], float[])}, to restyle.
     *
     * @param title the chart title
     * @param before the first values
     * @param after the second values
     * @return the chart
     */
    public static XYChart weightHistogramChart(String title, float[] before, float[] after) {
        if (before == null || after == null) {
            throw new IllegalArgumentException("weightHistogram(...) needs both the values before and after.");
        }
        Map<String, float[]> series = new LinkedHashMap<>();
        series.put("before", before);
        series.put("after", after);
        return histogram(title, series, true);
    }

    // ------------------------------------------------------------------ masks

    /**
     * A layer's pruning mask as an image (Han et al. 2015, Fig. 4): one pixel block per weight,
     * dark where the weight is kept and white where it is pruned; x is the input index, y the
     * output unit. A weight of shape (out, in, kh, kw) is drawn flattened to (out, in·kh·kw). A
     * layer without a mask is drawn all kept. The image is about 800 pixels wide (weights are
     * scaled up by whole pixels, or averaged into grey levels when there are more than 800
     * columns), with a title above and the sparsity below.
     *
     * @param net a net
     * @param layer the name of a Linear or Conv2d layer, e.g. {@code fc1}
     * @return the image
     */
    public static BufferedImage mask(Net net, String layer) {
        Layer l = weightedLayer(net, layer);
        NDArray w = l.weight().getArray();
        Shape shape = w.getShape();
        if (shape.dimension() != 2 && shape.dimension() != 4) {
            throw new IllegalArgumentException("Layer " + layer + " has a weight of shape " + shape + "; mask() draws"
                    + " 2-D (Linear) and 4-D (Conv2d) weights.");
        }
        int rows = Math.toIntExact(shape.get(0));
        int cols = Math.toIntExact(shape.size() / shape.get(0));
        NDArray m = net.masks().get(l.weight());
        float[] mask;
        if (m == null) {
            mask = new float[rows * cols];
            Arrays.fill(mask, 1f);
        } else if (m.getDataType() == DataType.FLOAT32) {
            mask = m.toFloatArray();
        } else {
            try (NDArray f = m.toType(DataType.FLOAT32, true)) {
                mask = f.toFloatArray();
            }
        }
        String dims = shape.dimension() == 2 ? rows + " × " + cols
                : rows + " × " + shape.get(1) + "·" + shape.get(2) + "·" + shape.get(3) + " = " + rows + " × " + cols;
        String pattern = m == null ? "" : org.prunekit.prune.NmPattern.detect(mask, shape);
        return mask(mask, rows, cols, "Mask of " + layer + " in " + net.name() + " (" + dims + ")"
                + (m == null ? ", no mask" : "") + (pattern.isEmpty() ? "" : ", " + pattern + " pattern"));
    }

    /**
     * A 0/1 mask laid out as a {@code rows × cols} matrix (row-major, like a Linear weight of shape
     * (rows, cols)) drawn as an image: non-zero entries dark, zeros white. See
     * {@link #mask(Net, String)}.
     *
     * @param mask the mask values, row-major; any non-zero value counts as kept
     * @param rows the number of rows (output units), drawn top to bottom
     * @param cols the number of columns (inputs), drawn left to right
     * @param title the title drawn above
     * @return the image
     */
    public static BufferedImage mask(float[] mask, int rows, int cols, String title) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("A mask needs at least one row and one column, got " + rows + " × "
                    + cols + ".");
        }
        if (mask == null || mask.length != (long) rows * cols) {
            throw new IllegalArgumentException("The mask has " + (mask == null ? 0 : mask.length) + " values, but "
                    + rows + " × " + cols + " = " + (long) rows * cols + " were expected.");
        }
        MaskLayout g = maskLayout(rows, cols);
        BufferedImage img = new BufferedImage(g.width(), g.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = img.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        gr.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, g.width(), g.height());

        long kept = 0;
        for (float v : mask) {
            if (v != 0) {
                kept++;
            }
        }
        // fraction kept per pixel: whole-pixel blocks when scaling up, averages when scaling down
        double[] keptPerPixel = new double[g.plotW() * g.plotH()];
        int[] cellsPerPixel = new int[keptPerPixel.length];
        double s = g.scale();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                boolean on = mask[r * cols + c] != 0;
                if (s >= 1) {
                    int k = (int) s;
                    for (int dy = 0; dy < k; dy++) {
                        int base = (r * k + dy) * g.plotW() + c * k;
                        for (int dx = 0; dx < k; dx++) {
                            keptPerPixel[base + dx] = on ? 1 : 0;
                            cellsPerPixel[base + dx] = 1;
                        }
                    }
                } else {
                    int px = Math.min(g.plotW() - 1, (int) (c * s));
                    int py = Math.min(g.plotH() - 1, (int) (r * s));
                    keptPerPixel[py * g.plotW() + px] += on ? 1 : 0;
                    cellsPerPixel[py * g.plotW() + px]++;
                }
            }
        }
        for (int py = 0; py < g.plotH(); py++) {
            for (int px = 0; px < g.plotW(); px++) {
                int i = py * g.plotW() + px;
                double f = cellsPerPixel[i] == 0 ? 0 : keptPerPixel[i] / cellsPerPixel[i];
                img.setRGB(g.plotX() + px, g.plotY() + py, blend(Color.WHITE, KEPT, f));
            }
        }

        gr.setColor(new Color(0x999999));
        gr.setStroke(new BasicStroke(1f));
        gr.drawRect(g.plotX() - 1, g.plotY() - 1, g.plotW() + 1, g.plotH() + 1);
        gr.setColor(TEXT);
        gr.setFont(TITLE_FONT);
        drawCentered(gr, title, g.width() / 2, 26);

        // ticks: x below the plot, y to its left (row 0 at the top, like the matrix)
        gr.setFont(TICK_FONT);
        FontMetrics fm = gr.getFontMetrics();
        int bottom = g.plotY() + g.plotH();
        for (int c = 0; c < cols; c += tickStep(cols)) {
            int x = g.plotX() + (int) Math.round((c + 0.5) * s);
            gr.drawLine(x, bottom + 1, x, bottom + 5);
            drawCentered(gr, Integer.toString(c), x, bottom + 6 + fm.getAscent());
        }
        for (int r = 0; r < rows; r += tickStep(rows)) {
            int y = g.plotY() + (int) Math.round((r + 0.5) * s);
            gr.drawLine(g.plotX() - 6, y, g.plotX() - 2, y);
            String label = Integer.toString(r);
            gr.drawString(label, g.plotX() - 9 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        gr.setFont(AXIS_TITLE_FONT);
        fm = gr.getFontMetrics();
        drawCentered(gr, "input index", g.plotX() + g.plotW() / 2, bottom + 26 + fm.getAscent());
        AffineTransform saved = gr.getTransform();
        gr.rotate(-Math.PI / 2);
        drawCentered(gr, "output unit", -(g.plotY() + g.plotH() / 2), g.plotX() - 44);
        gr.setTransform(saved);

        long n = (long) rows * cols;
        String caption = String.format("%.1f%% pruned: %,d of %,d weights kept (dark = kept, white = pruned)",
                100.0 * (n - kept) / n, kept, n);
        drawCentered(gr, caption, g.width() / 2, g.height() - 12);
        gr.dispose();
        return img;
    }

    /** Where the parts of a mask image go. */
    record MaskLayout(int width, int height, int plotX, int plotY, int plotW, int plotH, double scale) {}

    private static final int MASK_MAX_W = 800;
    private static final int MASK_MAX_H = 560;
    private static final int MASK_LEFT = 70;
    private static final int MASK_RIGHT = 20;
    private static final int MASK_TOP = 44;
    private static final int MASK_BOTTOM = 84;

    /**
     * @param rows mask rows
     * @param cols mask columns
     * @return the layout of the mask image
     */
    static MaskLayout maskLayout(int rows, int cols) {
        double fit = Math.min(MASK_MAX_W / (double) cols, MASK_MAX_H / (double) rows);
        double scale = fit >= 1 ? Math.floor(fit) : fit;
        int plotW = Math.max(1, (int) Math.ceil(cols * scale - 1e-9));
        int plotH = Math.max(1, (int) Math.ceil(rows * scale - 1e-9));
        int width = Math.max(WIDTH, plotW + MASK_LEFT + MASK_RIGHT);
        int plotX = Math.max(MASK_LEFT, (width - plotW) / 2);
        return new MaskLayout(width, plotH + MASK_TOP + MASK_BOTTOM, plotX, MASK_TOP, plotW, plotH, scale);
    }

    // ------------------------------------------------------------------ internals

    /** The house style, applied to every XChart chart made here. */
    private static <C extends Chart<?, ?>> C style(C chart) {
        Styler st = chart.getStyler();
        chart.setTitle(fit(chart.getTitle(), TITLE_FONT, chart.getWidth() - 40));
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(true);
        st.setPlotBorderColor(new Color(0xBBBBBB));
        st.setChartFontColor(TEXT);
        st.setChartTitleFont(TITLE_FONT);
        st.setChartTitleBoxVisible(false);
        st.setChartTitlePadding(10);
        st.setChartPadding(12);
        st.setSeriesColors(PALETTE);
        st.setMarkerSize(7);
        st.setAntiAlias(true);
        st.setToolTipsEnabled(false);
        st.setLegendVisible(true);
        st.setLegendFont(LEGEND_FONT);
        st.setLegendBackgroundColor(Color.WHITE);
        st.setLegendBorderColor(new Color(0xCCCCCC));
        st.setLegendPadding(LEGEND_PADDING);
        st.setLegendSeriesLineLength(LEGEND_LINE);
        if (legendFitsBelow(chart)) {
            st.setLegendPosition(Styler.LegendPosition.OutsideS);
            st.setLegendLayout(Styler.LegendLayout.Horizontal);
        } else {
            st.setLegendPosition(Styler.LegendPosition.OutsideE);
            st.setLegendLayout(Styler.LegendLayout.Vertical);
        }
        if (st instanceof AxesChartStyler a) {
            a.setAxisTitleFont(AXIS_TITLE_FONT);
            a.setAxisTickLabelsFont(TICK_FONT);
            a.setAxisTickLabelsColor(TEXT);
            a.setAxisTitlePadding(8);
            a.setAxisTickPadding(6);
            a.setAxisTickMarksColor(new Color(0x888888));
            a.setPlotGridLinesVisible(true);
            a.setPlotGridLinesColor(GRID);
            a.setPlotGridLinesStroke(new BasicStroke(1f));
            a.setPlotMargin(6);
            if (a.getXAxisDecimalPattern() == null) {
                a.setXAxisDecimalPattern("#,##0.###");
            }
            if (a.getYAxisDecimalPattern() == null) {
                a.setYAxisDecimalPattern("#,##0.###");
            }
        }
        return chart;
    }

    /** The text, cut with an ellipsis if wider than {@code width} pixels in {@code font}. */
    private static String fit(String text, Font font, int width) {
        if (text == null) {
            return null;
        }
        FontMetrics fm = metrics(font);
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String t = text;
        while (t.length() > 1 && fm.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t.strip() + "…";
    }

    private static FontMetrics metrics(Font font) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        FontMetrics fm = g.getFontMetrics(font);
        g.dispose();
        return fm;
    }

    /** A data set's name without its details in parentheses, e.g. {@code MNIST}. */
    private static String shortName(String name) {
        int i = name == null ? -1 : name.indexOf(" (");
        return i > 0 ? name.substring(0, i) : name;
    }

    /** Whether the legend entries fit side by side in one row below the plot. */
    private static boolean legendFitsBelow(Chart<?, ?> chart) {
        FontMetrics fm = metrics(LEGEND_FONT);
        int total = LEGEND_PADDING;
        for (String name : chart.getSeriesMap().keySet()) {
            total += LEGEND_LINE + 2 * LEGEND_PADDING + fm.stringWidth(name);
        }
        return total <= chart.getWidth() - 60;
    }

    private static XYChart xyChart(String title, String xTitle, String yTitle) {
        return new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .theme(Styler.ChartTheme.XChart).build();
    }

    /** Adds a line; {@code color} null lets the palette choose. Up to 30 points get markers. */
    private static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color, boolean dashed) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineStyle(dashed ? DASHED : SOLID);
        s.setMarker(x.length <= 30 && !dashed ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        if (color != null) {
            s.setLineColor(color);
            s.setMarkerColor(color);
        }
        return s;
    }

    /** A dashed horizontal line across the data's x range, named with its value. */
    private static void baseline(XYChart chart, double accuracy) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            lo = Math.min(lo, s.getXMin());
            hi = Math.max(hi, s.getXMax());
        }
        if (lo == hi) {
            lo -= 1;
            hi += 1;
        }
        line(chart, String.format("dense baseline (%.2f%%)", 100 * accuracy), new double[] {lo, hi},
                new double[] {100 * accuracy, 100 * accuracy}, BASELINE, true);
    }

    /** Labels epoch ticks only at whole numbers. */
    private static void integerXTicks(XYChart chart) {
        chart.getStyler().setxAxisTickLabelsFormattingFunction(
                v -> Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v)) : "");
    }

    private static CategoryChart groupedBarsChart(String title, String xTitle, String yTitle,
            Map<String, Map<String, Double>> series) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).theme(Styler.ChartTheme.XChart).build();
        Set<String> categories = new LinkedHashSet<>();
        series.values().forEach(m -> categories.addAll(m.keySet()));
        double max = series.values().stream().flatMap(m -> m.values().stream()).filter(v -> v != null)
                .mapToDouble(Math::abs).max().orElse(0);
        String labelPattern = max >= 100 ? "#,##0" : max >= 10 ? "#,##0.#" : max >= 1 ? "#,##0.##" : "0.###";
        for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
            List<String> xs = new ArrayList<>(categories);
            List<Double> ys = new ArrayList<>();
            for (String c : categories) {
                Double v = e.getValue().get(c);
                if (v != null && !Double.isFinite(v)) {
                    throw new IllegalArgumentException("Bar '" + c + "' of '" + e.getKey() + "' is " + v + ".");
                }
                ys.add(v);
            }
            CategorySeries s = chart.addSeries(e.getKey(), xs, ys);
            s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
            s.setYAxisDecimalPattern(labelPattern);
        }
        CategoryStyler st = chart.getStyler();
        st.setLabelsVisible(true);
        st.setLabelsFont(TICK_FONT);
        st.setLabelsFontColorAutomaticEnabled(true);
        st.setLabelsFontColorAutomaticDark(TEXT);
        st.setLabelsFontColorAutomaticLight(Color.WHITE);
        st.setLabelsPosition(0.93);
        st.setAvailableSpaceFill(series.size() == 1 ? 0.6 : 0.8);
        st.setPlotGridVerticalLinesVisible(false);
        style(chart);
        st.setPlotGridVerticalLinesVisible(false);
        turnLongLabels(chart, categories);
        return chart;
    }

    /**
     * Category labels wider than the space each category gets along the x axis would overlap
     * (long layer names such as {@code res2.sc_conv1}, or many categories): they are turned by
     * 45°, or by 90° where even slanted labels would touch, so every label stays readable.
     * Labels that fit stay horizontal.
     *
     * @return the rotation chosen, in degrees
     */
    static int turnLongLabels(CategoryChart chart, Collection<String> categories) {
        if (categories.isEmpty()) {
            return 0;
        }
        FontMetrics fm = metrics(TICK_FONT);
        int widest = categories.stream().mapToInt(fm::stringWidth).max().orElse(0);
        int legend = 0;
        if (chart.getStyler().getLegendPosition() == Styler.LegendPosition.OutsideE) {
            FontMetrics lf = metrics(LEGEND_FONT);
            legend = chart.getSeriesMap().keySet().stream().mapToInt(lf::stringWidth).max().orElse(0) + LEGEND_LINE
                    + 4 * LEGEND_PADDING;
        }
        // the plot: the chart less the y axis (title, tick labels), paddings and an east legend
        double slot = (chart.getWidth() - 110.0 - legend) / categories.size();
        int rotation = widest + 10 <= slot ? 0 : fm.getHeight() * 1.5 <= slot ? 45 : 90;
        chart.getStyler().setXAxisLabelRotation(rotation);
        return rotation;
    }

    /** Step-outline histograms with shared bins, filled translucent. */
    private static XYChart histogram(String title, Map<String, float[]> series, boolean nonZeroOnly) {
        Map<String, float[]> kept = new LinkedHashMap<>();
        Map<String, Long> zeros = new HashMap<>();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (Map.Entry<String, float[]> e : series.entrySet()) {
            float[] v = e.getValue();
            int n = 0;
            float[] out = new float[v.length];
            for (float x : v) {
                if (Float.isFinite(x) && !(nonZeroOnly && x == 0f)) {
                    out[n++] = x;
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
            kept.put(e.getKey(), Arrays.copyOf(out, n));
            zeros.put(e.getKey(), (long) (v.length - n));
        }
        if (kept.values().stream().allMatch(v -> v.length == 0)) {
            throw new IllegalArgumentException("Nothing to draw in '" + title + "': the values are empty"
                    + (nonZeroOnly ? " or all zero" : "") + ".");
        }
        if (lo == hi) {
            float pad = lo == 0 ? 0.5f : Math.abs(lo) * 0.1f;
            lo -= pad;
            hi += pad;
        }
        double width = (hi - (double) lo) / BINS;
        // nice axis ends, a little outside the data; the outlines run along zero out to them, which
        // also keeps XChart from putting ticks at the (equally spaced) bin edges
        double half = niceStep((hi - (double) lo) / 6) / 2;
        double axisMin = Math.floor((lo - width / 2) / half) * half;
        double axisMax = Math.ceil((hi + width / 2) / half) * half;
        XYChart chart = xyChart(title, "weight value", "number of weights");
        int i = 0;
        for (Map.Entry<String, float[]> e : kept.entrySet()) {
            long[] counts = new long[BINS];
            for (float x : e.getValue()) {
                counts[Math.min(BINS - 1, (int) ((x - lo) / width))]++;
            }
            // outline of the bars: up, across, down at every bin edge
            double[] xs = new double[2 * BINS + 2];
            double[] ys = new double[2 * BINS + 2];
            xs[0] = axisMin;
            for (int b = 0; b < BINS; b++) {
                xs[2 * b + 1] = lo + b * width;
                ys[2 * b + 1] = counts[b];
                xs[2 * b + 2] = lo + (b + 1) * width;
                ys[2 * b + 2] = counts[b];
            }
            xs[2 * BINS + 1] = axisMax;
            long z = zeros.get(e.getKey());
            String name = String.format("%s: %,d values", e.getKey(), e.getValue().length)
                    + (z > 0 ? String.format(" (%,d %s not shown)", z, nonZeroOnly ? "zeros" : "non-finite") : "");
            Color c = PALETTE[i++ % PALETTE.length];
            XYSeries s = chart.addSeries(name, xs, ys);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(c);
            s.setLineStyle(new BasicStroke(1.5f));
            s.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 90));
        }
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisMin(axisMin);
        chart.getStyler().setXAxisMax(axisMax);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        return style(chart);
    }

    /** The layer, which must have a weight (Linear or Conv2d). */
    private static Layer weightedLayer(Net net, String layer) {
        if (net == null || layer == null) {
            throw new IllegalArgumentException("Give a net and a layer name, e.g. (net, \"fc1\").");
        }
        Layer l = net.layer(layer);
        if (!l.isPrunable()) {
            throw new IllegalArgumentException("Layer " + layer + " (" + l.kind() + ") has no weight matrix; use one"
                    + " of " + net.prunableLayers().stream().map(Layer::name).toList() + ".");
        }
        return l;
    }

    /** The histories' labels; throws on none or on an empty one. */
    private static List<String> histories(History[] histories, String method) {
        if (histories == null || histories.length == 0) {
            throw new IllegalArgumentException(method + "(...) needs at least one History.");
        }
        List<String> names = new ArrayList<>();
        for (History h : histories) {
            if (h.epochs().isEmpty()) {
                throw new IllegalArgumentException("The history of " + h.net() + " has no epochs to draw.");
            }
            names.add(h.net());
        }
        return disambiguate(names);
    }

    /** Appends #1, #2, ... to names that occur more than once. */
    static List<String> disambiguate(List<String> names) {
        Map<String, Integer> total = new HashMap<>();
        names.forEach(n -> total.merge(n, 1, Integer::sum));
        Map<String, Integer> seen = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(total.get(n) > 1 ? n + " #" + seen.merge(n, 1, Integer::sum) : n);
        }
        return out;
    }

    /** The smallest of 1, 2, 5 × 10^k not below {@code raw}. */
    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (int m : new int[] {1, 2, 5}) {
            if (m * p >= raw * (1 - 1e-9)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static int tickStep(int n) {
        double raw = n / 6.0;
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(1, raw))));
        for (int m : new int[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return (int) Math.max(1, m * p);
            }
        }
        return (int) Math.max(1, 10 * p);
    }

    private static int blend(Color a, Color b, double f) {
        int r = (int) Math.round(a.getRed() + f * (b.getRed() - a.getRed()));
        int g = (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen()));
        int bl = (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue()));
        return (r << 16) | (g << 8) | bl;
    }

    private static void drawCentered(Graphics2D g, String text, int centerX, int baselineY) {
        g.drawString(text, centerX - g.getFontMetrics().stringWidth(text) / 2, baselineY);
    }
}
