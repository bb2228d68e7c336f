package org.prunekit.viz;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.prunekit.model.Net;
import org.prunekit.prune.Sensitivity;
import org.prunekit.prune.SparsityReport;
import org.prunekit.prune.Sweep;
import org.prunekit.train.History;

/**
 * Ready-made charts in one place: short static entry points to the chart families of this
 * package, rendered headless as images (800×450 pixels unless said otherwise) that both Java
 * Jupyter kernels show as PNGs.
 *
 * <pre>{@code
 * display(Charts.trainingCurves(history));             // or history.plot(): accuracy and loss
 * display(Charts.accuracyVsSparsity(sweep));
 * display(Charts.layerSparsity(SparsityReport.of(net)));
 * display(Charts.weightHistogram(net, "fc1"));
 * display(Charts.mask(net, "fc1"));
 * }</pre>
 *
 * <p>Each entry point is one chart family set up for a common case: {@link LineChart},
 * {@link BarChart}, {@link Histogram}, {@link MaskImage}, {@link TrainingCurves},
 * {@link SparsityCurves}, {@link PruningCurves} (and {@link Tiles} for grids of small images).
 * Use a family directly for more control: typed {@link Series}, and one {@link ChartOptions}
 * (title, axis titles, size, log axes, y range, legend) that every family accepts. To restyle
 * beyond the options, take the XChart object from a {@code ...Chart} method (or a family's
 * {@code chart()}), change it and render it with {@link #toImage(Chart)}.
 *
 * <p>Accuracies and sparsities are drawn in percent.
 */
public final class Charts {

    /** Default image width in pixels. */
    public static final int WIDTH = 800;
    /** Default image height in pixels. */
    public static final int HEIGHT = 450;
    /** Number of histogram bins. */
    public static final int BINS = Histogram.BINS;

    static {
        Style.headless();
    }

    private Charts() {}

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

    /** @return the default {@link ChartOptions}, to refine, e.g. {@code Charts.options().logX()} */
    public static ChartOptions options() {
        return ChartOptions.defaults();
    }

    // ------------------------------------------------------------------ lines and bars

    /**
     * A line chart, one line per series; series of up to 30 points get markers. For typed series
     * use {@link LineChart} and {@link Series}.
     *
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param series series name → {@code {xs, ys}} (at least one series, xs and ys of equal, non-zero length)
     * @return the image
     */
    public static BufferedImage lines(String title, String xTitle, String yTitle, Map<String, double[][]> series) {
        return lines(title, xTitle, yTitle, series, options());
    }

    /**
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param series series name → {@code {xs, ys}}
     * @param options titles, size, axes and ranges, e.g. {@code Charts.options().logX()}
     * @return the image
     */
    public static BufferedImage lines(String title, String xTitle, String yTitle, Map<String, double[][]> series,
            ChartOptions options) {
        return ResultCharts.lines(title, xTitle, yTitle, series).options(options).image();
    }

    /**
     * The chart behind {@link #lines(String, String, String, Map)}, to restyle.
     *
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title
     * @param series series name → {@code {xs, ys}}
     * @return the chart
     */
    public static XYChart linesChart(String title, String xTitle, String yTitle, Map<String, double[][]> series) {
        return ResultCharts.lines(title, xTitle, yTitle, series).chart();
    }

    /**
     * A bar chart of named values, one bar per entry in the map's order ({@link BarChart}).
     *
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title (also the legend entry)
     * @param values bar name → value (at least one)
     * @return the image
     */
    public static BufferedImage bars(String title, String xTitle, String yTitle, Map<String, Double> values) {
        return bars(title, xTitle, yTitle, values, options());
    }

    /**
     * @param title the chart title
     * @param xTitle the x-axis title
     * @param yTitle the y-axis title (also the legend entry)
     * @param values bar name → value (at least one)
     * @param options titles, size, axes and ranges, e.g. {@code Charts.options().yFrom(90)}
     * @return the image
     */
    public static BufferedImage bars(String title, String xTitle, String yTitle, Map<String, Double> values,
            ChartOptions options) {
        return toImage(barChart(title, xTitle, yTitle, values).options(options).chart());
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
        return barChart(title, xTitle, yTitle, values).chart();
    }

