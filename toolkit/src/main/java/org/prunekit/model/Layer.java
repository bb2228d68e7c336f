package org.prunekit.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

/**
 * One named layer of a {@link Net}: a position in its sequence and the DJL block there.
 *
 * @param name a readable name such as {@code fc1}, {@code conv2} or {@code bn1}
 * @param index the position of the block among the net's top-level children
 * @param block the DJL block
 * @param spec the layer's architecture as data
 */
public record Layer(String name, int index, Block block, LayerSpec spec) {

    /** @return whether this layer has a weight that pruning can act on (Linear or Conv2d) */
    public boolean isPrunable() {
        return block instanceof Linear || block instanceof Conv2d;
    }

    /** @return whether this is a batch-normalisation layer */
    public boolean isBatchNorm() {
        return block instanceof BatchNorm;
    }

    /**
     * @return the weight parameter
     * @throws IllegalStateException if the layer has none
     */
    public Parameter weight() {
        return parameter("weight");
    }

    /** @return the bias parameter, or {@code null} if the layer has none */
    public Parameter bias() {
        return block.getParameters().contains("bias") ? block.getParameters().get("bias") : null;
    }

    /**
     * @param key a parameter key such as {@code weight}, {@code bias}, {@code gamma}
     * @return the parameter
     */
    public Parameter parameter(String key) {
        if (!block.getParameters().contains(key)) {
            throw new IllegalStateException("Layer " + name + " (" + kind() + ") has no parameter '" + key
                    + "'; it has " + block.getParameters().keys() + ".");
        }
        return block.getParameters().get(key);
    }

    /** @return the block's kind, e.g. {@code Linear} */
    public String kind() {
        return block.getClass().getSimpleName();
    }
}
