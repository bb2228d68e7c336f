package org.prunekit.prune;

import org.prunekit.PruneKit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.ChannelGroups;
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
 */
public final class Pruner {

    private final Importance importance;
    private final double sparsity;
    private final Granularity granularity;
    private final Scope scope;
    private final double minDensity;
    private final List<String> layers;
    private final int samples;
    private final int batchSize;
    private final long seed;

    private Pruner(Builder b) {
        this.importance = b.importance;
        this.sparsity = b.sparsity;
        this.granularity = b.granularity;
        this.scope = b.scope;
        this.minDensity = b.minDensity;
        this.layers = b.layers;
        this.samples = b.samples;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
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

    /** @return weights or units */
    public Granularity granularity() {
        return granularity;
    }

    /** @return layer-wise or global */
    public Scope scope() {
        return scope;
    }

    /**
     * @param targetSparsity another target
     * @return this pruner with that target (for schedules)
     */
    public Pruner withSparsity(double targetSparsity) {
        return builder().setImportance(importance).setSparsity(targetSparsity).optGranularity(granularity)
                .optScope(scope).optMinDensity(minDensity).optLayers(layers == null ? null : layers.toArray(String[]::new))
                .optSamples(samples).optBatchSize(batchSize).optSeed(seed).build();
    }

    /**
     * Plans with a criterion that needs no data (magnitude, random).
     *
     * @param net the net
     * @return the plan
     */
    public PruningPlan plan(Net net) {
        return plan(net, (ImageSet) null);
    }

    /**
     * Plans, measuring gradients and activations (if the criterion needs them) on a seeded
     * sample of {@code data.train()}.
     *
     * @param net the net
     * @param data the data
     * @return the plan
     */
    public PruningPlan plan(Net net, DataSplit data) {
        return plan(net, data.train().limit(samples, seed));
    }

    /**
     * @param net the net
     * @param sampleData the images to measure gradients and activations on (null for none)
     * @return the plan
     */
    public PruningPlan plan(Net net, ImageSet sampleData) {
        PruneKit.noGrad();
        Objects.requireNonNull(net, "net");
        if (importance.needsData() && sampleData == null) {
            throw new IllegalArgumentException("Importance '" + importance.name() + "' measures gradients or"
                    + " activations and needs sample data: call plan(net, data) with a DataSplit or ImageSet.");
        }
        Ranking r = rank(net, importance.needsData() ? sampleData : null);
        if (granularity.isNm()) {
            List<LayerPlan> plans = new ArrayList<>();
            for (Map.Entry<String, float[]> e : r.scores.entrySet()) {
                String name = e.getKey();
                float[] old = r.alreadyPruned.get(name);
                float[] mask = NmPattern.mask(e.getValue(), old, net.layer(name).weight().getArray().getShape(),
                        granularity.n(), granularity.m());
                plans.add(new LayerPlan(name, granularity, mask.length, zeros(old), zeros(mask), mask, List.of(name)));
            }
            return new PruningPlan(net, this, plans, sampleData == null ? "none" : sampleData.name(), r.skipped,
                    List.of());
        }
        Budgets budgets = scope == Scope.LAYER ? layerBudgets(r.alreadyPruned) : globalBudgets(r.scores,
                r.alreadyPruned);
        List<LayerPlan> plans = new ArrayList<>();
        for (Map.Entry<String, float[]> e : r.scores.entrySet()) {
            String name = e.getKey();
            float[] old = r.alreadyPruned.get(name);
            float[] ranked = e.getValue().clone();
            int before = 0;
            for (int i = 0; i < ranked.length; i++) {
                if (old[i] == 0) {
                    ranked[i] = Float.NEGATIVE_INFINITY; // already pruned: first in line, counted in the target
                    before++;
                }
            }
            int k = Math.max(before, budgets.prune().get(name));
            boolean[] drop = Selection.lowest(ranked, k);
            float[] mask = new float[ranked.length];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = drop[i] ? 0f : 1f;
            }
            plans.add(new LayerPlan(name, granularity, ranked.length, before, k, mask, r.members.get(name)));
        }
        return new PruningPlan(net, this, plans, sampleData == null ? "none" : sampleData.name(), r.skipped,
                notes(plans, budgets));
    }

