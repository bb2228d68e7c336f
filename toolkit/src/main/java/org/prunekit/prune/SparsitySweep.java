package org.prunekit.prune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.prunekit.RunProvenance;
import org.prunekit.Runner;
import org.prunekit.RunnerBuilder;
import org.prunekit.data.ExampleSplit;
import org.prunekit.train.Metric;
import org.prunekit.model.Net;
import org.prunekit.train.Latency;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Compares criteria across sparsities: every criterion at every sparsity, each on a fresh copy of
 * the trained net (which is left untouched) — pruned, its units removed if structured, fine-tuned,
 * then measured (test accuracy right after pruning and after fine-tuning, non-zero weights,
 * parameters, median latency of a batch of 1,000 test images). The result is a {@link Sweep}. Each point's
 * latency is timed on its own after a warm-up ({@link Latency#measure}: on a CPU with slow convolutions several
 * seconds per point); {@code optLatency(false)} leaves it out. To compare speeds, time the nets in turns with
 * {@link org.prunekit.train.SpeedUp}.
 *
 * <pre>{@code
 * Sweep sweep = SparsitySweep.builder()
 *         .setCriteria(Importance.magnitudeL1(), Importance.taylor(), Importance.random(1), Importance.random(2))
 *         .setSparsities(0.5, 0.8, 0.9)
 *         .optGranularity(Granularity.UNSTRUCTURED)    // the default
 *         .optFineTune(TrainConfig.epochs(1))          // the default; TrainConfig.epochs(0) for none
 *         .optLatency(false)                           // no latency column (default: timed)
 *         .build()
 *         .run(net, data);
 * sweep.of(Importance.random(2))                       // its points: random(1) and random(2) are two curves
 * }</pre>
 */
public final class SparsitySweep implements Runner<Sweep> {

    /** Test examples per timed latency pass. */
    private static final int LATENCY_BATCH = 1000;
    /** Timed latency passes per point; the point's latency is their median. */
    private static final int LATENCY_PASSES = 7;

    private final List<Importance> criteria;
    private final double[] sparsities;
    private final Scope scope;
    private final Granularity granularity;
    private final boolean latency;
    private final TrainConfig fineTune;
    private final Progress progress;

    private SparsitySweep(Builder b) {
        this.criteria = b.criteria;
        this.sparsities = b.sparsities;
        this.scope = b.scope;
        this.granularity = b.granularity;
        this.latency = b.latency;
        this.fineTune = b.fineTune();
        this.progress = b.progress();
    }

    /** @return a builder: criteria and sparsities are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs every criterion at every sparsity on a copy of {@code net} (left untouched).
     *
     * @param net a trained net
     * @param data sample/fine-tuning data and the test set
     * @return the sweep, with its provenance
     */
    @Override
    public Sweep run(Net net, ExampleSplit data) {
        RunProvenance provenance = RunProvenance.builder("SparsitySweep", net.name(), data).add("criteria", criteria)
                .add("sparsities", sparsities).add("scope", scope).add("granularity", granularity)
                .add("fine-tune", fineTune).add("latency", latency
                        ? String.format(Locale.ROOT, "median of %d passes of %,d test examples", LATENCY_PASSES,
                                LATENCY_BATCH)
                        : "not measured").build();
        Metric metric = Metric.of(data.test());
        double baseline = metric.measure(net, data.test());
        List<Sweep.Point> points = new ArrayList<>();
        try (Progress.Task task = progress.start("Sweep of " + net.name(), (long) criteria.size() * sparsities.length,
                "points")) {
            for (Importance criterion : criteria) {
                String label = Sweep.label(criteria, criterion);
                for (double s : sparsities) {
                    task.advance(points.size(), String.format(Locale.ROOT, "%s at sparsity %.2f", label, s));
                    Sweep.Point p = point(net, data, criterion, s, metric);
                    points.add(p);
                    task.log(String.format(Locale.ROOT, "%-17s sparsity %.2f: %s %s pruned, %s fine-tuned", label, s,
                            metric, metric.format(p.accuracyPruned()), metric.format(p.accuracy())));
                }
            }
            task.advance(points.size(), "done");
            task.done(String.format(Locale.ROOT, "Sweep of %s: %d criteria x %d sparsities", net.name(),
                    criteria.size(), sparsities.length));
        }
        return new Sweep(provenance, granularity, baseline, points, metric);
    }

    private Sweep.Point point(Net net, ExampleSplit data, Importance criterion, double s, Metric metric) {
        try (Net copy = net.copy()) {
            Pruner.builder().setImportance(criterion).setSparsity(s).optScope(scope).optGranularity(granularity).build()
                    .plan(copy, data).apply();
            if (granularity.removesUnits()) {
                copy.removePrunedUnits();
            }
            double pruned = metric.measure(copy, data.test());
            double tuned = fineTune.epochs() > 0
                    ? Training.fit(copy, data, fineTune, Progress.none()).finalTestScore() : pruned;
            SparsityReport r = SparsityReport.of(copy);
            return new Sweep.Point(criterion, s, pruned, tuned, r.nonZero(), copy.parameterCount(),
                    latency ? Latency.medianMillis(copy, data.test(), LATENCY_BATCH, LATENCY_PASSES) : Double.NaN);
        }
    }

    /** Settings of a sweep; {@code set*} required, {@code opt*} optional. */
    public static final class Builder extends RunnerBuilder.WithFineTune<Builder> {
        private List<Importance> criteria;
        private double[] sparsities;
        private Scope scope = Scope.GLOBAL;
        private Granularity granularity = Granularity.UNSTRUCTURED;
        private boolean latency = true;

        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * @param criteria the criteria to compare, each once (criteria are equal when they score
         *     alike: {@code random(1)} twice is one criterion, {@code random(1)} and {@code random(2)} two)
         * @return this builder
         * @throws IllegalArgumentException if none is given or one is given twice
         */
        public Builder setCriteria(Importance... criteria) {
            if (criteria.length == 0) {
                throw new IllegalArgumentException("Give at least one criterion, e.g. Importance.magnitudeL1().");
            }
            HashSet<Importance> seen = new HashSet<>();
            for (Importance c : criteria) {
                Objects.requireNonNull(c, "criterion");
                if (!seen.add(c)) {
                    throw new IllegalArgumentException("Criterion " + c + " is given twice; give each criterion once"
                            + " (for several random runs, give each its own seed: random(1), random(2), ...).");
                }
            }
            this.criteria = List.of(criteria);
            return this;
        }

        /**
         * @param sparsities the targets, each in [0, 1)
         * @return this builder
         */
        public Builder setSparsities(double... sparsities) {
            if (sparsities.length == 0) {
                throw new IllegalArgumentException("Give at least one sparsity, e.g. 0.5, 0.9.");
            }
            for (double s : sparsities) {
                Pruner.checkSparsity(s);
            }
            this.sparsities = sparsities.clone();
            return this;
        }

        /**
         * @param scope {@link Scope#GLOBAL} (default) or layer-wise
         * @return this builder
         */
        public Builder optScope(Scope scope) {
            this.scope = Runner.require(scope, "The scope");
            return this;
        }

        /**
         * @param granularity {@link Granularity#UNSTRUCTURED} (default) or structured (units are
         *     then removed, and latency falls)
         * @return this builder
         */
        public Builder optGranularity(Granularity granularity) {
            this.granularity = Runner.require(granularity, "The granularity");
            return this;
        }

        /**
         * @param latency whether each point's latency is measured (default true: a batch of 1,000 test images,
         *     the median of 7 passes after a warm-up of at least a second); without it the points' latency is NaN
         *     and the sweep's table has no latency column
         * @return this builder
         */
        public Builder optLatency(boolean latency) {
            this.latency = latency;
            return this;
        }

        /**
         * @return the sweep, ready to run
         * @throws IllegalStateException if the criteria or the sparsities are missing
         */
        public SparsitySweep build() {
            Runner.required(criteria != null, "SparsitySweep", "setCriteria(...), e.g. setCriteria(Importance.magnitudeL1())");
            Runner.required(sparsities != null, "SparsitySweep", "setSparsities(...), e.g. setSparsities(0.5, 0.9)");
            return new SparsitySweep(this);
        }
    }
}
