package org.prunekit.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a pruner's target is shared among the layers (or channel groups) it ranks: how many
 * weights or units each may prune in all, counting those already pruned. Layer-wise, each
 * prunes {@code round(sparsity·n)} but keeps at least one; globally, all scores are ranked
 * together within a minimum density per layer. {@link #notes} says why a plan misses its target.
 *
 * @param prune the count per layer or group
 * @param wanted how many the target asks for in all, before any floor: the sum of
 *     {@code round(sparsity·n)} per layer (layer-wise), or {@code round(sparsity·total)} (global)
 * @param capped the layers a floor held above the target (layer-wise: the one weight or unit
 *     kept; global: the minimum density)
 */
record Budgets(Map<String, Integer> prune, long wanted, List<String> capped) {

    /**
     * Every layer to the same sparsity, never emptied.
     *
     * @param sparsity the target
     * @param ranking what is ranked
     * @return the budgets
     */
    static Budgets layerWise(double sparsity, Ranking ranking) {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> capped = new ArrayList<>();
        long wanted = 0;
        for (Ranking.Ranked r : ranking.ranked()) {
            int n = r.alive().length;
            int k = (int) Selection.count(sparsity, n);
            wanted += k;
            if (k > n - 1) {
                capped.add(r.name()); // never empty a layer: it would cut the net
            }
            out.put(r.name(), Math.min(n - 1, k));
        }
        return new Budgets(out, wanted, capped);
    }

    /**
     * Every output row of every layer to the same sparsity, never emptied: the per-layer counts
     * are the sums over the rows.
     *
     * @param sparsity the target
     * @param ranking what is ranked (per weight; the shape's first axis counts the rows)
     * @return the budgets
     */
    static Budgets rowWise(double sparsity, Ranking ranking) {
        Map<String, Integer> out = new LinkedHashMap<>();
        List<String> capped = new ArrayList<>();
        long wanted = 0;
        for (Ranking.Ranked r : ranking.ranked()) {
            int rows = (int) r.shape().get(0);
            int per = r.alive().length / rows;
            int k = (int) Selection.count(sparsity, per);
            wanted += (long) k * rows;
            if (k > per - 1) {
                capped.add(r.name()); // never empty a row
            }
            out.put(r.name(), Math.min(per - 1, k) * rows);
        }
        return new Budgets(out, wanted, capped);
    }

    /**
     * Ranks all layers together, each layer's scores first made comparable by the granularity
     * ({@link Granularity#normalise}). Layers that would fall below the minimum density are held
     * at it (or at the zeros they already have, if more) and the rest share the remaining
     * budget, so the total is exactly {@code round(sparsity·total)} whenever the floors allow it.
     *
     * @param sparsity the target
     * @param minDensity the least fraction of each layer kept
     * @param ranking what is ranked
     * @param granularity how to make scores of different layers comparable
     * @param importance the criterion that gave the scores
     * @return the budgets
     */
    static Budgets global(double sparsity, double minDensity, Ranking ranking, Granularity granularity,
            Importance importance) {
        Map<String, float[]> ranked = new LinkedHashMap<>();
        Map<String, Integer> floors = new LinkedHashMap<>(); // the most each layer may lose
        List<String> capped = new ArrayList<>();
        long total = 0;
        for (Ranking.Ranked r : ranking.ranked()) {
            float[] s = granularity.normalise(r.scores(), importance).clone();
            float[] m = r.alive();
            int before = 0;
            for (int i = 0; i < s.length; i++) {
                if (m[i] == 0) {
                    s[i] = Float.NEGATIVE_INFINITY;
                    before++;
                }
            }
            ranked.put(r.name(), s);
            total += s.length;
            // minDensity > 0 keeps at least one; a layer already sparser than that counts with its real zeros
            floors.put(r.name(), Math.max(before, s.length - (int) Math.ceil(minDensity * s.length)));
        }
        long budget = Selection.count(sparsity, total);
        Map<String, Integer> fixed = new LinkedHashMap<>();
        while (true) {
            List<String> free = ranked.keySet().stream().filter(k -> !fixed.containsKey(k)).toList();
            long freeBudget = budget - fixed.values().stream().mapToLong(Integer::longValue).sum();
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

    /**
     * Says why a plan's sparsity differs from its target: a floor held layers back, layers were
     * already sparser than the target, or the counts are whole numbers.
     *
     * @param plans the plans made with these budgets
     * @param pruner the pruner (target, scope, minimum density)
     * @param units what the counts count, {@code weights} or {@code units}
     * @return at most one note; none if the plan meets its target within 0.001
     */
    List<String> notes(List<LayerPlan> plans, Pruner pruner, String units) {
        double sparsity = pruner.sparsity();
        long total = plans.stream().mapToLong(LayerPlan::total).sum();
        long after = plans.stream().mapToLong(LayerPlan::prunedAfter).sum();
        double reached = after / (double) total;
        List<String> sparser = plans.stream().filter(p -> p.prunedBefore() > prune.get(p.layer()))
                .map(LayerPlan::layer).toList();
        if (after < wanted && !capped.isEmpty()) {
            return List.of(String.format("target %.4f not reached (%.4f), %s", sparsity, reached,
                    pruner.scope() == Scope.ROW
                    ? "capped: a per-row plan never empties a row, so the rows of " + capped + " keep one of their "
                            + units
                    : pruner.scope() == Scope.LAYER
                    ? "capped: a layer-wise plan never empties a layer, so " + capped + " keep one of their " + units
                    : "capped by the minimum density per layer (optMinDensity(" + pruner.minDensity() + ")), which holds "
                            + capped + " at their floor; a lower minimum density lets them go further"));
        }
        if (after > wanted && !sparser.isEmpty()) {
            return List.of(String.format("sparsity %.4f is above the target %.4f: %s already had more %s pruned than"
                    + " this plan asks for, and a plan never restores pruned %s", reached, sparsity, sparser, units,
                    units));
        }
        if (Math.abs(reached - sparsity) > 1e-3) {
            String perLayer = String.join(", ", plans.stream().limit(4).map(p -> p.layer() + " " + p.prunedAfter()
                    + " of " + p.total()).toList()) + (plans.size() > 4 ? ", ..." : "") + " " + units;
            String how = pruner.scope() == Scope.ROW ? "each row prunes round(" + sparsity + " x its length): "
                    + perLayer
                    : pruner.scope() == Scope.GLOBAL || plans.size() == 1
                    ? String.format("round(%s x %d) = %d of %d %s", sparsity, total, after, total, units)
                    : "each layer prunes round(" + sparsity + " x its size): " + perLayer;
            return List.of(String.format("sparsity %.4f instead of the target %.4f: counts are whole numbers,"
                    + " rounded half to even (%s)", reached, sparsity, how));
        }
        return List.of();
    }
}