    private static int zeros(float[] mask) {
        int z = 0;
        for (float v : mask) {
            if (v == 0) {
                z++;
            }
        }
        return z;
    }

    /** What a plan ranks: per layer (unstructured) or per channel group (structured), scores and current masks. */
    private record Ranking(Map<String, float[]> scores, Map<String, float[]> alreadyPruned,
            Map<String, List<String>> members, Map<String, String> skipped) {}

    private Ranking rank(Net net, ImageSet sampleData) {
        Map<String, float[]> scores = new LinkedHashMap<>();
        Map<String, float[]> alreadyPruned = new LinkedHashMap<>();
        Map<String, List<String>> members = new LinkedHashMap<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        if (granularity != Granularity.STRUCTURED) {
            Map<String, LayerStats> stats = StatsCollector.collect(net, nmCompatible(targetLayers(net), skipped),
                    sampleData, batchSize);
            for (LayerStats s : stats.values()) {
                checkFinite(s.layer(), "weights", s.weight());
                float[] sc = importance.weightScores(s);
                checkScores(s, sc, s.weight().length);
                scores.put(s.layer(), sc);
                alreadyPruned.put(s.layer(), s.mask());
                members.put(s.layer(), List.of(s.layer()));
            }
            return new Ranking(scores, alreadyPruned, members, skipped);
        }
        List<ChannelGroup> groups = targetGroups(net);
        Map<String, LayerStats> stats = StatsCollector.collect(net, producers(net, groups), sampleData, batchSize);
        for (ChannelGroup g : groups) {
            float[] sum = new float[g.channels()];
            float[] alive = new float[g.channels()];
            for (String p : g.producers()) {
                LayerStats s = stats.get(p);
                checkFinite(s.layer(), "weights", s.weight());
                float[] sc = importance.unitScores(s);
                checkScores(s, sc, s.units());
                float[] m = unitMask(net, s);
                for (int c = 0; c < sum.length; c++) {
                    sum[c] += sc[c] / g.producers().size(); // a group's importance: the mean over its producers
                    alive[c] = Math.max(alive[c], m[c]);
                }
            }
            scores.put(g.name(), sum);
            alreadyPruned.put(g.name(), alive);
            members.put(g.name(), g.members());
        }
        return new Ranking(scores, alreadyPruned, members, skipped);
    }

    private void checkScores(LayerStats s, float[] sc, int expected) {
        if (sc == null || sc.length != expected) {
            throw new IllegalStateException("Criterion '" + importance.name() + "' gave " + (sc == null ? "no"
                    : sc.length) + " scores for layer " + s.layer() + ", which has " + expected + " "
                    + (granularity == Granularity.UNSTRUCTURED ? "weights" : "units") + ".");
        }
        checkFinite(s.layer(), "'" + importance.name() + "' scores", sc);
    }

    /**
     * The statistics a plan would look at, for inspection and teaching: per target layer (for a
     * structured pruner, per producer of the target channel groups) its weights, mask and, if the
     * criterion needs data, gradients and activations measured on the same seeded sample of
     * {@code data.train()} that {@link #plan(Net, DataSplit)} uses.
     *
     * @param net the net (not changed)
     * @param data the data (may be null for a criterion without data)
     * @return the statistics by layer name, in layer order
     */
    public Map<String, LayerStats> statistics(Net net, DataSplit data) {
        PruneKit.noGrad();
        if (importance.needsData() && data == null) {
            throw new IllegalArgumentException("Importance '" + importance.name() + "' needs sample data.");
        }
        List<Layer> targets = granularity != Granularity.STRUCTURED
                ? nmCompatible(targetLayers(net), new LinkedHashMap<>()) : producers(net, targetGroups(net));
        return StatsCollector.collect(net, targets, importance.needsData() ? data.train().limit(samples, seed) : null,
                batchSize);
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
    public Map<String, float[]> scores(Net net, DataSplit data) {
        PruneKit.noGrad();
        if (importance.needsData() && data == null) {
            throw new IllegalArgumentException("Importance '" + importance.name() + "' needs sample data.");
        }
        return rank(net, importance.needsData() ? data.train().limit(samples, seed) : null).scores;
    }

    /**
     * For N:M: the layers whose input axis M divides; the others are left out (and noted) unless
     * they were asked for by name, which is an error.
     */
    private List<Layer> nmCompatible(List<Layer> layers, Map<String, String> skipped) {
        if (!granularity.isNm()) {
            return layers;
        }
        List<Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            long inputs = l.weight().getArray().getShape().get(1);
            if (inputs % granularity.m() == 0) {
                out.add(l);
                continue;
            }
            String why = "its " + inputs + " input" + (inputs == 1 ? "" : "s") + " (" + (l.weight().getArray().getShape()
                    .dimension() == 4 ? "channels" : "features") + ") are not a multiple of M = " + granularity.m();
            if (this.layers != null) {
                throw new IllegalArgumentException("Layer " + l.name() + " cannot be pruned " + granularity + ": " + why
                        + ". Leave it out of optLayers, or choose an M that divides " + inputs + ".");
            }
            skipped.put(l.name(), why);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("No layer of the net can be pruned " + granularity + ": " + skipped
                    + ".");
        }
        return out;
    }

