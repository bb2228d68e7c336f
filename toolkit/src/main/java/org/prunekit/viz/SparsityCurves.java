package org.prunekit.viz;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * Accuracy against sparsity, one curve per criterion (a sweep) or per layer (a sensitivity
 * analysis), with the dense accuracy as a dashed line. Values are given as fractions (0.9 for
 * 90 %) and drawn in percent, or with {@link #optValuesAsGiven()} drawn as they are (a language
 * model's perplexity); each curve is drawn in increasing sparsity.
 *
 * <pre>{@code
 * Show.image(SparsityCurves.of("Accuracy after fine-tuning", "sparsity (% of weights pruned)",
 *                 "test accuracy (%)")
 *         .addSeries(Series.of("magnitude-L1", new double[] {0.5, 0.9}, new double[] {0.98, 0.95}))
 *         .addSeries(Series.of("random(1)", new double[] {0.5, 0.9}, new double[] {0.97, 0.60}))
 *         .baseline(0.981)
 *         .image());
 * }</pre>
 */
public final class SparsityCurves extends ChartFamily<XYChart, SparsityCurves> {

    private final List<Series> curves = new ArrayList<>();
    private double baseline = Double.NaN;
    private boolean fractions = true;

    private SparsityCurves(String title, String xTitle, String yTitle) {
        super(title, xTitle, yTitle);
    }

    /**
     * @param title the chart's title
     * @param xTitle the x axis's title, e.g. {@code sparsity (% of weights pruned)}
     * @param yTitle the y axis's title, e.g. {@code test accuracy after fine-tuning (%)}
     * @return an empty chart
     */
    public static SparsityCurves of(String title, String xTitle, String yTitle) {
        return new SparsityCurves(title, xTitle, yTitle);
    }

    /**
     * Draws the y values as they are given (e.g. perplexities), not as fractions in percent; call
     * it before adding curves.
     *
     * @return this chart
     */
    public SparsityCurves optValuesAsGiven() {
        this.fractions = false;
        return this;
    }

    /**
     * @param curve a criterion's (or layer's) points: x the sparsities, y the accuracies, both fractions in [0, 1]
     *     (y as given after {@link #optValuesAsGiven()})
     * @return this chart
     */
    public SparsityCurves addSeries(Series curve) {
        if (curve == null) {
            throw new IllegalArgumentException("Give a curve, e.g. Series.of(\"magnitude-L1\", sparsities, accuracies).");
        }
        checkFractions(curve.name(), "sparsities", curve.x());
        if (fractions) {
            checkFractions(curve.name(), "accuracies", curve.y());
        }
        if (curves.stream().anyMatch(c -> c.name().equals(curve.name()))) {
            throw new IllegalArgumentException("The chart already has a curve named '" + curve.name() + "'; name each"
                    + " criterion's curve after the criterion and its settings, e.g. random(1) and random(2).");
        }
        curves.add(curve);
        return this;
    }

    /**
     * @param name the legend entry, e.g. the criterion
     * @param sparsities the sparsities, fractions in [0, 1]
     * @param accuracies the accuracy at each sparsity, fractions in [0, 1]
     * @return this chart
     */
    public SparsityCurves addSeries(String name, double[] sparsities, double[] accuracies) {
        return addSeries(Series.of(name, sparsities, accuracies));
    }

    /**
     * @param denseAccuracy the accuracy of the unpruned net, a fraction; drawn as a dashed line
     * @return this chart
     */
    public SparsityCurves baseline(double denseAccuracy) {
        if (fractions) {
            checkFractions("dense baseline", "accuracy", new double[] {denseAccuracy});
        }
        this.baseline = denseAccuracy;
        return this;
    }

    private static void checkFractions(String name, String what, double[] values) {
        for (double v : values) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("The " + what + " of '" + name + "' must be fractions in [0, 1]"
                        + " (0.9 for 90 %), got " + v + ".");
            }
        }
    }

    @Override
    public XYChart chart() {
        if (curves.isEmpty()) {
            throw new IllegalArgumentException("'" + defaultTitle() + "' has no curves; add one with addSeries(name, sparsities,"
                    + " accuracies).");
        }
        LineChart lines = LineChart.of(defaultTitle(), defaultXTitle(), defaultYTitle()).options(options());
        for (Series c : curves) {
            Series sorted = c.sortedByX();
            double[] x = sorted.x();
            for (int i = 0; i < x.length; i++) {
                x[i] *= 100;
            }
            double[] y = fractions ? sorted.scaleY(100).y() : sorted.y();
            lines.addSeries(new Series(c.name(), x, y, c.dashedLine(), c.color(), false));
        }
        if (!Double.isNaN(baseline)) {
            lines.addReference(fractions ? String.format("dense baseline (%.2f%%)", 100 * baseline)
                    : String.format("dense baseline (%.2f)", baseline), fractions ? 100 * baseline : baseline);
        }
        return lines.chart();
    }
}
