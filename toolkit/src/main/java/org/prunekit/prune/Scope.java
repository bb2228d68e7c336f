package org.prunekit.prune;

/** How a sparsity target is shared among layers (and, per weight, among the rows of a layer). */
public enum Scope {
    /** Every layer is pruned to the same sparsity, ranking only its own scores. */
    LAYER,
    /**
     * All layers' scores are ranked together and the lowest are removed until the whole
     * model reaches the target (Han et al. 2015; {@code torch.nn.utils.prune.global_unstructured}),
     * within the per-layer minimum density guard.
     */
    GLOBAL,
    /**
     * Every output row (a neuron's or a filter's weights) is pruned to the same sparsity, ranking
     * only its own scores: Wanda's comparison group (Sun et al. 2023), whose scores
     * {@code |W_ij|·‖X_j‖₂} compare within a row. Only for pruning single weights (a structured
     * plan removes whole rows).
     */
    ROW
}
