package org.prunekit.prune;

/** How a sparsity target is shared among layers. */
public enum Scope {
    /** Every layer is pruned to the same sparsity, ranking only its own scores. */
    LAYER,
    /**
     * All layers' scores are ranked together and the lowest are removed until the whole
     * model reaches the target (Han et al. 2015; {@code torch.nn.utils.prune.global_unstructured}),
     * within the per-layer minimum density guard.
     */
    GLOBAL
}
