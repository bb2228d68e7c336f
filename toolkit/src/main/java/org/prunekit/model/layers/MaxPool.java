package org.prunekit.model.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * 2-D max pooling over square windows, per channel.
 *
 * @param kernel window side
 * @param stride stride
 * @param padding padding on each side
 */
public record MaxPool(int kernel, int stride, int padding) implements LayerSpec {

    /** Checks the window. */
    public MaxPool {
        Settings.window(kernel, stride, padding, "Max pooling");
    }

    /**
     * @param kernel window side
     * @param stride stride
     */
    public MaxPool(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    @Override
    public Block build() {
        return Pool.maxPool2dBlock(new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding));
    }

    @Override
    public String encode() {
        return "maxpool " + kernel + " " + stride + (padding == 0 ? "" : " " + padding);
    }

    static MaxPool decode(String[] p) {
        return new MaxPool(Settings.integer(p, 1), Settings.integer(p, 2), p.length > 3 ? Settings.integer(p, 3) : 0);
    }

    @Override
    public String namePrefix() {
        return "pool";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.PER_CHANNEL;
    }
}
