package org.prunekit.prune;

/**
 * What a {@link PruningPlan} will do to one layer.
 *
 * @param layer the layer's name
 * @param granularity weights or units
 * @param total how many weights (unstructured) or units (structured) the layer has
 * @param prunedBefore how many of them are already pruned (masked) now
 * @param prunedAfter how many will be pruned once the plan is applied (never fewer than before)
 * @param mask the new mask: per weight (unstructured) or per unit (structured), 1 = keep
 */
public record LayerPlan(String layer, Granularity granularity, int total, int prunedBefore, int prunedAfter,
        float[] mask) {

    /** @return the layer's sparsity after the plan, prunedAfter / total */
    public double sparsityAfter() {
        return prunedAfter / (double) total;
    }

    /** @return the layer's sparsity now */
    public double sparsityBefore() {
        return prunedBefore / (double) total;
    }

    /** @return the indices of the units kept (structured plans), in increasing order */
    public int[] keptUnits() {
        if (granularity != Granularity.STRUCTURED) {
            throw new IllegalStateException("Layer " + layer + " is planned per weight, not per unit.");
        }
        return java.util.stream.IntStream.range(0, mask.length).filter(i -> mask[i] != 0).toArray();
    }
}
