package org.prunekit.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.prunekit.data.Examples;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * What one pruning decision removes: single weights, whole units, or weights in an N:M pattern.
 * A granularity is more than a label: it decides what a {@link Pruner} ranks and how, so each
 * kind below carries its own behaviour.
 *
 * <ul>
 *   <li>{@link #UNSTRUCTURED} ({@link Unstructured}): single weights, a 0/1 mask per weight,
 *       scored by {@link Importance#weightScores}. The tensor keeps its shape, so no speed-up by
 *       itself.</li>
 *   <li>{@link #STRUCTURED} ({@link Structured}): whole output units — a neuron of a Linear
 *       layer or a channel (filter) of a Conv2d layer — planned per channel group (the channels a
 *       residual connection ties together), scored by the mean of the group's producers'
 *       {@link Importance#unitScores}, with their biases, batch-norm entries and the inputs that
 *       read them. Removing them physically makes the model smaller and faster.</li>
 *   <li>{@link #nm(int, int)} ({@link SemiStructured}): semi-structured N:M sparsity (Mishra et
 *       al. 2021, NVIDIA's 2:4): of every M consecutive inputs of a unit (input features of a
 *       Linear layer, input channels at each kernel position of a Conv2d layer) the N most
 *       important are kept. The sparsity is fixed at 1 − N/M; hardware with sparse tensor cores
 *       runs 2:4 layers about twice as fast.</li>
 * </ul>
 *
 * <p>What each one decides, in the order a plan runs:
 * <ol>
 *   <li>what is ranked: one score per weight of each layer, or one per channel of each channel
 *       group ({@code rank});</li>
 *   <li>how scores of different layers are made comparable for a global ranking
 *       ({@code normalise}: per unit, by the layer's mean score);</li>
 *   <li>how a layer's budget of pruned weights or units becomes a mask ({@code mask}: the lowest
 *       scores, or the N:M pattern, which needs no budget);</li>
 *   <li>how a plan's masks are registered with the net ({@code apply}: per weight, or per
 *       channel in every member of the group).</li>
 * </ol>
 *
 * <pre>{@code
 * Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
 *         .optGranularity(Granularity.STRUCTURED).build();
 * Granularity.nm(2, 4).fixedSparsity();   // OptionalDouble[0.5]
 * Granularity.STRUCTURED.unit();          // "units"
 * }</pre>
 */
public abstract sealed class Granularity permits Unstructured, Structured {

    /** Single weights. */
    public static final Granularity UNSTRUCTURED = new Unstructured();

    /** Whole output units (neurons, channels), by channel group. */
    public static final Granularity STRUCTURED = new Structured();

    Granularity() {}

    /**
     * N:M semi-structured sparsity, e.g. {@code nm(2, 4)}.
     *
     * @param n how many weights of every group are kept, at least 1
     * @param m the group size (consecutive inputs), more than {@code n}
     * @return the granularity
     * @throws IllegalArgumentException if not {@code 1 <= n < m}
     */
    public static Granularity nm(int n, int m) {
        return new SemiStructured(n, m);
    }

    /** @return the two classic granularities, unstructured and structured */
    public static List<Granularity> values() {
        return List.of(UNSTRUCTURED, STRUCTURED);
    }

    /** @return what a plan counts and a sparsity is a fraction of: {@code "weights"} or {@code "units"} */
    public abstract String unit();

    /**
     * @return whether a plan of this granularity masks whole units, with everything that reads
     *     them, so that {@link Net#removePrunedUnits()} can take them out physically
     */
    public boolean removesUnits() {
        return false;
    }

    /** @return the sparsity the granularity itself fixes (N:M: 1 − N/M), empty if the pruner chooses it */
    public OptionalDouble fixedSparsity() {
        return OptionalDouble.empty();
    }

    /** @return a short lower-case name for tables and legends: {@code unstructured}, {@code structured}, {@code 2:4} */
    public String displayName() {
        return toString().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The sparsity a pruner built with this granularity plans for.
     *
     * @param requested the sparsity given to the builder (NaN if none)
     * @param scope the scope given to the builder
     * @return the sparsity to plan for (NaN if none is given and none is fixed)
     * @throws IllegalStateException if this granularity cannot take the settings
     */
    double sparsity(double requested, Scope scope) {
        return requested;
    }

    /**
     * The layers whose statistics a plan needs.
     *
     * @param net the net
     * @param targets the layers the pruner was asked for
     * @param skipped filled with the layers left out, and why
     * @return the layers, in layer order
     */
    abstract List<Layer> measured(Net net, Targets targets, Map<String, String> skipped);

    /**
     * Scores what a plan ranks: per weight of each layer, or per channel of each channel group.
     *
     * @param net the net (not changed)
     * @param importance the criterion
     * @param targets the layers the pruner was asked for
     * @param sample the images to measure on, or null
     * @param batchSize the batch size for measuring
     * @return the scores, the current masks and what is left out
     */
    abstract Ranking rank(Net net, Importance importance, Targets targets, Examples sample, int batchSize);

    /**
     * Makes one layer's scores comparable with other layers' for a global ranking.
     *
     * @param scores a layer's (or group's) scores, not changed
     * @param importance the criterion that gave them
     * @return the scores to rank globally (the same array if they need no change)
     */
    float[] normalise(float[] scores, Importance importance) {
        return scores;
    }

    /**
     * Turns a budget into a mask: the {@code budget} lowest scores are pruned, those already
     * pruned first (they count towards it), equal scores in index order.
     *
     * @param r what is ranked
     * @param budget how many of its weights or units to prune in all
     * @return the new mask, 1 = keep; never restores a pruned weight or unit
     */
    float[] mask(Ranking.Ranked r, int budget) {
        float[] ranked = r.scores().clone();
        int before = 0;
        for (int i = 0; i < ranked.length; i++) {
            if (r.alive()[i] == 0) {
                ranked[i] = Float.NEGATIVE_INFINITY; // already pruned: first in line, counted in the target
                before++;
            }
        }
        boolean[] drop = Selection.lowest(ranked, Math.max(before, budget));
        float[] mask = new float[ranked.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = drop[i] ? 0f : 1f;
        }
        return mask;
    }

    /**
     * Plans: shares the pruner's target among the ranked layers by its scope, then masks each.
     *
     * @param net the net
     * @param pruner the pruner
     * @param ranking the ranked scores
     * @param sampleName the sample data's name, or {@code "none"}
     * @return the plan, with notes on why it misses its target, if it does
     */
    PruningPlan plan(Net net, Pruner pruner, Ranking ranking, String sampleName) {
        Budgets budgets = pruner.scope() == Scope.LAYER ? Budgets.layerWise(pruner.sparsity(), ranking)
                : Budgets.global(pruner.sparsity(), pruner.minDensity(), ranking, this, pruner.importance());
        List<LayerPlan> plans = new ArrayList<>();
        for (Ranking.Ranked r : ranking.ranked()) {
            plans.add(layerPlan(r, mask(r, roundedBudget(r, budgets.prune().get(r.name()), pruner.roundTo()))));
        }
        List<String> notes = budgets.notes(plans, pruner, unit());
        long kept = plans.stream().mapToLong(p -> p.total() - p.prunedAfter()).sum();
        long pruned = plans.stream().mapToLong(LayerPlan::prunedAfter).sum();
        if (pruner.roundTo() > 1 && !notes.isEmpty()) {
            notes = List.of(String.format("sparsity %.4f instead of the target %.4f: optRoundTo(%d) keeps every"
                    + " group's count a multiple of %d (rounded up; a group that cannot reach one keeps what it has):"
                    + " %d kept, %d pruned", pruned / (double) (pruned + kept), pruner.sparsity(), pruner.roundTo(),
                    pruner.roundTo(), kept, pruned));
        }
        return new PruningPlan(net, pruner, plans, sampleName, ranking.skipped(), notes);
    }

    /**
     * Rounds a budget so that what is kept is a multiple of {@code roundTo} (see
     * {@link Pruner.Builder#optRoundTo}): the kept count rounded up, but never above what is still
     * alive (a plan never restores pruned units).
     *
     * @param r what is ranked (a channel group)
     * @param budget how many to prune in all
     * @param roundTo the multiple (1: the budget as it is)
     * @return the budget to prune
     */
    static int roundedBudget(Ranking.Ranked r, int budget, int roundTo) {
        if (roundTo <= 1) {
            return budget;
        }
        int n = r.alive().length;
        int alive = n - zeros(r.alive());
        int kept = n - Math.max(budget, n - alive);
        int rounded = Math.min(alive, (kept + roundTo - 1) / roundTo * roundTo);
        return n - rounded;
    }

    /**
     * @param r what was ranked
     * @param mask its new mask
     * @return the plan for it
     */
    final LayerPlan layerPlan(Ranking.Ranked r, float[] mask) {
        return new LayerPlan(r.name(), this, mask.length, zeros(r.alive()), zeros(mask), mask, r.members());
    }

    /**
     * Registers a plan's masks with the net.
     *
     * @param net the net, changed
     * @param plans the plans of one {@link PruningPlan}
     * @throws IllegalStateException if the net changed shape since the plan was made
     */
    abstract void apply(Net net, List<LayerPlan> plans);

    /** @return what a pruner's label adds for this granularity, e.g. {@code " structured"} */
    String inLabel() {
        return " " + displayName();
    }

    static int zeros(float[] mask) {
        int z = 0;
        for (float v : mask) {
            if (v == 0) {
                z++;
            }
        }
        return z;
    }
}
