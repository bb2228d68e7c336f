package org.prunekit.model.layers;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/** The hyperbolic tangent, element-wise (zero stays zero). */
public record Tanh() implements LayerSpec {

    @Override
    public Block build() {
        return Activation.tanhBlock();
    }

    @Override
    public String encode() {
        return "tanh";
    }

    @Override
    public String namePrefix() {
        return "tanh";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.ACTIVATION;
    }
}
