package org.prunekit.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.prunekit.data.Examples;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.ChannelGroups;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * Pruning whole output units ({@link Granularity#STRUCTURED}): neurons of Linear layers,
 * channels (filters) of Conv2d layers and hidden units of LSTM and GRU layers (every gate row of
 * both weights and biases; scored per unit from their weight parts, see {@link UnitView}), by
 * channel group — the channels that a residual
 * connection ties together must go together (see {@link org.prunekit.model.ChannelGroup}; in a
 * plain net each hidden layer is a group of its own, and the output layer is never one).
 *
 * <ul>
 *   <li>Scores: a channel's score is the mean over the group's producers of their
 *       {@link Importance#unitScores}; a channel counts as pruned only when it is pruned in every
 *       producer (weights and bias all masked).</li>
 *   <li>Global ranking: each group's scores are first divided by their mean absolute value, so
 *       that layers of different widths and scales compete on equal terms (not for criteria
 *       comparable across layers already, such as LAMP).</li>
 *   <li>Applying: a pruned channel is masked in every member of its group — the weights and bias
 *       of each producer (of a recurrent layer, every gate's row: {@code ChannelRole.channelMasks}),
 *       the scale and shift of each batch norm — so its value is exactly zero
 *       wherever it is read, and {@link Net#removePrunedUnits()} can remove it physically.</li>
 * </ul>
 */
public final class Structured extends Granularity {

    Structured() {}

    /** @return {@code "units"} */
    @Override
    public String unit() {
        return "units";
    }

    /** @return true */
    @Override
    public boolean removesUnits() {
        return true;
    }

    /** Refuses {@link Scope#ROW}: a structured plan removes whole rows, it cannot thin each one. */
    @Override
    double sparsity(double requested, Scope scope) {
        if (scope == Scope.ROW) {
            throw new IllegalStateException("Scope.ROW prunes the same share of every output row; a structured plan"
                    + " removes whole rows (units). Use Scope.LAYER or Scope.GLOBAL with STRUCTURED.");
        }
        return requested;
    }

    /** The producers of the target channel groups. */
    @Override
    List<Layer> measured(Net net, Targets targets, Map<String, String> skipped) {
        return producers(net, targets.groups(net));
    }

    private static List<Layer> producers(Net net, List<ChannelGroup> groups) {
        Set<String> names = new HashSet<>();
        groups.forEach(g -> names.addAll(g.producers()));
        // dense and convolution layers, and recurrent layers (measured through their weight parts); an
        // embedding's columns are masked with its group but not scored
        return net.layers().stream().filter(l -> names.contains(l.name())
                && (l.isPrunable() || !l.spec().weightParts().isEmpty())).toList();
    }

    /** Scores every channel of each target group: the mean of its producers' unit scores. */
    @Override
    Ranking rank(Net net, Importance importance, Targets targets, Examples sample, int batchSize) {
        List<ChannelGroup> groups = targets.groups(net);
        Map<String, LayerStats> stats = StatsCollector.collect(net, producers(net, groups), sample, batchSize, importance);
        List<Ranking.Ranked> ranked = new ArrayList<>();
        for (ChannelGroup g : groups) {
            float[] sum = new float[g.channels()];
            float[] alive = new float[g.channels()];
            int width = g.width(); // rows per channel: 1, or an attention head's size
            // the producers with weights rows (an embedding's columns are masked along, not scored)
            List<String> scored = g.producers().stream().filter(stats::containsKey).toList();
            for (String p : scored) {
                LayerStats s = stats.get(p);
                Ranking.checkFinite(s.layer(), "weights", s.weight());
                float[] sc = Ranking.checked(importance, s, importance.unitScores(s), s.units(), unit());
                float[] m = unitMask(net, s);
                for (int r = 0; r < sc.length; r++) {
                    // a group's importance: the mean over its producers of the sum over a channel's rows
                    sum[r / width] += sc[r] / scored.size();
                    alive[r / width] = Math.max(alive[r / width], m[r]);
                }
            }
            ranked.add(new Ranking.Ranked(g.name(), new Shape(g.channels()), sum, alive, g.members()));
        }
        return new Ranking(ranked, Map.of());
    }

    /** The per-unit mask of a layer: a unit counts as pruned when its weights and bias are all masked. */
    private static float[] unitMask(Net net, LayerStats s) {
        float[] m = new float[s.units()];
        int per = s.perUnit();
        Layer layer = net.layer(s.layer());
        float[] biasMask = layer.bias() == null || net.masks().get(layer.bias()) == null ? null
                : net.masks().get(layer.bias()).toFloatArray();
        for (int u = 0; u < m.length; u++) {
            boolean alive = biasMask != null ? biasMask[u] != 0 : layer.bias() != null;
            for (int j = u * per; j < (u + 1) * per && !alive; j++) {
                alive = s.mask()[j] != 0;
            }
            m[u] = alive ? 1f : 0f;
        }
        return m;
    }

    /** Divides the scores by their mean absolute value (unless the criterion is comparable across layers). */
    @Override
    float[] normalise(float[] scores, Importance importance) {
        if (importance.comparableAcrossLayers()) {
            return scores;
        }
        double mean = IntStream.range(0, scores.length).mapToDouble(i -> Math.abs(scores[i])).average().orElse(1);
        float[] out = new float[scores.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (scores[i] / (mean == 0 ? 1 : mean));
        }
        return out;
    }

    /** Masks each pruned channel in every member of its group. */
    @Override
    void apply(Net net, List<LayerPlan> plans) {
        ChannelGroups groups = net.channelGroups();
        for (LayerPlan p : plans) {
            long expected = groups.named(p.layer()).channels();
            if (expected != p.total()) {
                throw new IllegalStateException("Channel group " + p.layer() + " changed since this plan was made ("
                        + expected + " instead of " + p.total() + "); plan again.");
            }
        }
        for (LayerPlan p : plans) {
            ChannelGroup g = groups.named(p.layer());
            List<String> members = new ArrayList<>(g.producers());
            members.addAll(g.perChannel());
            for (String member : members) {
                Layer l = net.layer(member);
                for (Map.Entry<Parameter, float[]> m : l.spec().role().channelMasks(l, p.mask()).entrySet()) {
                    try (NDArray mask = net.manager().create(m.getValue(), m.getKey().getArray().getShape())) {
                        net.addMask(m.getKey(), mask);
                    }
                }
            }
        }
    }

    /** @return {@code STRUCTURED} */
    @Override
    public String toString() {
        return "STRUCTURED";
    }
}
