package org.prunekit.prune;

import org.prunekit.RunProvenance;
import org.prunekit.RunResult;
import java.awt.image.BufferedImage;
import org.prunekit.notebook.TableFormat;
import java.util.List;
import org.prunekit.train.Metric;
import org.prunekit.viz.PruningCurves;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * The record of an iterative pruning run: per step the target, the sparsity reached, the
 * accuracy right after pruning and after fine-tuning, with how the run was made.
 *
 * @param provenance how the run was made (net, data, pruner, schedule, fine-tuning, rewinding), as
 *     typed settings
 * @param denseAccuracy accuracy before the first step (perplexity for a language model)
 * @param steps one entry per step
 * @param metric what the values are: accuracy, or perplexity (lower is better) for a language model
 */
public record PruningHistory(RunProvenance provenance, double denseAccuracy, List<Step> steps, Metric metric)
        implements RunResult {

    /**
     * @param step the step number, from 1
     * @param target the schedule's target
     * @param sparsity the sparsity reached over the pruned layers
     * @param nonZero non-zero weights of the pruned layers
     * @param accuracyPruned test accuracy right after pruning (perplexity for a language model, see
     *     {@link PruningHistory#metric()})
     * @param accuracy test accuracy after fine-tuning (or retraining, when rewinding)
     */
    public record Step(int step, double target, double sparsity, long nonZero, double accuracyPruned,
            double accuracy) {}

    /** Copies the steps. */
    public PruningHistory {
        steps = List.copyOf(steps);
        java.util.Objects.requireNonNull(metric, "metric");
    }

    /**
     * The run of a classifier: its values are accuracies.
     *
     * @param provenance how the run was made
     * @param denseAccuracy accuracy before the first step
     * @param steps one entry per step
     */
    public PruningHistory(RunProvenance provenance, double denseAccuracy, List<Step> steps) {
        this(provenance, denseAccuracy, steps, Metric.ACCURACY);
    }

    /** @return the last step */
    public Step last() {
        return steps.get(steps.size() - 1);
    }

    /** @return one row per step */
    @Override
    public Table toTable() {
        return Table.create("Iterative pruning of " + net(),
                IntColumn.create("step", steps.stream().mapToInt(Step::step).toArray()),
                DoubleColumn.create("target", steps.stream().mapToDouble(Step::target)),
                DoubleColumn.create("sparsity", steps.stream().mapToDouble(Step::sparsity)),
                LongColumn.create("non-zero", steps.stream().mapToLong(Step::nonZero).toArray()),
                DoubleColumn.create(metric.shortLabel() + " pruned", steps.stream().mapToDouble(Step::accuracyPruned)),
                DoubleColumn.create(metric.shortLabel() + " fine-tuned", steps.stream().mapToDouble(Step::accuracy)));
    }

    /** @return how the run was made (its provenance) and the dense accuracy it started from */
    @Override
    public List<String> notes() {
        List<String> notes = new java.util.ArrayList<>(provenance.notes());
        notes.add("Dense " + metric + " before the first step: " + TableFormat.number(denseAccuracy) + ".");
        return notes;
    }

    /** @return the run as aligned text: the same table and notes a notebook shows */
    @Override
    public String toString() {
        return toText();
    }

    /**
     * The natural chart of an iterative pruning run: per step, the test accuracy right after
     * pruning and after fine-tuning (the dense accuracy dashed), and the sparsity reached against
     * the schedule's target on a second axis ({@link PruningCurves}).
     *
     * @return the chart as an image
     * @throws IllegalArgumentException if the run has no steps
     */
    public BufferedImage plot() {
        return PruningCurves.of(this).image();
    }
}
