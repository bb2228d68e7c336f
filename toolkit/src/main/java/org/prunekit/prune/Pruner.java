package org.prunekit.prune;

import org.prunekit.PruneKit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.Examples;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * Computes pruning plans: which weights or units of a net to remove, by an {@link Importance}
 * criterion, to reach a target sparsity. A pruner only plans; {@link PruningPlan#apply()}
 * changes the net, so a plan can be previewed as a table first (as Torch-Pruning separates
 * planning from applying).
 *
 * <pre>{@code
 * Pruner pruner = Pruner.builder()
 *         .setImportance(Importance.taylor())
 *         .setSparsity(0.9)                       // 90 % of the weights zero afterwards
 *         .optScope(Scope.GLOBAL)
 *         .build();
 * PruningPlan plan = pruner.plan(net, data);      // preview: plan.toTable()
 * plan.apply();                                   // masks stay put during fine-tuning
 * }</pre>
 *
 * <p>Semantics:
 * <ul>
 *   <li>Counts: exactly {@code round(sparsity·n)} weights (or units) are pruned, rounded half to
 *       even as Python's {@code round} and {@code torch.nn.utils.prune} do (10 weights at 0.25:
 *       2; 6 filters at 0.75: 4); equal scores are pruned in index order. A global plan rounds
 *       once, over all its layers together.</li>
 *   <li>The sparsity is the <em>total</em> target after the call, counting the weights that
 *       earlier masks already removed; a new mask is combined with the old one, so re-pruning
 *       only removes more, and a target below what is already pruned removes nothing. This
 *       differs from torch, whose {@code amount} is a fraction of the weights still unpruned
 *       (50 % twice is 75 % in torch, 50 % here): {@link TorchPrune} follows torch's rules.</li>
 *   <li>A layer-wise plan never empties a layer: it keeps at least one weight or unit of each,
 *       even where {@code round(sparsity·n) = n} (3 weights at 0.9 lose 2). An empty layer cuts
 *       every path through the net: its output no longer depends on the input, and a
 *       structured plan could not remove it physically.</li>
 *   <li>A global plan keeps at least {@code minDensity} of every layer (default 0.01, rounded
 *       up, so at least one weight or unit), and the other layers make up the difference, so the
 *       total is exactly the target whenever the floors allow it. A layer that earlier masks
 *       left sparser than its floor counts with the zeros it has. {@code optMinDensity(0)}
 *       means no floor: a layer may then be emptied, as in torch's {@code global_unstructured}.</li>
 * </ul>
 * {@link PruningPlan#notes()} says why a plan misses its target: rounding, the floors, or
 * layers that were already sparser.
 *
 * <p>The pieces of a plan: the {@link Granularity} scores what it ranks (weights of each layer,
 * or channels of each channel group) and turns budgets into masks; {@code Budgets} shares the
 * target among layers by the {@link Scope}; {@code Targets} checks the layers asked for.
 */
public final class Pruner {

    private final Importance importance;
    private final double sparsity;
    private final Granularity granularity;
    private final Scope scope;
    private final double minDensity;
    private final Targets targets;
    private final int samples;
    private final int batchSize;
    private final long seed;
    private final int roundTo;

    private Pruner(Builder b) {
        this.importance = b.importance;
        this.sparsity = b.sparsity;
        this.granularity = b.granularity;
        this.scope = b.scope;
        this.minDensity = b.minDensity;
        this.targets = new Targets(b.layers);
        this.samples = b.samples;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.roundTo = b.roundTo;
    }

    /** @return a builder; importance and sparsity are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the criterion */
    public Importance importance() {
        return importance;
    }

    /** @return the target sparsity */
    public double sparsity() {
        return sparsity;
    }

    /** @return what one decision removes: weights, units, or weights in an N:M pattern */
    public Granularity granularity() {
        return granularity;
    }

    /** @return layer-wise or global */
    public Scope scope() {
        return scope;
    }

    /** @return the least fraction of each layer a global plan keeps */
    public double minDensity() {
        return minDensity;
    }

    /**
     * @return the multiple a structured plan keeps every channel group's count at (1: any count);
     *     see {@link Builder#optRoundTo}
     */
    public int roundTo() {
        return roundTo;
    }

    /**
     * @param targetSparsity another target
     * @return this pruner with that target (for schedules)
     */
    public Pruner withSparsity(double targetSparsity) {
        return builder().setImportance(importance).setSparsity(targetSparsity).optGranularity(granularity)
                .optScope(scope).optMinDensity(minDensity)
                .optLayers(targets.named() ? targets.names().toArray(String[]::new) : null).optSamples(samples).optBatchSize(batchSize).optSeed(seed).optRoundTo(roundTo).build();
    }

    /**
     * Plans with a criterion that needs no data (magnitude, random).
     *
     * @param net the net
     * @return the plan
     */
    public PruningPlan plan(Net net) {
        return plan(net, (Examples) null);
    }

    /**
     * Plans, measuring gradients and activations (if the criterion needs them) on a seeded
     * sample of {@code data.train()}.
     *
     * @param net the net
     * @param data the data
     * @return the plan
     */
    public PruningPlan plan(Net net, ExampleSplit data) {
        return plan(net, data.train().limit(samples, seed));
    }

    /**
     * Plans on a calibration set (Wanda and the other data criteria measure on its examples,
     * instead of {@code optSamples} drawn from a split).
     *
     * @param net the net
     * @param calibration the calibration examples
     * @return the plan
     */
    public PruningPlan plan(Net net, Calibration calibration) {
        Objects.requireNonNull(calibration, "calibration").check(net);
        return plan(net, calibration.examplesDrawn());
    }

    /**
     * @param net the net
     * @param sampleData the images to measure gradients and activations on (null for none)
     * @return the plan
     */
    public PruningPlan plan(Net net, Examples sampleData) {
        PruneKit.noGrad();
        Objects.requireNonNull(net, "net");
        if (importance.needsData() && sampleData == null) {
            throw new IllegalArgumentException("Importance '" + importance.name() + "' measures gradients or"
                    + " activations and needs sample data: call plan(net, data) with a ExampleSplit or Examples.");
        }
        Ranking r = granularity.rank(net, importance, targets, importance.needsData() ? sampleData : null, batchSize);
        return granularity.plan(net, this, r, sampleData == null ? "none" : sampleData.name());
    }

    /**
     * The statistics a plan would look at, for inspection and teaching: per target layer (for a
     * structured pruner, per producer of the target channel groups) its weights, mask and, if the
     * criterion needs data, gradients and activations measured on the same seeded sample of
     * {@code data.train()} that {@link #plan(Net, ExampleSplit)} uses.
     *
     * @param net the net (not changed)
     * @param data the data (may be null for a criterion without data)
     * @return the statistics by layer name, in layer order
     */
    public Map<String, LayerStats> statistics(Net net, ExampleSplit data) {
        PruneKit.noGrad();
        if (importance.needsData() && data == null) {
            throw new IllegalArgumentException("Importance '" + importance.name() + "' needs sample data.");
        }
        List<Layer> measured = granularity.measured(net, targets, new LinkedHashMap<>());
        return StatsCollector.collect(net, measured, importance.needsData() ? data.train().limit(samples, seed) : null,
                batchSize, importance);
    }

    /**
     * The scores a plan ranks: per weight of each target layer (unstructured), or per channel of
     * each target channel group (structured; a group's score is the mean of its producers' unit
     * scores, and a plain layer is a group of its own, named after it).
     *
     * @param net the net (not changed)
     * @param data the data (may be null for a criterion without data)
     * @return the scores by layer or group name, in layer order
     */
    public Map<String, float[]> scores(Net net, ExampleSplit data) {
        PruneKit.noGrad();
        if (importance.needsData() && data == null) {
            throw new IllegalArgumentException("Importance '" + importance.name() + "' needs sample data.");
        }
        return granularity.rank(net, importance, targets, importance.needsData() ? data.train().limit(samples, seed)
                : null, batchSize).scores();
    }

    /**
     * @return what this pruner does, in a few words, e.g. {@code lamp, global 98 %} or
     *     {@code magnitude-L2, layer-wise structured 50 % of [fc1]}: the label a plan's sparsity
     *     report carries into chart legends
     */
    public String label() {
        String share = java.math.BigDecimal.valueOf(sparsity).movePointRight(2)
                .setScale(2, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return importance.name() + ", " + (scope == Scope.GLOBAL ? "global" : scope == Scope.ROW ? "per row"
                : "layer-wise")
                + granularity.inLabel() + " " + share + " %" + (roundTo > 1 ? ", round to " + roundTo : "")
                + (targets.named() ? " of " + targets.names() : "");
    }

    @Override
    public String toString() {
        return String.format("Pruner{%s, %s %s, sparsity %.3f%s}", importance.name(), scope, granularity, sparsity,
                scope == Scope.GLOBAL ? ", min density " + minDensity : "");
    }

    /** Builder of a {@link Pruner}: {@code set*} are required, {@code opt*} optional. */
    public static final class Builder {
        private Importance importance;
        private double sparsity = Double.NaN;
        private Granularity granularity = Granularity.UNSTRUCTURED;
        private Scope scope;
        private double minDensity = 0.01;
        private List<String> layers;
        private int samples = 512;
        private int batchSize = 128;
        private long seed = 42;
        private int roundTo = 1;

        Builder() {}

        /**
         * @param importance the criterion (required)
         * @return this builder
         */
        public Builder setImportance(Importance importance) {
            this.importance = Objects.requireNonNull(importance, "importance");
            return this;
        }

        /**
         * @param sparsity the fraction of weights (or units) that are zero afterwards, in [0, 1) (required)
         * @return this builder
         */
        public Builder setSparsity(double sparsity) {
            this.sparsity = checkSparsity(sparsity);
            return this;
        }

        /**
         * @param granularity weights (default), whole units, or an N:M pattern
         *     ({@code Granularity.nm(2, 4)}, which fixes the sparsity: setSparsity may then be left out)
         * @return this builder
         */
        public Builder optGranularity(Granularity granularity) {
            this.granularity = Objects.requireNonNull(granularity, "granularity");
            return this;
        }

        /**
         * @param scope every layer to the same sparsity, one ranking across layers, or every output
         *     row to the same sparsity (default: the criterion's {@link Importance#preferredScope()},
         *     {@link Scope#ROW} for Wanda per weight, else {@link Scope#LAYER})
         * @return this builder
         */
        public Builder optScope(Scope scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /**
         * @param minDensity the least fraction of each layer a global plan keeps (default 0.01),
         *     rounded up to whole weights or units, so any value above 0 keeps at least one; 0
         *     means no floor: a global plan may then empty a layer, as torch's
         *     {@code global_unstructured} does (an empty layer cuts the net, and a structured
         *     plan that empties a channel group cannot be removed physically). Layer-wise plans
         *     ignore it: they keep at least one weight or unit of every layer.
         * @return this builder
         */
        public Builder optMinDensity(double minDensity) {
            if (!(minDensity >= 0 && minDensity <= 1)) {
                throw new IllegalArgumentException("Minimum density must be in [0, 1], got " + minDensity + ".");
            }
            this.minDensity = minDensity;
            return this;
        }

        /**
         * @param names the layers to prune (default: every Linear and Conv2d layer; for structured
         *     pruning every one but the output layer); null for the default
         * @return this builder
         * @throws IllegalArgumentException if no name is given (an empty list would prune nothing)
         */
        public Builder optLayers(String... names) {
            if (names != null && names.length == 0) {
                throw new IllegalArgumentException("optLayers() was given no layer names, so the pruner would prune"
                        + " nothing. Name at least one layer, e.g. optLayers(\"fc1\"), or leave optLayers out (or"
                        + " pass null) to prune every Linear and Conv2d layer.");
            }
            this.layers = names == null ? null : List.of(names);
            return this;
        }

        /**
         * @param samples how many training images to measure gradients and activations on (default 512)
         * @return this builder
         */
        public Builder optSamples(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("Samples must be at least 1, got " + samples + ".");
            }
            this.samples = samples;
            return this;
        }

        /**
         * @param batchSize batch size for measuring (default 128)
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize + ".");
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param seed the seed of the sample draw (default 42)
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Keeps every channel group's remaining count a multiple of {@code roundTo} (Torch-Pruning's
         * {@code round_to}), for structured pruning: vectorised kernels (oneDNN's blocked layouts of 8
         * and 16 channels, ATen's channels-last batch norm) run channel counts such as 16, 32 and 48
         * faster than 11, 22 and 45. After the plan's budget is shared out, each group keeps its
         * count rounded <em>up</em> to the next multiple, so a plan prunes at most as much as it would
         * without rounding; a group that cannot reach a multiple without restoring pruned channels
         * (a group of 6 with {@code roundTo} 8) keeps every channel it still has.
         *
         * @param roundTo the multiple, at least 1 (default 1: counts as the budget gives them); 8 or
         *     16 suit today's CPUs
         * @return this builder
         * @throws IllegalArgumentException if {@code roundTo} is below 1
         */
        public Builder optRoundTo(int roundTo) {
            if (roundTo < 1) {
                throw new IllegalArgumentException("Round-to must be at least 1 (1 = no rounding), got " + roundTo
                        + "; use 8 or 16 to keep channel counts multiples of the CPU's vector width.");
            }
            this.roundTo = roundTo;
            return this;
        }

        /** @return the pruner */
        public Pruner build() {
            if (importance == null) {
                throw new IllegalStateException("setImportance(...) is required, e.g. Importance.magnitudeL1().");
            }
            if (scope == null) {
                scope = granularity.removesUnits() ? Scope.LAYER : importance.preferredScope();
            }
            if (roundTo > 1 && !granularity.removesUnits()) {
                throw new IllegalStateException("optRoundTo(" + roundTo + ") rounds the channel counts of structured"
                        + " pruning, but this pruner prunes " + granularity.unit() + " (" + granularity.displayName()
                        + "): use optGranularity(Granularity.STRUCTURED), or leave optRoundTo out.");
            }
            sparsity = granularity.sparsity(sparsity, scope);
            if (Double.isNaN(sparsity)) {
                throw new IllegalStateException("setSparsity(...) is required, e.g. 0.9 for 90 % zeros.");
            }
            return new Pruner(this);
        }
    }

    /**
     * @param sparsity a sparsity target
     * @return it, if it is in [0, 1)
     * @throws IllegalArgumentException otherwise, saying why
     */
    static double checkSparsity(double sparsity) {
        if (Double.isNaN(sparsity) || sparsity < 0 || sparsity >= 1) {
            throw new IllegalArgumentException("Sparsity must be in [0, 1), got " + sparsity + ": it is the fraction"
                    + " of weights set to zero, e.g. 0.9 for 90 %; 1.0 would remove everything.");
        }
        return sparsity;
    }
}
