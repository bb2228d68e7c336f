package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import java.util.List;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.Layer;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.WeightInput;

/**
 * A depthwise 2-D convolution (DJL's {@code Conv2d} with as many groups as channels, as in
 * MobileNet): every channel is filtered by a {@code k x k} filter of its own, so channels stay
 * where they are. In structured pruning it is a per-channel layer: when a channel of its group is
 * removed, its filter and bias entry go with it; its weights can also be pruned one by one.
 *
 * @param channels the channels (input and output)
 * @param kernel kernel side
 * @param stride stride
 * @param padding zero padding on each side
 * @param bias whether it has a bias
 */
public record DepthwiseConv(int channels, int kernel, int stride, int padding, boolean bias) implements LayerSpec {

    /** Checks the settings. */
    public DepthwiseConv {
        Settings.positive(channels, "A depthwise convolution's channels");
        Settings.positive(kernel, "A depthwise convolution's kernel");
        Settings.positive(stride, "A depthwise convolution's stride");
        if (padding < 0) {
            throw new IllegalArgumentException("A depthwise convolution's padding cannot be negative, got " + padding
                    + ".");
        }
    }

    @Override
    public Block build() {
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding)).setFilters(channels).optGroups(channels).optBias(bias)
                .build();
    }

    @Override
    public String encode() {
        return "depthwise " + channels + " " + kernel + " " + stride + " " + padding + " " + bias;
    }

    static DepthwiseConv decode(String[] p) {
        return new DepthwiseConv(Settings.integer(p, 1), Settings.integer(p, 2), Settings.integer(p, 3),
                Settings.integer(p, 4), Boolean.parseBoolean(p[5]));
    }

    @Override
    public String namePrefix() {
        return "dw";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.PER_CHANNEL_WEIGHTED;
    }

    @Override
    public LayerSpec withUnits(int units) {
        return new DepthwiseConv(units, kernel, stride, padding, bias);
    }

    /** Each channel's filter reads that channel's patches only: one group per channel. */
    @Override
    public List<WeightInput> weightInputs(Layer layer, NDArray input) {
        NDArray p = Patches.of(input, kernel, kernel, stride, stride, padding, padding, 1); // (b, oh, ow, c, k)
        return List.of(new WeightInput(layer.weight(), p.transpose(3, 0, 1, 2, 4).reshape(channels, -1,
                (long) kernel * kernel)));
    }
}
