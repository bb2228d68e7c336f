package org.prunekit.viz;

import org.prunekit.train.Metric;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.prunekit.prune.PruningHistory;
import org.prunekit.prune.PruningHistory.Step;

/**
 * An iterative pruning run step by step: test accuracy right after each pruning step and after
 * its fine-tuning (left axis, percent, with the dense accuracy dashed; a language model's
 * perplexity as it is), and the sparsity reached and the schedule's target (right axis, percent).
 *
 * <pre>{@code
 * Show.image(rounds.plot());                       // the same as PruningCurves.of(rounds).image()
 * }</pre>
 */
public final class PruningCurves extends ChartFamily<XYChart, PruningCurves> {

    private final PruningHistory history;

    private PruningCurves(PruningHistory history) {
        super("Iterative pruning of " + history.net(), "step", history.metric() == Metric.ACCURACY
                ? "test accuracy (%)" : "test " + history.metric());
        this.history = history;
    }

    /**
     * @param history an iterative pruning run with at least one step
     * @return its curves
     */
    public static PruningCurves of(PruningHistory history) {
        if (history == null || history.steps().isEmpty()) {
            throw new IllegalArgumentException("The pruning history " + (history == null ? "null" : "of "
                    + history.net()) + " has no steps to draw; run at least one step.");
        }
        return new PruningCurves(history);
    }

    private double[] percent(ToDoubleFunction<Step> value) {
        return history.steps().stream().mapToDouble(s -> 100 * value.applyAsDouble(s)).toArray();
    }

    /** @return the metric's values per step: accuracy in percent, perplexity as it is */
    private double[] scores(ToDoubleFunction<Step> value) {
        return history.metric() == Metric.ACCURACY ? percent(value)
                : history.steps().stream().mapToDouble(value).toArray();
    }

    @Override
    public XYChart chart() {
        List<Step> steps = history.steps();
        double[] x = steps.stream().mapToDouble(Step::step).toArray();
        Metric metric = history.metric();
        double dense = metric == Metric.ACCURACY ? 100 * history.denseAccuracy() : history.denseAccuracy();
        return LineChart.of(defaultTitle(), defaultXTitle(), defaultYTitle())
                .secondAxisTitle("sparsity (%)")
                .integerXTicks()
                .addSeries(Series.of(metric + " after fine-tuning", x, scores(Step::accuracy)).color(Style.color(0)))
                .addSeries(Series.of(metric + " right after pruning", x, scores(Step::accuracyPruned))
                        .color(Style.color(1)))
                .addSeries(Series.of("sparsity reached (right axis)", x, percent(Step::sparsity))
                        .color(Style.color(3)).onSecondAxis())
                .addSeries(Series.of("target sparsity (right axis)", x, percent(Step::target)).color(Style.color(3))
                        .dashed().onSecondAxis())
                .addReference(String.format(java.util.Locale.ROOT, "dense %s (%.2f%s)", metric, dense,
                        metric == Metric.ACCURACY ? "%" : ""), dense)
                .options(options())
                .chart();
    }
}
