package org.prunekit.viz;

import org.prunekit.train.Metric;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.prune.Sensitivity;
import org.prunekit.prune.SparsityReport;
import org.prunekit.prune.Sweep;

/**
 * The results' data turned into chart families, for the {@link Charts} entry points: a sweep
 * and a sensitivity analysis into {@link SparsityCurves}, sparsity reports into a
 * {@link BarChart}, the old map of {@code name → {xs, ys}} into a {@link LineChart}.
 */
final class ResultCharts {

    private ResultCharts() {}

    /** The map of (name → {xs, ys}) the static line methods take, as typed series. */
    static LineChart lines(String title, String xTitle, String yTitle, Map<String, double[][]> series) {
        if (series == null || series.isEmpty()) {
            throw new IllegalArgumentException("lines(...) needs at least one series; the map is empty.");
        }
        LineChart chart = LineChart.of(title, xTitle, yTitle);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy == null || xy.length != 2) {
                throw new IllegalArgumentException("Series '" + e.getKey() + "' must be {xs, ys} with as many xs as"
                        + " ys, at least one each.");
            }
            chart.addSeries(Series.of(e.getKey(), xy[0], xy[1]));
        }
        return chart;
    }

    /** A sweep's accuracy (after fine-tuning, or right after pruning) against sparsity, one curve per criterion. */
    static SparsityCurves sweep(Sweep sweep, boolean beforeFineTuning) {
        if (sweep == null || sweep.points().isEmpty()) {
            throw new IllegalArgumentException("The sweep has no points; run it with at least one criterion and one"
                    + " sparsity.");
        }
        String when = beforeFineTuning ? "right after pruning" : "after fine-tuning";
        Metric metric = sweep.metric();
        SparsityCurves curves = SparsityCurves.of(capitalised(metric) + " " + when + ": " + sweep.net(),
                sweep.granularity().removesUnits() ? "sparsity (% of units removed)"
                        : "sparsity (% of weights pruned)", "test " + metric + " " + when + unit(metric));
        if (metric != Metric.ACCURACY) {
            curves.optValuesAsGiven();
        }
        for (org.prunekit.prune.Importance criterion : sweep.importances()) {
            List<Sweep.Point> ps = sweep.of(criterion);
            curves.addSeries(sweep.label(criterion), ps.stream().mapToDouble(Sweep.Point::sparsity).toArray(), ps.stream()
                    .mapToDouble(p -> beforeFineTuning ? p.accuracyPruned() : p.accuracy()).toArray());
        }
        return curves.baseline(sweep.baseline());
    }

    /** The accuracy with each layer pruned alone against its sparsity, one curve per layer. */
    static SparsityCurves sensitivity(Sensitivity sensitivity) {
        if (sensitivity == null || sensitivity.points().isEmpty()) {
            throw new IllegalArgumentException("The sensitivity analysis has no points; measure it with at least one"
                    + " sparsity.");
        }
        SparsityCurves curves = SparsityCurves.of("Sensitivity of " + sensitivity.net() + " ("
                + sensitivity.criterion() + ", " + sensitivity.granularity().toString().toLowerCase(java.util.Locale.ROOT)
                + ")", "sparsity of the layer pruned alone (%)", "test " + sensitivity.metric() + ", no fine-tuning"
                + unit(sensitivity.metric()));
        if (sensitivity.metric() != Metric.ACCURACY) {
            curves.optValuesAsGiven();
        }
        for (String layer : sensitivity.layers()) {
            List<Sensitivity.Point> ps = sensitivity.of(layer);
            curves.addSeries(layer, ps.stream().mapToDouble(Sensitivity.Point::sparsity).toArray(),
                    ps.stream().mapToDouble(Sensitivity.Point::accuracy).toArray());
        }
        return curves.baseline(sensitivity.baseline());
    }

    private static String capitalised(Metric metric) {
        return Character.toUpperCase(metric.label().charAt(0)) + metric.label().substring(1);
    }

    /** @return the y axis's unit: percent for accuracy, none for perplexity */
    private static String unit(Metric metric) {
        return metric == Metric.ACCURACY ? " (%)" : "";
    }

    /** Each report's sparsity per layer, one series of bars per report, named so that copies differ. */
    static BarChart layerSparsity(SparsityReport... reports) {
        if (reports == null || reports.length == 0) {
            throw new IllegalArgumentException("layerSparsity(...) needs at least one SparsityReport.");
        }
        Map<String, Integer> nets = new HashMap<>();
        for (SparsityReport r : reports) {
            if (r.rows().isEmpty()) {
                throw new IllegalArgumentException("The sparsity report of " + r.net() + " has no layers.");
            }
            nets.merge(r.net(), 1, Integer::sum);
        }
        List<String> names = new ArrayList<>();
        for (SparsityReport r : reports) {
            names.add(nets.get(r.net()) > 1 && !r.pruning().isEmpty() ? r.pruning() : r.net());
        }
        names = Style.disambiguate(names);
        BarChart chart = BarChart.of(reports.length == 1 ? "Sparsity per layer of " + reports[0].net()
                : "Sparsity per layer", "layer", "sparsity (% of weights zero)")
                .options(ChartOptions.defaults().yRange(0, 100));
        for (int i = 0; i < reports.length; i++) {
            Map<String, Double> values = new LinkedHashMap<>();
            for (SparsityReport.Row row : reports[i].rows()) {
                values.put(row.layer(), 100 * row.sparsity());
            }
            chart.addSeries(names.get(i) + String.format(" (total %.1f%%)", 100 * reports[i].sparsity()), values);
        }
        return chart;
    }
}
