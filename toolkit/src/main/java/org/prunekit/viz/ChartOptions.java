package org.prunekit.viz;

import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * How a chart is laid out, whatever its kind: title, axis titles, size, logarithmic axes, the
 * y range, tick-label patterns and where the legend goes. One options type serves every
 * {@link Figure} of this package ({@link LineChart}, {@link BarChart}, {@link Histogram},
 * {@link SparsityCurves}, {@link TrainingCurves}, {@link PruningCurves}, {@link MaskImage},
 * {@link Tiles}): what is not set keeps the figure's default (each chooses its own titles; an
 * option a figure cannot use, such as a log axis on a mask image, is ignored).
 *
 * <p>A value: every method returns new options and leaves these unchanged, so one set of
 * options can be shared and refined.
 *
 * <pre>{@code
 * ChartOptions log = ChartOptions.defaults().logX().xTitle("tolerance ε (log scale)");
 * Show.image(LineChart.of("Sparsity against tolerance", "ε", "%").addSeries(curve).options(log).image());
 * Show.image(Charts.accuracyVsSparsity(sweep, false, ChartOptions.defaults().title("After fine-tuning").yFrom(90)));
 * }</pre>
 */
public final class ChartOptions {

    /** Where the legend goes. */
    public enum Legend {
        /** Below the plot when the entries fit in one row there, else to its right (the default). */
        AUTO,
        /** Below the plot, entries side by side. */
        BELOW,
        /** To the right of the plot, entries one under the other. */
        RIGHT,
        /** Inside the plot, in its top-right corner. */
        INSIDE,
        /** No legend. */
        HIDDEN
    }

    static {
        Style.headless();
    }

    private static final ChartOptions DEFAULTS = new ChartOptions();

    private String title;
    private String xTitle;
    private String yTitle;
    private int width = Charts.WIDTH;
    private int height = Charts.HEIGHT;
    private boolean xLog;
    private boolean yLog;
    private double yMin = Double.NaN;
    private double yMax = Double.NaN;
    private String xPattern;
    private String yPattern;
    private Legend legend = Legend.AUTO;

    private ChartOptions() {}

    /** A copy of these options with {@code change} made to it: the one way every option method derives new options. */
    private ChartOptions with(java.util.function.Consumer<ChartOptions> change) {
        ChartOptions c = new ChartOptions();
        c.title = title;
        c.xTitle = xTitle;
        c.yTitle = yTitle;
        c.width = width;
        c.height = height;
        c.xLog = xLog;
        c.yLog = yLog;
        c.yMin = yMin;
        c.yMax = yMax;
        c.xPattern = xPattern;
        c.yPattern = yPattern;
        c.legend = legend;
        change.accept(c);
        return c;
    }

    /** @return the defaults: the family's own titles, 800×450 pixels, linear axes, automatic ranges */
    public static ChartOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param newTitle the chart's title, replacing the family's
     * @return new options
     */
    public ChartOptions title(String newTitle) {
        return with(c -> c.title = newTitle);
    }

    /**
     * @param newTitle the x axis's title, replacing the family's
     * @return new options
     */
    public ChartOptions xTitle(String newTitle) {
        return with(c -> c.xTitle = newTitle);
    }

    /**
     * @param newTitle the (left) y axis's title, replacing the family's
     * @return new options
     */
    public ChartOptions yTitle(String newTitle) {
        return with(c -> c.yTitle = newTitle);
    }

    /**
     * @param newWidth the image's width in pixels (at least 200)
     * @param newHeight the image's height in pixels (at least 150)
     * @return new options
     */
    public ChartOptions size(int newWidth, int newHeight) {
        if (newWidth < 200 || newHeight < 150) {
            throw new IllegalArgumentException("A chart needs at least 200 × 150 pixels to hold its axes and legend,"
                    + " got " + newWidth + " × " + newHeight + ".");
        }
        return with(c -> {
            c.width = newWidth;
            c.height = newHeight;
        });
    }

    /** @return new options with a logarithmic x axis (tick labels in 1E-3 style unless a pattern is set) */
    public ChartOptions logX() {
        return with(c -> c.xLog = true);
    }

    /** @return new options with a logarithmic y axis (tick labels in 1E-3 style unless a pattern is set) */
    public ChartOptions logY() {
        return with(c -> c.yLog = true);
    }

    /**
     * @param min the lowest y shown
     * @param max the highest y shown
     * @return new options with a fixed y range
     */
    public ChartOptions yRange(double min, double max) {
        if (!(min < max)) {
            throw new IllegalArgumentException("A y range needs min < max, got " + min + " and " + max + ".");
        }
        return with(c -> {
            c.yMin = min;
            c.yMax = max;
        });
    }

    /**
     * @param min the lowest y shown (the highest stays automatic)
     * @return new options
     */
    public ChartOptions yFrom(double min) {
        return with(c -> c.yMin = min);
    }

    /**
     * @param pattern a {@link java.text.DecimalFormat} pattern for the x tick labels, e.g. {@code "0.00"} or
     *     {@code "0E0"}
     * @return new options
     */
    public ChartOptions xPattern(String pattern) {
        return with(c -> c.xPattern = pattern);
    }

