package org.prunekit.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * Distributions of values, e.g. a layer's weights before and after pruning (Han et al. 2015,
 * Fig. 5): every series is counted in the same {@value #BINS} bins and drawn as a translucent
 * step outline, so the shapes can be laid over each other. Values that are not finite, and
 * (by default) values that are exactly zero (pruned weights), are left out; the legend says how
 * many.
 *
 * <pre>{@code
 * Show.image(Histogram.of("fc1 before and after pruning")
 *         .addSeries("before", before).addSeries("after", after).image());
 * Show.image(Histogram.ofLayer(net, "fc1").image());
 * }</pre>
 */
public final class Histogram extends ChartFamily<XYChart, Histogram> {

    /** Number of bins. */
    public static final int BINS = 80;

    private final Map<String, float[]> series = new LinkedHashMap<>();
    private boolean nonZeroOnly = true;

    private Histogram(String title) {
        super(title, "weight value", "number of weights");
    }

    /**
     * @param title the chart's title
     * @return an empty histogram of weight values (x "weight value", y "number of weights")
     */
    public static Histogram of(String title) {
        return new Histogram(title);
    }

    /**
     * A histogram of a layer's weights, named after the layer and its shape.
     *
     * @param net a net
     * @param layer the name of a layer with a weight (Linear or Conv2d), e.g. {@code fc1}
     * @return the histogram
     */
    public static Histogram ofLayer(Net net, String layer) {
        Layer l = MaskImage.weightedLayer(net, layer);
        return of("Weights of " + layer + " in " + net.name())
                .addSeries(layer + " " + l.weight().getArray().getShape(), l.weightValues());
    }

    /**
     * @param name the legend entry (the counts are added to it), not in the chart yet
     * @param values the values
     * @return this histogram
     */
    public Histogram addSeries(String name, float[] values) {
        if (name == null || values == null) {
            throw new IllegalArgumentException("Give a series name and its values.");
        }
        if (series.containsKey(name)) {
            throw new IllegalArgumentException("The histogram already has a series named '" + name + "'.");
        }
        series.put(name, values.clone());
        return this;
    }

    /**
     * @param leaveOut true (the default) to leave out values that are exactly zero (pruned weights)
     * @return this histogram
     */
    public Histogram nonZeroOnly(boolean leaveOut) {
        this.nonZeroOnly = leaveOut;
        return this;
    }

    @Override
    public XYChart chart() {
        Map<String, float[]> kept = new LinkedHashMap<>();
        Map<String, Long> dropped = new LinkedHashMap<>();
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
            dropped.put(e.getKey(), (long) (v.length - n));
        }
        if (kept.values().stream().allMatch(v -> v.length == 0)) {
            throw new IllegalArgumentException("Nothing to draw in '" + defaultTitle() + "': the values are empty"
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
        double half = Style.niceStep((hi - (double) lo) / 6) / 2;
        double axisMin = Math.floor((lo - width / 2) / half) * half;
        double axisMax = Math.ceil((hi + width / 2) / half) * half;
        ChartOptions o = options();
        if (o.yLog()) {
            throw new IllegalArgumentException("A histogram's empty bins count 0, which a logarithmic y axis cannot"
                    + " show; draw '" + defaultTitle() + "' without logY().");
        }
        XYChart chart = emptyXYChart();
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
            long z = dropped.get(e.getKey());
            String name = String.format("%s: %,d values", e.getKey(), e.getValue().length)
                    + (z > 0 ? String.format(" (%,d %s not shown)", z, nonZeroOnly ? "zeros" : "non-finite") : "");
            Color c = Style.color(i++);
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
        return Style.apply(chart, o);
    }
}
