package org.prunekit.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.prunekit.RunProvenance;
import org.prunekit.Runner;
import org.prunekit.RunnerBuilder;
import org.prunekit.data.ExampleSplit;
import org.prunekit.train.Metric;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;

/**
 * Sensitivity analysis (Han et al. 2015, Li et al. 2017): prunes each layer alone (per unit: each
 * channel group) at each sparsity, on a copy of the net, which is left untouched, and measures the
 * test accuracy right after (no fine-tuning: a scan shows what each layer tolerates, not what
 * training recovers). The result is a {@link Sensitivity}.
 *
 * <pre>{@code
 * Sensitivity s = SensitivityScan.builder()
 *         .setImportance(Importance.magnitudeL1())
 *         .setSparsities(0.5, 0.7, 0.9)
 *         .optGranularity(Granularity.UNSTRUCTURED)   // the default
 *         .build()
 *         .run(net, data);
 * s.safeSparsity("fc1", 0.01)
 * }</pre>
 */
public final class SensitivityScan implements Runner<Sensitivity> {

    private final Importance importance;
    private final double[] sparsities;
    private final Granularity granularity;
    private final Progress progress;

    private SensitivityScan(Builder b) {
        this.importance = b.importance;
        this.sparsities = b.sparsities;
        this.granularity = b.granularity;
        this.progress = b.progress();
    }

    /** @return a builder: the criterion and the sparsities are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param net a trained net (left untouched)
     * @param data sample data for data-driven criteria, and the test set
     * @return the curves, with their provenance
     */
    @Override
    public Sensitivity run(Net net, ExampleSplit data) {
        RunProvenance provenance = RunProvenance.builder("SensitivityScan", net.name(), data)
                .add("criterion", importance).add("granularity", granularity).add("sparsities", sparsities)
                .add("fine-tune", "none (accuracy right after pruning)").build();
        Metric metric = Metric.of(data.test());
        double baseline = metric.measure(net, data.test());
        List<Sensitivity.Point> points = new ArrayList<>();
        // per weight: every prunable layer; per unit: every channel group (named after its first producer)
        List<String> layers = granularity.removesUnits()
                ? net.channelGroups().prunable().stream().map(ChannelGroup::name).toList()
                : net.prunableLayers().stream().map(Layer::name).toList();
        try (Progress.Task task = progress.start("Sensitivity of " + net.name(), (long) layers.size()
                * sparsities.length, "points")) {
            for (String layer : layers) {
                for (double s : sparsities) {
                    task.advance(points.size(), String.format(Locale.ROOT, "%s at sparsity %.2f", layer, s));
                    try (Net copy = net.copy()) {
                        Pruner.builder().setImportance(importance).setSparsity(s).optGranularity(granularity)
                                .optLayers(layer).build().plan(copy, data).apply();
                        points.add(new Sensitivity.Point(layer, s, metric.measure(copy, data.test())));
                    }
                }
            }
            task.advance(points.size(), "done");
            task.done(String.format(Locale.ROOT, "Sensitivity of %s: %d layers x %d sparsities", net.name(),
                    layers.size(), sparsities.length));
        }
        return new Sensitivity(provenance, importance, granularity, baseline, points, metric);
    }

    /** Settings of a scan; {@code set*} required, {@code opt*} optional. */
    public static final class Builder extends RunnerBuilder<Builder> {
        private Importance importance;
        private double[] sparsities;
        private Granularity granularity = Granularity.UNSTRUCTURED;

        Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * @param importance the criterion that chooses what to prune in each layer
         * @return this builder
         */
        public Builder setImportance(Importance importance) {
            this.importance = Runner.require(importance, "The criterion");
            return this;
        }

        /**
         * @param sparsities the levels to try, each in [0, 1)
         * @return this builder
         */
        public Builder setSparsities(double... sparsities) {
            if (sparsities.length == 0) {
                throw new IllegalArgumentException("Give at least one sparsity level, e.g. 0.5, 0.7, 0.9.");
            }
            for (double s : sparsities) {
                Pruner.checkSparsity(s);
            }
            this.sparsities = sparsities.clone();
            return this;
        }

        /**
         * @param granularity {@link Granularity#UNSTRUCTURED} (default: weights of each layer) or
         *     structured (units of each channel group)
         * @return this builder
         */
        public Builder optGranularity(Granularity granularity) {
            this.granularity = Runner.require(granularity, "The granularity");
            return this;
        }

        /**
         * @return the scan, ready to run
         * @throws IllegalStateException if the criterion or the sparsities are missing
         */
        public SensitivityScan build() {
            Runner.required(importance != null, "SensitivityScan",
                    "setImportance(...), e.g. setImportance(Importance.magnitudeL1())");
            Runner.required(sparsities != null, "SensitivityScan", "setSparsities(...), e.g. setSparsities(0.5, 0.9)");
            return new SensitivityScan(this);
        }
    }
}
