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
 * A 2-D convolution, dense in the channels (DJL's {@code Conv2d} with one group): a producer of
 * new channels, each filter reading every input channel. Structured pruning removes its filters
 * (and bias entries) and the input channels that read removed channels.
 *
 * @param filters output channels
 * @param kernelH kernel height
 * @param kernelW kernel width
 * @param strideH vertical stride
 * @param strideW horizontal stride
 * @param padH zero padding at the top and bottom
 * @param padW zero padding at the left and right
 * @param dilation dilation in both directions (1 = none)
 * @param bias whether it has a bias
 */
public record Conv(int filters, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilation,
        boolean bias) implements LayerSpec {

    /** Checks the settings. */
    public Conv {
        Settings.positive(filters, "A convolution's filters");
        Settings.positive(kernelH, "A convolution's kernel height");
        Settings.positive(kernelW, "A convolution's kernel width");
        Settings.positive(strideH, "A convolution's stride");
        Settings.positive(strideW, "A convolution's stride");
        Settings.positive(dilation, "A convolution's dilation");
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("A convolution's padding cannot be negative, got " + padH + "x" + padW
                    + ".");
        }
    }

    /**
     * A square convolution.
     *
     * @param filters output channels
     * @param kernel kernel side
     * @param stride stride
     * @param padding padding on each side
     * @param bias whether it has a bias
     */
    public Conv(int filters, int kernel, int stride, int padding, boolean bias) {
        this(filters, kernel, kernel, stride, stride, padding, padding, 1, bias);
    }

    @Override
    public Block build() {
        return Conv2d.builder().setKernelShape(new Shape(kernelH, kernelW)).optStride(new Shape(strideH, strideW))
                .optPadding(new Shape(padH, padW)).optDilation(new Shape(dilation, dilation)).setFilters(filters)
                .optBias(bias).build();
    }

    private boolean square() {
        return kernelH == kernelW && strideH == strideW && padH == padW && dilation == 1;
    }

    @Override
    public String encode() {
        return square() ? "conv " + filters + " " + kernelH + " " + strideH + " " + padH + " " + bias
                : "conv2d " + filters + " " + kernelH + " " + kernelW + " " + strideH + " " + strideW + " " + padH + " "
                        + padW + " " + dilation + " " + bias;
    }

    static Conv decodeSquare(String[] p) {
        return new Conv(Settings.integer(p, 1), Settings.integer(p, 2), Settings.integer(p, 3), Settings.integer(p, 4),
                Boolean.parseBoolean(p[5]));
    }

    static Conv decodeFull(String[] p) {
        return new Conv(Settings.integer(p, 1), Settings.integer(p, 2), Settings.integer(p, 3), Settings.integer(p, 4),
                Settings.integer(p, 5), Settings.integer(p, 6), Settings.integer(p, 7), Settings.integer(p, 8),
                Boolean.parseBoolean(p[9]));
    }

    @Override
    public String namePrefix() {
        return "conv";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.CONV;
    }

    @Override
    public LayerSpec withUnits(int units) {
        return new Conv(units, kernelH, kernelW, strideH, strideW, padH, padW, dilation, bias);
    }

    /** Its weight reads the input's im2col patches: one row per example and output pixel. */
    @Override
    public List<WeightInput> weightInputs(Layer layer, NDArray input) {
        NDArray p = Patches.of(input, kernelH, kernelW, strideH, strideW, padH, padW, dilation);
        long cols = p.getShape().get(3) * p.getShape().get(4);
        return List.of(new WeightInput(layer.weight(), p.reshape(1, -1, cols)));
    }
}
