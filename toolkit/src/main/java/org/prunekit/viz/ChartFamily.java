package org.prunekit.viz;

import java.awt.image.BufferedImage;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * A kind of chart drawn with XChart (lines, bars, histograms, curves of a result): it collects
 * its data with {@code addSeries}-style methods, takes the shared {@link ChartOptions}, and gives
 * the XChart chart to inspect or restyle ({@link #chart()}) or the rendered image
 * ({@link #image()}). As in XChart, what is drawn (series) and how (options, styler) are set
 * apart; unlike an XChart chart, a family can be drawn again with other options.
 *
 * @param <C> the XChart chart type the family builds
 * @param <F> the family itself, so that {@link Figure#options} chains
 */
public abstract class ChartFamily<C extends Chart<?, ?>, F extends ChartFamily<C, F>> extends Figure<F> {

    /** A family's own titles, used where the options give none. */
    private record Titles(String chart, String x, String y) {}

    private final Titles titles;

    /** For the families of this package: their default titles (the options may replace them), or nulls. */
    ChartFamily(String title, String xTitle, String yTitle) {
        this.titles = new Titles(title, xTitle, yTitle);
    }

    /** @return the family's default title */
    String defaultTitle() {
        return titles.chart();
    }

    /** @return the family's default x-axis title */
    String defaultXTitle() {
        return titles.x();
    }

    /** @return the family's default y-axis title */
    String defaultYTitle() {
        return titles.y();
    }

    /** @return an empty x–y chart of the options' size, titled by the options or else by the family */
    XYChart emptyXYChart() {
        ChartOptions o = options();
        return new XYChartBuilder().width(o.width()).height(o.height()).title(o.titleOr(titles.chart()))
                .xAxisTitle(o.xTitleOr(titles.x())).yAxisTitle(o.yTitleOr(titles.y()))
                .theme(Styler.ChartTheme.XChart).build();
    }

    /**
     * Builds the XChart chart from the data collected so far, in the house style with the
     * options applied. Each call builds a new chart: change it freely, then render it with
     * {@link Charts#toImage}.
     *
     * @return the chart
     * @throws IllegalArgumentException if there is nothing to draw
     */
    public abstract C chart();

    /** @return the chart rendered as an image ({@link ChartOptions#width()} × {@link ChartOptions#height()}) */
    @Override
    public BufferedImage image() {
        return BitmapEncoder.getBufferedImage(chart());
    }
}
