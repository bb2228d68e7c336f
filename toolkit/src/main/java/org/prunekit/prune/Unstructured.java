package org.prunekit.prune;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.data.Examples;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * Pruning single weights ({@link Granularity#UNSTRUCTURED}): every weight of every target layer
 * gets its own score ({@link Importance#weightScores}) and its own 0/1 mask entry. Scores of
 * different layers are ranked as they are in a global plan (a criterion such as LAMP makes them
 * comparable). The weights stay in the tensor as zeros, so the net keeps its shape and speed.
 *
 * <p>{@link SemiStructured} (N:M) is a form of it: the same scores and masks, with the pattern
 * deciding which weights go.
 */
public sealed class Unstructured extends Granularity permits SemiStructured {

    Unstructured() {}

    /** @return {@code "weights"} */
    @Override
    public String unit() {
        return "weights";
    }

    @Override
    List<Layer> measured(Net net, Targets targets, Map<String, String> skipped) {
        return targets.layers(net);
    }

    /** Scores every weight of each target layer: one {@link Ranking.Ranked} per layer. */
    @Override
    Ranking rank(Net net, Importance importance, Targets targets, Examples sample, int batchSize) {
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<String, LayerStats> stats = StatsCollector.collect(net, measured(net, targets, skipped), sample, batchSize,
                importance);
        List<Ranking.Ranked> ranked = new ArrayList<>();
        for (LayerStats s : stats.values()) {
            ranked.add(new Ranking.Ranked(s.layer(), s.shape(), scores(importance, s), s.mask(), List.of(s.layer())));
        }
        return new Ranking(ranked, skipped);
    }

    /**
     * @param importance the criterion
     * @param s a layer's statistics
     * @return one score per weight
     */
    float[] scores(Importance importance, LayerStats s) {
        Ranking.checkFinite(s.layer(), "weights", s.weight());
        return Ranking.checked(importance, s, importance.weightScores(s), s.weight().length, unit());
    }

    /** Per row ({@link Scope#ROW}): every output row of every layer to the same sparsity; else as every granularity. */
    @Override
    PruningPlan plan(Net net, Pruner pruner, Ranking ranking, String sampleName) {
        if (pruner.scope() != Scope.ROW) {
            return super.plan(net, pruner, ranking, sampleName);
        }
        Budgets budgets = Budgets.rowWise(pruner.sparsity(), ranking);
        List<LayerPlan> plans = new ArrayList<>();
        for (Ranking.Ranked r : ranking.ranked()) {
            int rows = (int) r.shape().get(0);
            int per = r.scores().length / rows;
            int k = Math.min(per - 1, (int) Selection.count(pruner.sparsity(), per));
            float[] mask = new float[r.scores().length];
            for (int row = 0; row < rows; row++) {
                float[] rowMask = mask(new Ranking.Ranked(r.name(), r.shape(), slice(r.scores(), row, per),
                        slice(r.alive(), row, per), r.members()), k);
                System.arraycopy(rowMask, 0, mask, row * per, per);
            }
            plans.add(layerPlan(r, mask));
        }
        return new PruningPlan(net, pruner, plans, sampleName, ranking.skipped(),
                budgets.notes(plans, pruner, unit()));
    }

    private static float[] slice(float[] a, int row, int per) {
        return java.util.Arrays.copyOfRange(a, row * per, (row + 1) * per);
    }

    /** Registers each plan's mask as its layer's weight mask. */
    @Override
    void apply(Net net, List<LayerPlan> plans) {
        for (LayerPlan p : plans) {
            long expected = net.layer(p.layer()).weight().getArray().size();
            if (expected != p.total()) {
                throw new IllegalStateException("Layer " + p.layer() + " changed since this plan was made (" + expected
                        + " instead of " + p.total() + "); plan again.");
            }
        }
        for (LayerPlan p : plans) {
            Layer l = net.layer(p.layer());
            try (NDArray mask = net.manager().create(p.mask(), l.weight().getArray().getShape())) {
                net.addMask(l.weight(), mask);
            }
        }
    }

    /** @return nothing: unstructured is the default a pruner's label leaves out */
    @Override
    String inLabel() {
        return "";
    }

    /** @return {@code UNSTRUCTURED} */
    @Override
    public String toString() {
        return "UNSTRUCTURED";
    }
}
