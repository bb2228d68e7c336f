package org.prunekit.model.layers;

import ai.djl.nn.Block;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * Dropout: in training, zeroes each value with probability {@code rate} and scales the rest by
 * {@code 1/(1-rate)}; at evaluation, the identity. The drawing is seeded by the training seed.
 *
 * @param rate the probability of dropping a value, in [0, 1)
 */
public record Dropout(float rate) implements LayerSpec {

    /** Checks the rate. */
    public Dropout {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("A dropout rate must be in [0, 1), got " + rate + ": it is the"
                    + " fraction of values dropped in training, e.g. 0.2.");
        }
    }

    @Override
    public Block build() {
        return ai.djl.nn.norm.Dropout.builder().optRate(rate).build();
    }

    @Override
    public String encode() {
        return "dropout " + rate;
    }

    static Dropout decode(String[] p) {
        return new Dropout(Float.parseFloat(p[1]));
    }

    @Override
    public String namePrefix() {
        return "drop";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.ACTIVATION;
    }
}
