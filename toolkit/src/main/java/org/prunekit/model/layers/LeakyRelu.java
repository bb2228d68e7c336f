package org.prunekit.model.layers;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * Leaky ReLU: {@code x} for positive {@code x}, {@code alpha·x} otherwise (zero stays zero).
 *
 * @param alpha the slope below zero
 */
public record LeakyRelu(float alpha) implements LayerSpec {

    /** Checks alpha. */
    public LeakyRelu {
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("Leaky ReLU's slope must be finite, got " + alpha + ".");
        }
    }

    @Override
    public Block build() {
        return Activation.leakyReluBlock(alpha);
    }

    @Override
    public String encode() {
        return "leakyrelu " + alpha;
    }

    static LeakyRelu decode(String[] p) {
        return new LeakyRelu(Float.parseFloat(p[1]));
    }

    @Override
    public String namePrefix() {
        return "lrelu";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.ACTIVATION;
    }
}