    private static BarChart barChart(String title, String xTitle, String yTitle, Map<String, Double> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("bars(...) needs at least one value; the map is empty.");
        }
        return BarChart.of(title, xTitle, yTitle).addSeries(yTitle, values);
    }

    /**
     * Bars in groups: for each category (x), one bar per series, side by side ({@link BarChart}).
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
     * @param options titles, size, axes and ranges
     * @return the image
     */
    public static BufferedImage groupedBars(String title, String xTitle, String yTitle,
            Map<String, Map<String, Double>> series, ChartOptions options) {
        if (series == null || series.isEmpty()) {
            throw new IllegalArgumentException("groupedBars(...) needs at least one series with a value.");
        }
        BarChart chart = BarChart.of(title, xTitle, yTitle).options(options);
        series.forEach(chart::addSeries);
        return chart.image();
    }

    // ------------------------------------------------------------------ training

    /**
     * Test accuracy (solid) and training accuracy (dashed, same colour) per epoch, one colour
     * per history ({@link TrainingCurves}; {@code history.plot()} adds the loss).
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
        return TrainingCurves.of(histories).accuracyChart();
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
        return TrainingCurves.of(histories).lossChart();
    }

    // ------------------------------------------------------------------ sweeps and sensitivity

    /**
     * Accuracy after fine-tuning against sparsity, one line per criterion, with the dense
     * accuracy as a dashed line ({@link SparsityCurves}).
     *
     * @param sweep a sweep with at least one point
     * @return the image
     */
    public static BufferedImage accuracyVsSparsity(Sweep sweep) {
        return accuracyVsSparsity(sweep, false);
    }

    /**
     * @param sweep a sweep with at least one point
     * @param beforeFineTuning true to plot the accuracy right after pruning instead of after fine-tuning
     * @return the image
     */
    public static BufferedImage accuracyVsSparsity(Sweep sweep, boolean beforeFineTuning) {
        return accuracyVsSparsity(sweep, beforeFineTuning, options());
    }

    /**
     * @param sweep a sweep with at least one point
     * @param beforeFineTuning true to plot the accuracy right after pruning instead of after fine-tuning
     * @param options titles, axes and ranges (e.g. {@code options().title("...").xTitle("neurons removed (%)")})
     * @return the image
     */
    public static BufferedImage accuracyVsSparsity(Sweep sweep, boolean beforeFineTuning, ChartOptions options) {
        return ResultCharts.sweep(sweep, beforeFineTuning).options(options).image();
    }

    /**
     * The chart behind {@link #accuracyVsSparsity(Sweep, boolean)}, to restyle.
     *
     * @param sweep a sweep with at least one point
     * @param beforeFineTuning true to plot the accuracy right after pruning instead of after fine-tuning
     * @return the chart
     */
    public static XYChart accuracyVsSparsityChart(Sweep sweep, boolean beforeFineTuning) {
        return ResultCharts.sweep(sweep, beforeFineTuning).chart();
    }

    /**
     * Sensitivity curves: the accuracy when each layer alone is pruned, one line per layer, with
     * the unpruned accuracy as a dashed line ({@link SparsityCurves}).
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
        return ResultCharts.sensitivity(sensitivity).chart();
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
     * pruning that led to them ({@link SparsityReport#pruning()}, e.g. {@code lamp, global 98 %});
     * names still repeated get {@code #1}, {@code #2}, ... A layer missing from a report has no bar.
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
        return ResultCharts.layerSparsity(reports).chart();
    }

    // ------------------------------------------------------------------ weights and masks

    /**
     * Histogram of a layer's non-zero weight values ({@value Histogram#BINS} bins); pruned (zero)
     * weights are left out so the shape of what remains stays visible ({@link Histogram}).
     *
     * @param net a net
     * @param layer the layer's name, e.g. {@code fc1}
     * @return the image
     */
    public static BufferedImage weightHistogram(Net net, String layer) {
        return weightHistogram(net, layer, true);
    }

    /**
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
        return Histogram.ofLayer(net, layer).nonZeroOnly(nonZeroOnly).chart();
    }

    /**
     * Two overlaid histograms with the same bins, named {@code before} and {@code after}, e.g. a
     * layer's weights before and after pruning (Han et al. 2015, Fig. 5). Values that are
     * exactly zero (pruned weights) are left out of both; the legend says how many.
     *
     * @param title the chart title
     * @param before the first values, e.g. {@code net.layer("fc1").weightValues()}
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
        return Histogram.of(title).addSeries("before", before).addSeries("after", after).chart();
    }

    /**
     * A layer's pruning mask as an image ({@link MaskImage#ofLayer}): dark where a weight is
     * kept, white where it is pruned.
     *
     * @param net a net
     * @param layer the name of a Linear or Conv2d layer, e.g. {@code fc1}
     * @return the image
     */
    public static BufferedImage mask(Net net, String layer) {
        return MaskImage.ofLayer(net, layer).image();
    }

    /**
     * A 0/1 mask laid out as a {@code rows × cols} matrix, drawn as an image ({@link MaskImage#of}).
     *
     * @param mask the mask values, row-major; any non-zero value counts as kept
     * @param rows the number of rows (output units), drawn top to bottom
     * @param cols the number of columns (inputs), drawn left to right
     * @param title the title drawn above
     * @return the image
     */
    public static BufferedImage mask(float[] mask, int rows, int cols, String title) {
        return MaskImage.of(mask, rows, cols, title).image();
    }
}
