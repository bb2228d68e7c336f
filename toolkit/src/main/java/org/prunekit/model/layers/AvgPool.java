package org.prunekit.model.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * 2-D average pooling over square windows, per channel (padding counts as zeros, as in PyTorch).
 *
 * @param kernel window side
 * @param stride stride
 * @param padding padding on each side
 */
public record AvgPool(int kernel, int stride, int padding) implements LayerSpec {

    /** Checks the window. */
    public AvgPool {
        Settings.window(kernel, stride, padding, "Average pooling");
    }

    @Override
    public Block build() {
        return Pool.avgPool2dBlock(new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding));
    }

    @Override
    public String encode() {
        return "avgpool " + kernel + " " + stride + " " + padding;
    }

    static AvgPool decode(String[] p) {
        return new AvgPool(Settings.integer(p, 1), Settings.integer(p, 2), Settings.integer(p, 3));
    }

    @Override
    public String namePrefix() {
        return "avgpool";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.PER_CHANNEL;
    }
}
