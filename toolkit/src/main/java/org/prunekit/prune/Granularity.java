package org.prunekit.prune;

/** What one pruning decision removes. */
public enum Granularity {
    /** Single weights: a 0/1 mask per weight. The tensor keeps its shape, so no speed-up by itself. */
    UNSTRUCTURED,
    /**
     * Whole output units: a neuron of a Linear layer or a channel (filter) of a Conv2d layer,
     * together with its bias, its batch-norm entries and the next layer's matching inputs.
     * Removing them physically makes the model smaller and faster.
     */
    STRUCTURED
}
