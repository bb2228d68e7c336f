package org.prunekit.model.layers;

import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/** Global average pooling: {@code (b, c, h, w)} to {@code (b, c)}, one mean per channel. */
public record GlobalAvgPool() implements LayerSpec {

    @Override
    public Block build() {
        return Pool.globalAvgPool2dBlock();
    }

    @Override
    public String encode() {
        return "globalavgpool";
    }

    @Override
    public String namePrefix() {
        return "gap";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.PER_CHANNEL;
    }

    @Override
    public boolean numberedNames() {
        return false;
    }
}
