package org.prunekit.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.prunekit.train.Metric;
import org.prunekit.RunProvenance;
import org.prunekit.Runner;
import org.prunekit.RunResult;
import org.prunekit.notebook.TableFormat;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Result of a {@link SparsitySweep}: criteria × sparsities → accuracy, size and measured latency,
 * with how it was made ({@link #provenance()}, shown in the notes). A value.
 *
 * <p>Points belong to their criterion as an object: {@code random(1)} and {@code random(2)} are two
 * criteria (two curves, two ranking rows) although both are named "random". Look points up with
 * {@link #of(Importance)}; tables and charts show each criterion by its {@link #label(Importance)},
 * its name made unique where two criteria share it (e.g. {@code "random (seed 1)"}).
 *
 * @param provenance how the sweep was made: net, data, criteria, sparsities, scope, granularity, fine-tuning
 * @param granularity what the sparsity counts: weights or whole units
 * @param baseline the dense net's value of the metric (accuracy, or perplexity for a language model)
 * @param points one per criterion and sparsity
 * @param metric what the values are: {@link Metric#ACCURACY} (higher is better) or, for a language
 *     model, {@link Metric#PERPLEXITY} (lower is better)
 */
public record Sweep(RunProvenance provenance, Granularity granularity, double baseline, List<Point> points,
        Metric metric) implements RunResult {

    /**
     * @param importance the importance criterion
     * @param sparsity the target sparsity
     * @param accuracyPruned the test value of the sweep's {@link Sweep#metric()} right after pruning
     *     (accuracy; perplexity for a language model)
     * @param accuracy its test value after fine-tuning
     * @param nonZero non-zero weights of the prunable layers
     * @param parameters all parameters (fewer after structured removal)
     * @param latencyMs median inference time for a batch of test images, in milliseconds (NaN when not measured)
     */
    public record Point(Importance importance, double sparsity, double accuracyPruned, double accuracy, long nonZero,
            long parameters, double latencyMs) {

        /** Checks the criterion. */
        public Point {
            Objects.requireNonNull(importance, "importance");
        }

    }

    /** Copies the points. */
    public Sweep {
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(metric, "metric");
        points = List.copyOf(points);
    }

    /**
     * A sweep of a classifier: its values are accuracies.
     *
     * @param provenance how the sweep was made
     * @param granularity what the sparsity counts
     * @param baseline the dense accuracy
     * @param points one per criterion and sparsity
     */
    public Sweep(RunProvenance provenance, Granularity granularity, double baseline, List<Point> points) {
        this(provenance, granularity, baseline, points, Metric.ACCURACY);
    }

    /**
     * Two sweeps of the same net, data and granularity as one (for one table or chart), with the
     * points of both and the provenance of both.
     *
     * @param other another sweep
     * @return the combined sweep
     * @throws IllegalArgumentException if the sweeps prune at different granularities or different nets
     */
    public Sweep merge(Sweep other) {
        if (!granularity.equals(other.granularity)) {
            throw new IllegalArgumentException("Cannot merge a " + granularity + " sweep with a " + other.granularity
                    + " one: their sparsities count different things.");
        }
        if (!net().equals(other.net()) || Math.abs(baseline - other.baseline) > 1e-12 || metric != other.metric) {
            throw new IllegalArgumentException("Cannot merge sweeps of different nets (" + net() + ", baseline "
                    + baseline + " vs " + other.net() + ", baseline " + other.baseline + ").");
        }
        List<Point> all = new ArrayList<>(points);
        all.addAll(other.points);
        return new Sweep(provenance.merge(other.provenance), granularity, baseline, all, metric);
    }

    /** @return the criteria, in order of first appearance (distinct by {@code equals}) */
    public List<Importance> importances() {
        return points.stream().map(Point::importance).distinct().toList();
    }

    /** @return the criteria's {@link #label(Importance) labels}, in the order of {@link #importances()} */
    public List<String> labels() {
        List<Importance> all = importances();
        return all.stream().map(c -> label(all, c)).toList();
    }

    /**
     * @param criterion a criterion of this sweep
     * @return its name, or where another criterion of the sweep has the same name, a unique label:
     *     its {@code toString()} (e.g. {@code "random (seed 1)"}) or its name with a number
     * @throws IllegalArgumentException if the sweep has no points of that criterion
     */
    public String label(Importance criterion) {
        List<Importance> all = importances();
        if (!all.contains(criterion)) {
            throw new IllegalArgumentException("This sweep has no points of criterion " + criterion + "; it has "
                    + labels() + ".");
        }
        return label(all, criterion);
    }

    /** The unique label of {@code c} among {@code all} (distinct criteria). */
    static String label(List<Importance> all, Importance c) {
        List<Importance> sameName = all.stream().filter(o -> o.name().equals(c.name())).toList();
        if (sameName.size() == 1) {
            return c.name();
        }
        String text = c.toString();
        if (!text.equals(c.name()) && all.stream().filter(o -> o.toString().equals(text)).count() == 1) {
            return text;
        }
        return c.name() + " #" + (sameName.indexOf(c) + 1);
    }

    /**
     * @param criterion a criterion
     * @return its points, in the order they were made (of sparsity, for a {@link SparsitySweep})
     */
    public List<Point> of(Importance criterion) {
        return points.stream().filter(p -> p.importance().equals(criterion)).toList();
    }

    /**
     * @param criterion a criterion of this sweep
     * @param sparsity one of its sparsities (equal within 1e-9)
     * @return that point
     * @throws IllegalArgumentException if there is none
     */
    public Point at(Importance criterion, double sparsity) {
        return of(criterion).stream().filter(p -> Runner.same(p.sparsity(), sparsity)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("No point of " + criterion + " at sparsity " + sparsity + "; the"
                        + " sweep has " + points.stream().mapToDouble(Point::sparsity).distinct().boxed().toList()
                        + "."));
    }

    /**
     * The criteria compared: per criterion its mean accuracy over the sweep's sparsities (right
     * after pruning and after fine-tuning), at how many sparsities it was the best (ties count for
     * each), and the highest sparsity whose fine-tuned accuracy stays within {@code margin} of the
     * dense accuracy (0 if none does). Sorted by the mean accuracy right after pruning, best first.
     * For a language model the same with perplexity (lower is better; the margin is relative, see
     * {@link Metric#within}).
     *
     * @param margin the accuracy loss accepted, e.g. 0.01 for one percentage point (for perplexity, 1 %)
     * @return one row per criterion (criteria that share a name are told apart by their labels)
     */
    public Table ranking(double margin) {
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("The accepted accuracy loss must be in [0, 1), got " + margin + ".");
        }
        StringColumn name = StringColumn.create("criterion");
        String prunedTitle = "mean " + metric.shortLabel() + " pruned";
        DoubleColumn meanPruned = DoubleColumn.create(prunedTitle);
        IntColumn bestPruned = IntColumn.create("best (pruned)");
        DoubleColumn meanTuned = DoubleColumn.create("mean " + metric.shortLabel() + " fine-tuned");
        IntColumn bestTuned = IntColumn.create("best (fine-tuned)");
        DoubleColumn safe = DoubleColumn.create(String.format("highest sparsity within %.1f %s", 100 * margin,
                metric.marginUnit()));
        List<Importance> all = importances();
        for (Importance c : all) {
            List<Point> ps = of(c);
            int bp = 0;
            int bt = 0;
            for (Point p : ps) {
                List<Point> same = points.stream().filter(q -> Runner.same(q.sparsity(), p.sparsity())).toList();
                bp += same.stream().noneMatch(q -> metric.isBetter(q.accuracyPruned(), p.accuracyPruned())) ? 1 : 0;
                bt += same.stream().noneMatch(q -> metric.isBetter(q.accuracy(), p.accuracy())) ? 1 : 0;
            }
            name.append(label(all, c));
            meanPruned.append(ps.stream().mapToDouble(Point::accuracyPruned).average().orElse(Double.NaN));
            bestPruned.append(bp);
            meanTuned.append(ps.stream().mapToDouble(Point::accuracy).average().orElse(Double.NaN));
            bestTuned.append(bt);
            safe.append(ps.stream().filter(p -> metric.within(p.accuracy(), baseline, margin))
                    .mapToDouble(Point::sparsity).max().orElse(0));
        }
        Table t = Table.create("Criteria on " + net() + " (dense " + metric + " " + TableFormat.number(baseline) + ")",
                name, meanPruned, bestPruned, meanTuned, bestTuned, safe);
        return metric.higherIsBetter() ? t.sortDescendingOn(prunedTitle) : t.sortAscendingOn(prunedTitle);
    }

    /** @return one row per point */
    @Override
    public Table toTable() {
        List<Importance> all = importances();
        Table t = Table.create("Sweep of " + net() + ", " + granularity.displayName()
                        + " (dense " + metric + " " + TableFormat.number(baseline) + ")",
                StringColumn.create("criterion", points.stream().map(p -> label(all, p.importance()))),
                DoubleColumn.create("sparsity", points.stream().mapToDouble(Point::sparsity)),
                DoubleColumn.create(metric.shortLabel() + " pruned", points.stream().mapToDouble(Point::accuracyPruned)),
                DoubleColumn.create(metric.shortLabel() + " fine-tuned", points.stream().mapToDouble(Point::accuracy)),
                LongColumn.create("non-zero", points.stream().mapToLong(Point::nonZero).toArray()),
                LongColumn.create("parameters", points.stream().mapToLong(Point::parameters).toArray()),
                DoubleColumn.create("latency ms", points.stream().mapToDouble(Point::latencyMs)));
        // a sweep run without timing (SparsitySweep's optLatency(false)) has no latency to show
        return points.stream().allMatch(p -> Double.isNaN(p.latencyMs())) ? t.removeColumns("latency ms") : t;
    }

    @Override
    public String toString() {
        return toText();
    }

    /**
     * The natural chart of a sweep: test accuracy after fine-tuning against sparsity, one curve
     * per criterion (criteria that share a name are separate curves, labelled apart), the dense
     * accuracy as a dashed line.
     *
     * @return the chart as an image
     * @throws IllegalArgumentException if the sweep has no points
     */
    public java.awt.image.BufferedImage plot() {
        return org.prunekit.viz.Charts.accuracyVsSparsity(this);
    }

    /**
     * @param beforeFineTuning true for the accuracy right after pruning, false for after fine-tuning
     * @return the sweep's chart for that moment, as {@link #plot()}
     */
    public java.awt.image.BufferedImage plot(boolean beforeFineTuning) {
        return org.prunekit.viz.Charts.accuracyVsSparsity(this, beforeFineTuning);
    }

}
