package org.prunekit.model.layers;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/** GELU (the exact, erf form), element-wise (zero stays zero). */
public record Gelu() implements LayerSpec {

    @Override
    public Block build() {
        return Activation.geluBlock();
    }

    @Override
    public String encode() {
        return "gelu";
    }

    @Override
    public String namePrefix() {
        return "gelu";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.ACTIVATION;
    }
}
