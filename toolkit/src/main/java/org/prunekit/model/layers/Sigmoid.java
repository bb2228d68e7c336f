package org.prunekit.model.layers;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * The logistic sigmoid. It maps zero to one half, so a channel removed before it would not be zero
 * after it: channels that pass through a sigmoid are not removed structurally (the channel groups
 * say so); everything else works.
 */
public record Sigmoid() implements LayerSpec {

    @Override
    public Block build() {
        return Activation.sigmoidBlock();
    }

    @Override
    public String encode() {
        return "sigmoid";
    }

    @Override
    public String namePrefix() {
        return "sigmoid";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.SIGMOID;
    }
}
