package org.prunekit.model.layers;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * ReLU, element-wise (zero stays zero). Before a max pooling it may run after the pooling instead
 * (the same values and gradients: the maximum commutes with a non-decreasing function).
 */
public record Relu() implements LayerSpec {

    @Override
    public Block build() {
        return Activation.reluBlock();
    }

    @Override
    public String encode() {
        return "relu";
    }

    @Override
    public String namePrefix() {
        return "relu";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.ACTIVATION;
    }

    @Override
    public boolean commutesWith(LayerSpec next) {
        return next instanceof MaxPool;
    }
}