    /**
     * @param pattern a decimal pattern for the y tick labels
     * @return new options
     */
    public ChartOptions yPattern(String pattern) {
        return with(c -> c.yPattern = pattern);
    }

    /**
     * @param where where the legend goes
     * @return new options
     */
    public ChartOptions legend(Legend where) {
        if (where == null) {
            throw new IllegalArgumentException("Give a legend position, e.g. ChartOptions.Legend.RIGHT.");
        }
        return with(c -> c.legend = where);
    }

    /** @return the title replacing the family's, or null */
    public String title() {
        return title;
    }

    /** @return the x-axis title replacing the family's, or null */
    public String xTitle() {
        return xTitle;
    }

    /** @return the y-axis title replacing the family's, or null */
    public String yTitle() {
        return yTitle;
    }

    /** @return the image width in pixels */
    public int width() {
        return width;
    }

    /** @return the image height in pixels */
    public int height() {
        return height;
    }

    /** @return whether the x axis is logarithmic */
    public boolean xLog() {
        return xLog;
    }

    /** @return whether the y axis is logarithmic */
    public boolean yLog() {
        return yLog;
    }

    /** @return the lowest y shown, or NaN for automatic */
    public double yMin() {
        return yMin;
    }

    /** @return the highest y shown, or NaN for automatic */
    public double yMax() {
        return yMax;
    }

    /** @return the x tick-label pattern, or null for the default */
    public String xPattern() {
        return xPattern;
    }

    /** @return the y tick-label pattern, or null for the default */
    public String yPattern() {
        return yPattern;
    }

    /** @return where the legend goes */
    public Legend legend() {
        return legend;
    }

    /**
     * @return these options for a second chart drawn beside the one they were given for (the loss
     *     below the accuracy): size, x axis and legend kept; title and y axis back to the defaults
     */
    ChartOptions forOtherYAxis() {
        return with(c -> {
            c.title = null;
            c.yTitle = null;
            c.yLog = false;
            c.yMin = Double.NaN;
            c.yMax = Double.NaN;
            c.yPattern = null;
        });
    }

    /** @return the title given here, else {@code fallback} */
    String titleOr(String fallback) {
        return title != null ? title : fallback;
    }

    /** @return the x-axis title given here, else {@code fallback} */
    String xTitleOr(String fallback) {
        return xTitle != null ? xTitle : fallback;
    }

    /** @return the y-axis title given here, else {@code fallback} */
    String yTitleOr(String fallback) {
        return yTitle != null ? yTitle : fallback;
    }

    /**
     * Sets the options that the chart's builder did not already take (axes, ranges, patterns,
     * legend) on a chart styled by {@link Style#apply}; run it after the house style.
     */
    <C extends Chart<?, ?>> C applyTo(C chart) {
        Styler st = chart.getStyler();
        if (st instanceof AxesChartStyler a) {
            if (!Double.isNaN(yMin)) {
                a.setYAxisMin(yMin);
            }
            if (!Double.isNaN(yMax)) {
                a.setYAxisMax(yMax);
            }
            if (yLog) {
                a.setYAxisLogarithmic(true);
                a.setYAxisDecimalPattern(yPattern == null ? "0E0" : yPattern);
            } else if (yPattern != null) {
                a.setYAxisDecimalPattern(yPattern);
            }
            if (xLog && st instanceof XYStyler xy) {
                xy.setXAxisLogarithmic(true);
                a.setXAxisDecimalPattern(xPattern == null ? "0E0" : xPattern);
            } else if (xPattern != null) {
                a.setXAxisDecimalPattern(xPattern);
            }
        }
        switch (legend) {
            case BELOW -> {
                st.setLegendPosition(Styler.LegendPosition.OutsideS);
                st.setLegendLayout(Styler.LegendLayout.Horizontal);
            }
            case RIGHT -> {
                st.setLegendPosition(Styler.LegendPosition.OutsideE);
                st.setLegendLayout(Styler.LegendLayout.Vertical);
            }
            case INSIDE -> {
                st.setLegendPosition(Styler.LegendPosition.InsideNE);
                st.setLegendLayout(Styler.LegendLayout.Vertical);
            }
            case HIDDEN -> st.setLegendVisible(false);
            case AUTO -> { }
        }
        return chart;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChartOptions[").append(width).append('×').append(height);
        if (title != null) {
            sb.append(", title '").append(title).append('\'');
        }
        if (xTitle != null) {
            sb.append(", x '").append(xTitle).append('\'');
        }
        if (yTitle != null) {
            sb.append(", y '").append(yTitle).append('\'');
        }
        sb.append(xLog ? ", log x" : "").append(yLog ? ", log y" : "");
        if (!Double.isNaN(yMin) || !Double.isNaN(yMax)) {
            sb.append(", y from ").append(Double.isNaN(yMin) ? "auto" : yMin).append(" to ")
                    .append(Double.isNaN(yMax) ? "auto" : yMax);
        }
        if (legend != Legend.AUTO) {
            sb.append(", legend ").append(legend.name().toLowerCase(java.util.Locale.ROOT));
        }
        return sb.append(']').toString();
    }
}
