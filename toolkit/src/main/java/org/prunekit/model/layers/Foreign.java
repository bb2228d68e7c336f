package org.prunekit.model.layers;

import ai.djl.nn.Block;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * A DJL block PruneKit does not know (kept when a DJL block is imported with {@code Net.of}). It
 * runs and trains as it is, and Linear/Conv2d layers inside it can be pruned per weight, but it
 * cannot be rebuilt: structured pruning stops at it, and a net holding one cannot be copied or
 * loaded from a file.
 *
 * @param block the block itself (shared, not copied)
 * @param description what it is, e.g. {@code LambdaBlock "sigmoid"}
 */
public record Foreign(Block block, String description) implements LayerSpec {

    @Override
    public Block build() {
        return block;
    }

    @Override
    public String encode() {
        return "foreign " + description.replaceAll("\\s+", "_");
    }

    @Override
    public String namePrefix() {
        return "block";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.FOREIGN;
    }

    @Override
    public boolean isRebuildable() {
        return false;
    }
}