    private static List<Layer> producers(Net net, List<ChannelGroup> groups) {
        java.util.Set<String> names = new java.util.HashSet<>();
        groups.forEach(g -> names.addAll(g.producers()));
        return net.prunableLayers().stream().filter(l -> names.contains(l.name())).toList();
    }

    private List<Layer> targetLayers(Net net) {
        List<Layer> prunable = net.prunableLayers();
        if (prunable.isEmpty()) {
            throw new IllegalArgumentException("Net " + net.name() + " has nothing to prune: no Linear or Conv2d layer.");
        }
        if (layers == null) {
            return prunable;
        }
        List<Layer> chosen = new ArrayList<>();
        for (String name : layers) {
            Layer l = net.layer(name);
            if (!l.isPrunable()) {
                throw new IllegalArgumentException("Layer " + name + " (" + l.kind() + ") has no weights to prune;"
                        + " prunable layers are " + prunable.stream().map(Layer::name).toList() + ".");
            }
            if (chosen.contains(l)) {
                throw new IllegalArgumentException("Layer " + name + " is listed twice.");
            }
            chosen.add(l);
        }
        return chosen;
    }

    private List<ChannelGroup> targetGroups(Net net) {
        List<Layer> prunable = net.prunableLayers();
        if (prunable.isEmpty()) {
            throw new IllegalArgumentException("Net " + net.name() + " has nothing to prune: no Linear or Conv2d layer.");
        }
        ChannelGroups groups = net.channelGroups();
        if (layers == null) {
            List<ChannelGroup> out = groups.prunable();
            if (out.isEmpty()) {
                StringBuilder why = new StringBuilder();
                for (ChannelGroup g : groups) {
                    why.append("\n  ").append(g.name()).append(": ").append(g.notPrunableBecause());
                }
                throw new IllegalArgumentException("Net " + net.name() + " has no hidden layer whose units could be"
                        + " removed:" + why + "\nPrune it unstructured instead.");
            }
            return out;
        }
        Layer output = prunable.get(prunable.size() - 1);
        List<ChannelGroup> chosen = new ArrayList<>();
        for (String name : layers) {
            Layer l = net.layer(name);
            if (!l.isPrunable()) {
                throw new IllegalArgumentException("Layer " + name + " (" + l.kind() + ") has no weights to prune;"
                        + " prunable layers are " + prunable.stream().map(Layer::name).toList() + ".");
            }
            if (net.activationOf(name) == null) {
                throw new IllegalArgumentException("Layer " + name + " is inside a DJL block PruneKit cannot slice; its"
                        + " units cannot be removed. Prune it unstructured instead.");
            }
            ChannelGroup g = groups.of(name);
            if (!g.isPrunable()) {
                if (l == output || g.producers().contains(output.name())) {
                    throw new IllegalArgumentException("Layer " + name + " is the output layer: its units are the "
                            + net.numClasses() + " classes and cannot be removed. Prune it unstructured instead.");
                }
                throw new IllegalArgumentException("The units of layer " + name + " cannot be removed: "
                        + g.notPrunableBecause() + ". Prune it unstructured instead.");
            }
            if (chosen.contains(g)) {
                throw new IllegalArgumentException("Layer " + name + " is listed twice"
                        + (g.isCoupled() ? " (or with another layer of its channel group " + g.producers() + ")" : "")
                        + ".");
            }
            chosen.add(g);
        }
        return chosen;
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

    /**
     * What a plan may prune per layer (or channel group), before the zeros already there.
     *
     * @param prune the count per layer
     * @param wanted how many the target asks for in all, before any floor: the sum of
     *     {@code round(sparsity·n)} per layer (layer-wise), or {@code round(sparsity·total)} (global)
     * @param capped the layers a floor held above the target (layer-wise: the one weight or unit
     *     kept; global: the minimum density)
     */
    private record Budgets(Map<String, Integer> prune, long wanted, List<String> capped) {}

    private Budgets layerBudgets(Map<String, float[]> masks) {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> capped = new ArrayList<>();
        long wanted = 0;
        for (Map.Entry<String, float[]> e : masks.entrySet()) {
            int n = e.getValue().length;
            int k = (int) Selection.count(sparsity, n);
            wanted += k;
            if (k > n - 1) {
                capped.add(e.getKey()); // never empty a layer: it would cut the net
            }
            out.put(e.getKey(), Math.min(n - 1, k));
        }
        return new Budgets(out, wanted, capped);
    }

    /**
     * Says why a plan's sparsity differs from its target: a floor held layers back, layers were
     * already sparser than the target, or the counts are whole numbers.
     */
    private List<String> notes(List<LayerPlan> plans, Budgets budgets) {
        long total = plans.stream().mapToLong(LayerPlan::total).sum();
        long after = plans.stream().mapToLong(LayerPlan::prunedAfter).sum();
        double reached = after / (double) total;
        String units = granularity == Granularity.STRUCTURED ? "units" : "weights";
        List<String> sparser = plans.stream().filter(p -> p.prunedBefore() > budgets.prune().get(p.layer()))
                .map(LayerPlan::layer).toList();
        if (after < budgets.wanted() && !budgets.capped().isEmpty()) {
            return List.of(String.format("target %.4f not reached (%.4f), %s", sparsity, reached, scope == Scope.LAYER
                    ? "capped: a layer-wise plan never empties a layer, so " + budgets.capped() + " keep one of their "
                            + units
                    : "capped by the minimum density per layer (optMinDensity(" + minDensity + ")), which holds "
                            + budgets.capped() + " at their floor; a lower minimum density lets them go further"));
        }
        if (after > budgets.wanted() && !sparser.isEmpty()) {
            return List.of(String.format("sparsity %.4f is above the target %.4f: %s already had more %s pruned than"
                    + " this plan asks for, and a plan never restores pruned %s", reached, sparsity, sparser, units,
                    units));
        }
        if (Math.abs(reached - sparsity) > 1e-3) {
            String how = scope == Scope.GLOBAL || plans.size() == 1
                    ? String.format("round(%s x %d) = %d of %d %s", sparsity, total, after, total, units)
                    : "each layer prunes round(" + sparsity + " x its size): " + String.join(", ", plans.stream()
                            .limit(4).map(p -> p.layer() + " " + p.prunedAfter() + " of " + p.total()).toList())
                            + (plans.size() > 4 ? ", ..." : "") + " " + units;
            return List.of(String.format("sparsity %.4f instead of the target %.4f: counts are whole numbers,"
                    + " rounded half to even (%s)", reached, sparsity, how));
        }
        return List.of();
    }

    /**
     * Ranks all layers together. Structured scores are first divided by their layer's mean, so
     * that layers of different widths compete on equal terms (not for criteria whose scores are
     * comparable across layers already, such as LAMP). Layers that would fall below the
     * minimum density are held at it (or at the zeros they already have, if more) and the rest
     * share the remaining budget, so the total is exactly {@code round(sparsity·total)} whenever
     * the floors allow it.
     */
    private Budgets globalBudgets(Map<String, float[]> scores, Map<String, float[]> masks) {
        Map<String, float[]> ranked = new LinkedHashMap<>();
        Map<String, Integer> floors = new LinkedHashMap<>(); // the most each layer may lose
        List<String> capped = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, float[]> e : scores.entrySet()) {
            float[] s = e.getValue().clone();
            if (granularity == Granularity.STRUCTURED && !importance.comparableAcrossLayers()) {
                double mean = Arrays.stream(toDouble(s)).map(Math::abs).average().orElse(1);
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) (s[i] / (mean == 0 ? 1 : mean));
                }
            }
            float[] m = masks.get(e.getKey());
            int before = 0;
            for (int i = 0; i < s.length; i++) {
                if (m[i] == 0) {
                    s[i] = Float.NEGATIVE_INFINITY;
                    before++;
                }
            }
            ranked.put(e.getKey(), s);
            total += s.length;
            // minDensity > 0 keeps at least one; a layer already sparser than that counts with its real zeros
            floors.put(e.getKey(), Math.max(before, s.length - (int) Math.ceil(minDensity * s.length)));
        }
        long budget = Selection.count(sparsity, total);
        Map<String, Integer> fixed = new LinkedHashMap<>();
        while (true) {
            List<String> free = ranked.keySet().stream().filter(k -> !fixed.containsKey(k)).toList();
            long freeBudget = budget - fixed.entrySet().stream().mapToLong(Map.Entry::getValue).sum();
            int freeCount = free.stream().mapToInt(k -> ranked.get(k).length).sum();
            float[] all = new float[freeCount];
            int pos = 0;
            for (String k : free) {
                float[] s = ranked.get(k);
                System.arraycopy(s, 0, all, pos, s.length);
                pos += s.length;
            }
            boolean[] drop = Selection.lowest(all, (int) Math.max(0, Math.min(freeBudget, freeCount)));
            Map<String, Integer> counts = new LinkedHashMap<>();
            pos = 0;
            boolean changed = false;
            for (String k : free) {
                int n = ranked.get(k).length;
                int c = 0;
                for (int i = 0; i < n; i++) {
                    if (drop[pos + i]) {
                        c++;
                    }
                }
                pos += n;
                int maxPrune = floors.get(k);
                if (c > maxPrune) {
                    fixed.put(k, maxPrune);
                    if (maxPrune == n - (int) Math.ceil(minDensity * n)) {
                        capped.add(k);
                    }
                    changed = true;
                } else {
                    counts.put(k, c);
                }
            }
            if (!changed) {
                Map<String, Integer> out = new LinkedHashMap<>();
                for (String k : ranked.keySet()) {
                    out.put(k, fixed.containsKey(k) ? fixed.get(k) : counts.get(k));
                }
                return new Budgets(out, budget, capped);
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static void checkFinite(String layer, String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalStateException("Layer " + layer + " has a non-finite value (" + values[i] + ") in its "
                        + what + " at position " + i + "; nothing was pruned. Check the training (learning rate too"
                        + " high?) before pruning.");
            }
        }
    }

    /**
     * @return what this pruner does, in a few words, e.g. {@code lamp, global 98 %} or
     *     {@code magnitude-L2, layer-wise structured 50 % of [fc1]}: the label a plan's sparsity
     *     report carries into chart legends
     */
    public String label() {
        String share = java.math.BigDecimal.valueOf(sparsity).movePointRight(2)
                .setScale(2, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return importance.name() + ", " + (scope == Scope.GLOBAL ? "global" : "layer-wise")
                + (granularity.equals(Granularity.UNSTRUCTURED) ? "" : " " + granularity.toString().toLowerCase(
                        java.util.Locale.ROOT)) + " " + share + " %" + (layers == null ? "" : " of " + layers);
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
        private Scope scope = Scope.LAYER;
        private double minDensity = 0.01;
        private List<String> layers;
        private int samples = 512;
        private int batchSize = 128;
        private long seed = 42;

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
         * @param scope every layer to the same sparsity (default) or one ranking across layers
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

        /** @return the pruner */
        public Pruner build() {
            if (importance == null) {
                throw new IllegalStateException("setImportance(...) is required, e.g. Importance.magnitudeL1().");
            }
            if (granularity.isNm()) {
                if (Double.isNaN(sparsity)) {
                    sparsity = granularity.nmSparsity();
                } else if (Math.abs(sparsity - granularity.nmSparsity()) > 1e-9) {
                    throw new IllegalStateException("An " + granularity + " pattern fixes the sparsity at "
                            + granularity.nmSparsity() + ", but setSparsity(" + sparsity + ") asks for another; leave"
                            + " setSparsity out (schedules with changing sparsity do not apply to N:M).");
                }
                if (scope == Scope.GLOBAL) {
                    throw new IllegalStateException("An " + granularity + " pattern is the same in every layer: use"
                            + " Scope.LAYER (the default).");
                }
            }
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
