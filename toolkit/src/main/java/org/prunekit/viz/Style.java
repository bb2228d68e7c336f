package org.prunekit.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/**
 * The house style every chart family shares: white background, light grid, 13-17 px sans-serif
 * fonts, a colour-blind-friendly palette, and the legend below the plot or, when it does not fit
 * there, to its right. Package-private: families call {@link #apply}, then the user's
 * {@link ChartOptions}.
 */
final class Style {

    static {
        headless();
    }

    /** Tableau 10: distinct, colour-blind friendly. */
    static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
        new Color(0x59A14F), new Color(0xB07AA1), new Color(0x76B7B2), new Color(0xEDC948), new Color(0xFF9DA7),
        new Color(0x9C755F), new Color(0xBAB0AC)};
    static final Color TEXT = new Color(0x222222);
    static final Color GRID = new Color(0xE3E3E3);
    static final Color BASELINE = new Color(0x555555);
    static final Color KEPT = new Color(0x14213D);
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final float LINE_WIDTH = 2.2f;
    static final BasicStroke SOLID = new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    static final BasicStroke DASHED = new BasicStroke(LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[] {8f, 5f}, 0f);
    static final int LEGEND_LINE = 28;
    static final int LEGEND_PADDING = 8;

    private Style() {}

    /** Draws without a display (a notebook kernel, a server) unless the user chose otherwise. */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** @return the palette's colour number {@code i} (wrapping around) */
    static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** The house style, applied to every XChart chart made here, then the user's options. */
    static <C extends Chart<?, ?>> C apply(C chart, ChartOptions options) {
        Styler st = chart.getStyler();
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
        options.applyTo(chart);
        // XChart centres the title over the plot, which an east legend pushes to the left
        int legend = st.isLegendVisible() && st.getLegendPosition() == Styler.LegendPosition.OutsideE
                ? legendWidth(chart) : 0;
        chart.setTitle(fit(chart.getTitle(), TITLE_FONT, chart.getWidth() - 40 - legend));
        return chart;
    }

    /** The width of a legend to the right of the plot, entries one under the other. */
    static int legendWidth(Chart<?, ?> chart) {
        FontMetrics lf = metrics(LEGEND_FONT);
        return chart.getSeriesMap().keySet().stream().mapToInt(lf::stringWidth).max().orElse(0) + LEGEND_LINE
                + 4 * LEGEND_PADDING;
    }

    /** The text, cut with an ellipsis if wider than {@code width} pixels in {@code font}. */
    static String fit(String text, Font font, int width) {
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

    static FontMetrics metrics(Font font) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        FontMetrics fm = g.getFontMetrics(font);
        g.dispose();
        return fm;
    }

    /** Whether the legend entries fit side by side in one row below the plot. */
    static boolean legendFitsBelow(Chart<?, ?> chart) {
        FontMetrics fm = metrics(LEGEND_FONT);
        int total = LEGEND_PADDING;
        for (String name : chart.getSeriesMap().keySet()) {
            total += LEGEND_LINE + 2 * LEGEND_PADDING + fm.stringWidth(name);
        }
        return total <= chart.getWidth() - 60;
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
            legend = legendWidth(chart);
        }
        // the plot: the chart less the y axis (title, tick labels), paddings and an east legend
        double slot = (chart.getWidth() - 110.0 - legend) / categories.size();
        int rotation = widest + 10 <= slot ? 0 : fm.getHeight() * 1.5 <= slot ? 45 : 90;
        chart.getStyler().setXAxisLabelRotation(rotation);
        return rotation;
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
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (int m : new int[] {1, 2, 5}) {
            if (m * p >= raw * (1 - 1e-9)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** Draws {@code text} centred on {@code centerX}. */
    static void drawCentered(Graphics2D g, String text, int centerX, int baselineY) {
        g.drawString(text, centerX - g.getFontMetrics().stringWidth(text) / 2, baselineY);
    }
}
