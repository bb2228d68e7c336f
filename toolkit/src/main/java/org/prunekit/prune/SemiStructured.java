package org.prunekit.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * N:M semi-structured sparsity ({@link Granularity#nm(int, int)}): of every M consecutive inputs
 * of a unit, the N with the highest scores are kept (see {@link NmPattern} for the layout). The
 * weights are scored one by one as in {@link Unstructured}, but there is no budget to share: the
 * pattern fixes the sparsity at 1 − N/M in every layer, so a pruner with N:M is layer-wise and
 * takes no other sparsity. Layers whose number of inputs M does not divide are left out, with
 * the reason in {@link PruningPlan#skipped()} (named in {@code optLayers}, they are an error).
 */
public final class SemiStructured extends Unstructured {

    private final int n;
    private final int m;

    /**
     * @param n how many weights of every group are kept, at least 1
     * @param m the group size (consecutive inputs), more than {@code n}
     * @throws IllegalArgumentException if not {@code 1 <= n < m}
     */
    SemiStructured(int n, int m) {
        if (n < 1 || n >= m) {
            throw new IllegalArgumentException("N:M sparsity keeps N of every M consecutive weights and needs"
                    + " 1 <= N < M, got " + n + ":" + m + " (e.g. 2:4, 1:4, 4:8).");
        }
        this.n = n;
        this.m = m;
    }

    /** @return 1 − N/M */
    @Override
    public OptionalDouble fixedSparsity() {
        return OptionalDouble.of(1 - n / (double) m);
    }

    /** Takes the pattern's sparsity when none is given; refuses another one, or a global scope. */
    @Override
    double sparsity(double requested, Scope scope) {
        double fixed = fixedSparsity().getAsDouble();
        if (!Double.isNaN(requested) && Math.abs(requested - fixed) > 1e-9) {
            throw new IllegalStateException("An " + this + " pattern fixes the sparsity at " + fixed + ", but setSparsity("
                    + requested + ") asks for another; leave setSparsity out (schedules with changing sparsity do not"
                    + " apply to N:M).");
        }
        if (scope == Scope.GLOBAL) {
            throw new IllegalStateException("An " + this + " pattern is the same in every layer: use Scope.LAYER (the"
                    + " default).");
        }
        return fixed;
    }

    /** The target layers whose input axis M divides; the others are skipped (or, if named, an error). */
    @Override
    List<Layer> measured(Net net, Targets targets, Map<String, String> skipped) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : targets.layers(net)) {
            long inputs = l.weight().getArray().getShape().get(1);
            if (inputs % m == 0) {
                out.add(l);
                continue;
            }
            String why = "its " + inputs + " input" + (inputs == 1 ? "" : "s") + " (" + (l.weight().getArray().getShape()
                    .dimension() == 4 ? "channels" : "features") + ") are not a multiple of M = " + m;
            if (targets.named()) {
                throw new IllegalArgumentException("Layer " + l.name() + " cannot be pruned " + this + ": " + why
                        + ". Leave it out of optLayers, or choose an M that divides " + inputs + ".");
            }
            skipped.put(l.name(), why);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("No layer of the net can be pruned " + this + ": " + skipped + ".");
        }
        return out;
    }

    /** The pattern's mask: in every group of M, the N best weights not pruned before; the budget plays no part. */
    @Override
    float[] mask(Ranking.Ranked r, int budget) {
        return NmPattern.mask(r.scores(), r.alive(), r.shape(), n, m);
    }

    /** Masks every layer by the pattern, with no budget and so no notes on missing one. */
    @Override
    PruningPlan plan(Net net, Pruner pruner, Ranking ranking, String sampleName) {
        List<LayerPlan> plans = new ArrayList<>();
        for (Ranking.Ranked r : ranking.ranked()) {
            plans.add(layerPlan(r, mask(r, 0)));
        }
        return new PruningPlan(net, pruner, plans, sampleName, ranking.skipped(), List.of());
    }

    /** @return the pattern, e.g. {@code " 2:4"}: unlike plain unstructured pruning, a label names it */
    @Override
    String inLabel() {
        return " " + this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemiStructured g && g.n == n && g.m == m;
    }

    @Override
    public int hashCode() {
        return 31 * n + m;
    }

    /** @return {@code N:M}, e.g. {@code 2:4} */
    @Override
    public String toString() {
        return n + ":" + m;
    }
}
