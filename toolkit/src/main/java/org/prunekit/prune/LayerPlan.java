package org.prunekit.prune;

import java.util.List;

/**
 * What a {@link PruningPlan} will do to one layer (unstructured) or one channel group
 * (structured: the channels a residual connection ties together, see
 * {@link org.prunekit.model.ChannelGroup}; in a plain net each hidden layer is its own group).
 *
 * @param layer the layer's name, or the group's name (its first producer)
 * @param granularity weights or units
 * @param total how many weights (unstructured) or units (structured) the layer has
 * @param prunedBefore how many of them are already pruned (masked) now
 * @param prunedAfter how many will be pruned once the plan is applied (never fewer than before)
 * @param mask the new mask: per weight (unstructured) or per unit (structured), 1 = keep
 * @param members the layers it touches: the layer itself, or the group's producers, batch norms
 *     and consumers
 */
public record LayerPlan(String layer, Granularity granularity, int total, int prunedBefore, int prunedAfter,
        float[] mask, List<String> members) {

    /** Copies the members. */
    public LayerPlan {
        members = List.copyOf(members);
    }

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
        if (!granularity.removesUnits()) {
            throw new IllegalStateException("Layer " + layer + " is planned per weight, not per unit.");
        }
        return java.util.stream.IntStream.range(0, mask.length).filter(i -> mask[i] != 0).toArray();
    }
}
