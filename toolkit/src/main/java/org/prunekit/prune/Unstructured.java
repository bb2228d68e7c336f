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
        Map<String, LayerStats> stats = StatsCollector.collect(net, measured(net, targets, skipped), sample, batchSize);
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
