package org.prunekit.prune;

import org.prunekit.Tabular;
import java.util.List;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Net;
import org.prunekit.train.Latency;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Result of a sweep: criteria × sparsities → accuracy, size and measured latency, with how it
 * was made (net, data, fine-tuning budget, seed).
 *
 * @param net the net's name
 * @param data the data's name
 * @param settings how each point was made, e.g. "global unstructured, 1 fine-tune epoch, seed 42"
 * @param granularity what the sparsity counts: weights or whole units
 * @param baseline the dense accuracy
 * @param points one per criterion and sparsity
 */
public record Sweep(String net, String data, String settings, Granularity granularity, double baseline,
        List<Point> points) implements Tabular {

    /**
     * @param criterion the importance criterion
     * @param sparsity the target sparsity
     * @param accuracyPruned test accuracy right after pruning
     * @param accuracy test accuracy after fine-tuning
     * @param nonZero non-zero weights of the prunable layers
     * @param parameters all parameters (fewer after structured removal)
     * @param latencyMs median inference time for a batch of test images, in milliseconds
     */
    public record Point(String criterion, double sparsity, double accuracyPruned, double accuracy, long nonZero,
            long parameters, double latencyMs) {}

    /** Copies the points. */
    public Sweep {
        points = List.copyOf(points);
        java.util.Objects.requireNonNull(granularity, "granularity");
    }

    /**
     * Two sweeps of the same net, data and granularity as one (for one table or chart), with the
     * points of both.
     *
     * @param other another sweep
     * @return the combined sweep, whose settings name both
     * @throws IllegalArgumentException if the sweeps prune at different granularities or different nets
     */
    public Sweep merge(Sweep other) {
        if (!granularity.equals(other.granularity)) {
            throw new IllegalArgumentException("Cannot merge a " + granularity + " sweep with a " + other.granularity
                    + " one: their sparsities count different things.");
        }
        if (!net.equals(other.net) || Math.abs(baseline - other.baseline) > 1e-12) {
            throw new IllegalArgumentException("Cannot merge sweeps of different nets (" + net + ", baseline " + baseline
                    + " vs " + other.net + ", baseline " + other.baseline + ").");
        }
        List<Point> all = new java.util.ArrayList<>(points);
        all.addAll(other.points);
        String s = settings.equals(other.settings) ? settings : settings + " | " + other.settings;
        return new Sweep(net, data, s, granularity, baseline, all);
    }

    /** @return a builder: criteria and sparsities are required */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a sweep; {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        private List<Importance> criteria;
        private double[] sparsities;
        private Scope scope = Scope.GLOBAL;
        private Granularity granularity = Granularity.UNSTRUCTURED;
        private TrainConfig fineTune = TrainConfig.epochs(1);
        private java.io.PrintStream out = System.out;

        Builder() {}

        /**
         * @param criteria the criteria to compare
         * @return this builder
         */
        public Builder setCriteria(Importance... criteria) {
            this.criteria = List.of(criteria);
            return this;
        }

        /**
         * @param sparsities the targets, each in [0, 1)
         * @return this builder
         */
        public Builder setSparsities(double... sparsities) {
            for (double s : sparsities) {
                Pruner.checkSparsity(s);
            }
            this.sparsities = sparsities.clone();
            return this;
        }

        /**
         * @param scope global (default) or layer-wise
         * @return this builder
         */
        public Builder optScope(Scope scope) {
            this.scope = scope;
            return this;
        }

        /**
         * @param granularity unstructured (default) or structured (units are then removed, and latency falls)
         * @return this builder
         */
        public Builder optGranularity(Granularity granularity) {
            this.granularity = granularity;
            return this;
        }

        /**
         * @param fineTune the fine-tuning budget after pruning (default 1 epoch)
         * @return this builder
         */
        public Builder optFineTune(TrainConfig fineTune) {
            this.fineTune = fineTune;
            return this;
        }

        /**
         * @param progress where to print a line per point, or null for silence
         * @return this builder
         */
        public Builder optProgress(java.io.PrintStream progress) {
            this.out = progress;
            return this;
        }

        /**
         * Runs every criterion at every sparsity on a copy of {@code net} (left untouched).
         *
         * @param net a trained net
         * @param data sample/fine-tuning data and the test set
         * @return the sweep
         */
        public Sweep run(Net net, DataSplit data) {
            if (criteria == null || criteria.isEmpty() || sparsities == null || sparsities.length == 0) {
                throw new IllegalStateException("setCriteria(...) and setSparsities(...) are required.");
            }
            double baseline = net.accuracy(data.test());
            List<Point> points = new java.util.ArrayList<>();
            for (Importance criterion : criteria) {
                for (double s : sparsities) {
                    try (Net copy = net.copy()) {
                        Pruner.builder().setImportance(criterion).setSparsity(s).optScope(scope)
                                .optGranularity(granularity).build().plan(copy, data).apply();
                        if (granularity.removesUnits()) {
                            copy.removePrunedUnits();
                        }
                        double pruned = copy.accuracy(data.test());
                        double tuned = fineTune.epochs() > 0
                                ? Training.fit(copy, data, fineTune, Progress.none()).finalTestAccuracy() : pruned;
                        SparsityReport r = SparsityReport.of(copy);
                        Point p = new Point(criterion.name(), s, pruned, tuned, r.nonZero(), copy.parameterCount(),
                                Latency.medianMillis(copy, data.test(), 1000, 7));
                        points.add(p);
                        if (out != null) {
                            out.printf("%-17s sparsity %.2f: accuracy %.4f pruned, %.4f fine-tuned%n", p.criterion(),
                                    s, pruned, tuned);
                            out.flush();
                        }
                    }
                }
            }
            String settings = String.format("%s %s, fine-tune %s", scope, granularity, fineTune);
            return new Sweep(net.name(), data.train().name(), settings, granularity, baseline, points);
        }
    }

    /** @return the criteria, in order of first appearance */
    public List<String> criteria() {
        return points.stream().map(Point::criterion).distinct().toList();
    }

    /**
     * @param criterion a criterion's name
     * @return its points, in order of sparsity
     */
    public List<Point> of(String criterion) {
        return points.stream().filter(p -> p.criterion().equals(criterion)).toList();
    }

    /**
     * The criteria compared: per criterion its mean accuracy over the sweep's sparsities (right
     * after pruning and after fine-tuning), at how many sparsities it was the best (ties count for
     * each), and the highest sparsity whose fine-tuned accuracy stays within {@code margin} of the
     * dense accuracy (0 if none does). Sorted by the mean accuracy right after pruning.
     *
     * @param margin the accuracy loss accepted, e.g. 0.01 for one percentage point
     * @return one row per criterion
     */
    public Table ranking(double margin) {
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("The accepted accuracy loss must be in [0, 1), got " + margin + ".");
        }
        StringColumn name = StringColumn.create("criterion");
        DoubleColumn meanPruned = DoubleColumn.create("mean acc pruned");
        tech.tablesaw.api.IntColumn bestPruned = tech.tablesaw.api.IntColumn.create("best (pruned)");
        DoubleColumn meanTuned = DoubleColumn.create("mean acc fine-tuned");
        tech.tablesaw.api.IntColumn bestTuned = tech.tablesaw.api.IntColumn.create("best (fine-tuned)");
        DoubleColumn safe = DoubleColumn.create(String.format("highest sparsity within %.1f pp", 100 * margin));
        for (String c : criteria()) {
            List<Point> ps = of(c);
            int bp = 0;
            int bt = 0;
            for (Point p : ps) {
                List<Point> same = points.stream().filter(q -> q.sparsity() == p.sparsity()).toList();
                bp += same.stream().allMatch(q -> p.accuracyPruned() >= q.accuracyPruned()) ? 1 : 0;
                bt += same.stream().allMatch(q -> p.accuracy() >= q.accuracy()) ? 1 : 0;
            }
            name.append(c);
            meanPruned.append(ps.stream().mapToDouble(Point::accuracyPruned).average().orElse(Double.NaN));
            bestPruned.append(bp);
            meanTuned.append(ps.stream().mapToDouble(Point::accuracy).average().orElse(Double.NaN));
            bestTuned.append(bt);
            safe.append(ps.stream().filter(p -> p.accuracy() >= baseline - margin).mapToDouble(Point::sparsity).max()
                    .orElse(0));
        }
        return Table.create("Criteria on " + net + " (dense accuracy " + String.format("%.4f", baseline) + ")", name,
                meanPruned, bestPruned, meanTuned, bestTuned, safe).sortDescendingOn("mean acc pruned");
    }

    /** @return one row per point */
    @Override
    public Table toTable() {
        return Table.create("Sweep of " + net + " on " + data + " (" + settings + ")",
                StringColumn.create("criterion", points.stream().map(Point::criterion)),
                DoubleColumn.create("sparsity", points.stream().mapToDouble(Point::sparsity)),
                DoubleColumn.create("acc pruned", points.stream().mapToDouble(Point::accuracyPruned)),
                DoubleColumn.create("acc fine-tuned", points.stream().mapToDouble(Point::accuracy)),
                LongColumn.create("non-zero", points.stream().mapToLong(Point::nonZero).toArray()),
                LongColumn.create("parameters", points.stream().mapToLong(Point::parameters).toArray()),
                DoubleColumn.create("latency ms", points.stream().mapToDouble(Point::latencyMs)));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format("Sweep of %s on %s (%s); dense accuracy %.4f%n", net, data,
                settings, baseline));
        sb.append(String.format("%-18s %8s %11s %14s %10s %11s %10s%n", "criterion", "sparsity", "acc pruned",
                "acc fine-tuned", "non-zero", "parameters", "latency ms"));
        for (Point p : points) {
            sb.append(String.format("%-18s %8.2f %11.4f %14.4f %10d %11d %10.3f%n", p.criterion(), p.sparsity(),
                    p.accuracyPruned(), p.accuracy(), p.nonZero(), p.parameters(), p.latencyMs()));
        }
        return sb.toString();
    }
}
