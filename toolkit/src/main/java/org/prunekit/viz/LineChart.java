package org.prunekit.viz;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Lines through points: one {@link Series} per line, with optional dashed reference lines
 * (a dense baseline) and a second y axis at the right for a quantity in other units (loss beside
 * accuracy, sparsity beside accuracy). Series of up to 30 points get markers.
 *
 * <pre>{@code
 * Show.image(LineChart.of("Near-zero sparsity", "tolerance ε", "weights with |w| ≤ ε (%)")
 *         .addSeries(Series.of("L1-trained", eps, share))
 *         .options(ChartOptions.defaults().logX())
 *         .image());
 * }</pre>
 */
public final class LineChart extends ChartFamily<XYChart, LineChart> {

    /** A dashed horizontal line at {@code y}. */
    private record Reference(String name, double y) {}

    private String secondAxisTitle;
    private boolean integerX;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();

    private LineChart(String title, String xTitle, String yTitle) {
        super(title, xTitle, yTitle);
    }

    /**
     * @param title the chart's title
     * @param xTitle the x axis's title
     * @param yTitle the (left) y axis's title
     * @return an empty line chart
     */
    public static LineChart of(String title, String xTitle, String yTitle) {
        return new LineChart(title, xTitle, yTitle);
    }

    /**
     * @param s a series whose name is not in the chart yet
     * @return this chart
     */
    public LineChart addSeries(Series s) {
        if (s == null) {
            throw new IllegalArgumentException("Give a series, e.g. Series.of(\"test\", xs, ys), not null.");
        }
        if (series.stream().anyMatch(o -> o.name().equals(s.name()))
                || references.stream().anyMatch(r -> r.name().equals(s.name()))) {
            throw new IllegalArgumentException("The chart already has a series named '" + s.name() + "'; give each"
                    + " series its own name.");
        }
        series.add(s);
        return this;
    }

    /**
     * @param name the legend entry
     * @param x the x values
     * @param y the y values, as many as x
     * @return this chart
     */
    public LineChart addSeries(String name, double[] x, double[] y) {
        return addSeries(Series.of(name, x, y));
    }

    /**
     * A dashed grey horizontal line across the x range of the series, e.g. the accuracy of the
     * dense net.
     *
     * @param name the legend entry, e.g. {@code dense baseline (98.10%)}
     * @param y where the line is drawn
     * @return this chart
     */
    public LineChart addReference(String name, double y) {
        if (!Double.isFinite(y)) {
            throw new IllegalArgumentException("The reference line '" + name + "' is at " + y + "; give a number.");
        }
        references.add(new Reference(name, y));
        return this;
    }

    /**
     * @param title the title of the second y axis, at the right, which the series marked
     *     {@link Series#onSecondAxis()} are read against
     * @return this chart
     */
    public LineChart secondAxisTitle(String title) {
        this.secondAxisTitle = title;
        return this;
    }

    /** @return this chart with x tick labels only at whole numbers (epochs, steps) */
    public LineChart integerXTicks() {
        this.integerX = true;
        return this;
    }

    /** @return the series added so far, in order */
    public List<Series> series() {
        return List.copyOf(series);
    }

    @Override
    public XYChart chart() {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("The line chart '" + defaultTitle() + "' has no series; add one with"
                    + " addSeries(Series.of(name, xs, ys)).");
        }
        ChartOptions o = options();
        XYChart chart = emptyXYChart();
        for (Series s : series) {
            XYSeries x = chart.addSeries(s.name(), s.x(), s.y());
            x.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            x.setLineStyle(s.dashedLine() ? Style.DASHED : Style.SOLID);
            x.setMarker(s.size() <= 30 && !s.dashedLine() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (s.color() != null) {
                x.setLineColor(s.color());
                x.setMarkerColor(s.color());
            }
            if (s.secondAxis()) {
                x.setYAxisGroup(1);
            }
        }
        if (series.stream().anyMatch(Series::secondAxis)) {
            chart.setYAxisGroupTitle(0, o.yTitleOr(defaultYTitle()));
            chart.setYAxisGroupTitle(1, secondAxisTitle == null ? "" : secondAxisTitle);
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        }
        double lo = series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).min().orElse(0);
        double hi = series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).max().orElse(0);
        if (lo == hi) {
            lo -= 1;
            hi += 1;
        }
        for (Reference r : references) {
            XYSeries x = chart.addSeries(r.name(), new double[] {lo, hi}, new double[] {r.y(), r.y()});
            x.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            x.setLineStyle(Style.DASHED);
            x.setMarker(SeriesMarkers.NONE);
            x.setLineColor(Style.BASELINE);
        }
        if (integerX) {
            chart.getStyler().setxAxisTickLabelsFormattingFunction(
                    v -> Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v)) : "");
        }
        return Style.apply(chart, o);
    }
}
