package org.prunekit.model.layers;

import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/** Flattens everything but the batch axis: channel {@code c} of an image becomes features {@code [c·HW, (c+1)·HW)}. */
public record Flatten() implements LayerSpec {

    @Override
    public Block build() {
        return Blocks.batchFlattenBlock();
    }

    @Override
    public String encode() {
        return "flatten";
    }

    @Override
    public String namePrefix() {
        return "flatten";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.FLATTEN;
    }

    @Override
    public boolean numberedNames() {
        return false;
    }
}
