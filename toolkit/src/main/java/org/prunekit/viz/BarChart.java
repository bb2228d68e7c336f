package org.prunekit.viz;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/**
 * Bars of named values with their value written on them: one series of bars, or several side
 * by side in groups (for each category, one bar per series). Categories appear in the order
 * they are first given; a series without a value for a category has no bar there. Category
 * labels too long to stand side by side are turned by 45° or 90°.
 *
 * <pre>{@code
 * Show.image(BarChart.of("Latency", "net", "ms per batch")
 *         .addSeries("median", Map.of("dense", 1.0, "pruned", 0.4))
 *         .image());
 * }</pre>
 */
public final class BarChart extends ChartFamily<CategoryChart, BarChart> {

    private final Map<String, Map<String, Double>> series = new LinkedHashMap<>();

    private BarChart(String title, String xTitle, String yTitle) {
        super(title, xTitle, yTitle);
    }

    /**
     * @param title the chart's title
     * @param xTitle the category axis's title
     * @param yTitle the value axis's title
     * @return an empty bar chart
     */
    public static BarChart of(String title, String xTitle, String yTitle) {
        return new BarChart(title, xTitle, yTitle);
    }

    /**
     * @param name the series' legend entry, not in the chart yet
     * @param values category → value (finite; null for no bar), in the order the bars are drawn
     * @return this chart
     */
    public BarChart addSeries(String name, Map<String, ? extends Number> values) {
        if (name == null || values == null) {
            throw new IllegalArgumentException("Give a series name and its values (category → value).");
        }
        if (series.containsKey(name)) {
            throw new IllegalArgumentException("The chart already has a series named '" + name + "'; give each"
                    + " series its own name.");
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            if (e.getValue() == null) {
                continue; // no bar for this category
            }
            double v = e.getValue().doubleValue();
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("Bar '" + e.getKey() + "' of '" + name + "' is " + e.getValue()
                        + "; every bar needs a finite value.");
            }
            copy.put(e.getKey(), v);
        }
        series.put(name, copy);
        return this;
    }

    /**
     * @param name the series' legend entry, not in the chart yet
     * @param categories the categories, in drawing order
     * @param values one finite value per category
     * @return this chart
     */
    public BarChart addSeries(String name, List<String> categories, double[] values) {
        if (categories == null || values == null || categories.size() != values.length) {
            throw new IllegalArgumentException("Series '" + name + "' needs one value per category.");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(categories.get(i), values[i]);
        }
        return addSeries(name, m);
    }

    @Override
    public CategoryChart chart() {
        if (series.isEmpty() || series.values().stream().allMatch(Map::isEmpty)) {
            throw new IllegalArgumentException("The bar chart '" + defaultTitle() + "' has no values; add a series with at"
                    + " least one value.");
        }
        ChartOptions o = options();
        CategoryChart chart = new CategoryChartBuilder().width(o.width()).height(o.height()).title(o.titleOr(defaultTitle()))
                .xAxisTitle(o.xTitleOr(defaultXTitle())).yAxisTitle(o.yTitleOr(defaultYTitle())).theme(Styler.ChartTheme.XChart)
                .build();
        Set<String> categories = new LinkedHashSet<>();
        series.values().forEach(m -> categories.addAll(m.keySet()));
        double max = series.values().stream().flatMap(m -> m.values().stream()).mapToDouble(Math::abs).max()
                .orElse(0);
        String labelPattern = max >= 100 ? "#,##0" : max >= 10 ? "#,##0.#" : max >= 1 ? "#,##0.##" : "0.###";
        for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
            List<String> xs = new ArrayList<>(categories);
            List<Double> ys = new ArrayList<>();
            for (String c : categories) {
                ys.add(e.getValue().get(c));
            }
            CategorySeries s = chart.addSeries(e.getKey(), xs, ys);
            s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
            s.setYAxisDecimalPattern(labelPattern);
        }
        CategoryStyler st = chart.getStyler();
        st.setLabelsVisible(true);
        st.setLabelsFont(Style.TICK_FONT);
        st.setLabelsFontColorAutomaticEnabled(true);
        st.setLabelsFontColorAutomaticDark(Style.TEXT);
        st.setLabelsFontColorAutomaticLight(Color.WHITE);
        st.setLabelsPosition(0.93);
        st.setAvailableSpaceFill(series.size() == 1 ? 0.6 : 0.8);
        Style.apply(chart, o);
        st.setPlotGridVerticalLinesVisible(false);
        Style.turnLongLabels(chart, categories);
        return chart;
    }
}
