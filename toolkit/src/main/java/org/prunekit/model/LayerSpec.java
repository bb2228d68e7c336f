package org.prunekit.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The architecture of one layer as data: enough to build its DJL block again. A net's tree of
 * specs ({@link Architecture}) is what {@link NetIO} stores beside the weights and checks on
 * load, and what {@link Net#copy()} and structured removal rebuild from.
 *
 * <p>Every kind listed here works with every importance criterion, with masks, with structured
 * removal (channels tied by a residual connection are removed as one group), with
 * {@link Net#copy()}, with {@link NetIO} and with the reports and charts. The one exception is
 * {@link Foreign}: a DJL block PruneKit does not know, kept as it is so that the rest of an
 * imported net can still be trained and pruned per weight.
 *
 * <table>
 *   <caption>Layer kinds</caption>
 *   <tr><th>spec</th><th>DJL block</th><th>channels</th></tr>
 *   <tr><td>{@link Dense}</td><td>{@code Linear}</td><td>produces new units; reads its input's units</td></tr>
 *   <tr><td>{@link Conv}</td><td>{@code Conv2d}</td><td>produces new channels; reads its input's channels</td></tr>
 *   <tr><td>{@link Norm}</td><td>{@code BatchNorm}</td><td>one scale and shift per channel or unit</td></tr>
 *   <tr><td>{@link Relu}, {@link Tanh}, {@link LeakyRelu}, {@link Gelu}</td><td>{@code Activation}</td><td>element-wise, 0 stays 0</td></tr>
 *   <tr><td>{@link Sigmoid}</td><td>{@code Activation}</td><td>element-wise, but 0 becomes ½: stops structured removal of the channels it reads</td></tr>
 *   <tr><td>{@link MaxPool}, {@link AvgPool}, {@link GlobalAvgPool}</td><td>{@code Pool}</td><td>per channel</td></tr>
 *   <tr><td>{@link Dropout}</td><td>{@code Dropout}</td><td>identity at evaluation</td></tr>
 *   <tr><td>{@link Flatten}</td><td>{@code batchFlatten}</td><td>channel c becomes features [c·HW, (c+1)·HW)</td></tr>
 *   <tr><td>{@link Residual}</td><td>{@code ParallelBlock} summing two branches</td><td>ties the two branches' output channels together</td></tr>
 * </table>
 */
public sealed interface LayerSpec {

    /** @return a fresh, uninitialised DJL block for this spec */
    Block build();

    /** @return the spec as one line of text, parsed back by {@link #parse(String)} */
    String encode();

    /** @return the prefix of generated layer names, e.g. {@code conv} for {@code conv1} */
    String namePrefix();

    /**
     * @param units output units of a Linear or Conv2d layer
     * @return this spec with that many units (structured pruning)
     */
    default LayerSpec withUnits(int units) {
        throw new IllegalStateException(encode() + " has no units to change.");
    }

    /** @return whether this layer has a weight that pruning can act on (Dense or Conv) */
    default boolean isPrunable() {
        return false;
    }

    /**
     * @return whether the layer maps each channel to itself and zero to zero (activations,
     *     pools, dropout): a channel that is zero before is zero after
     */
    default boolean isChannelwise() {
        return false;
    }

    /**
     * A fully connected layer.
     *
     * @param units output units
     * @param bias whether it has a bias
     */
    record Dense(int units, boolean bias) implements LayerSpec {
        /** Checks the units. */
        public Dense {
            positive(units, "A dense layer's units");
        }

        @Override
        public Block build() {
            return Linear.builder().setUnits(units).optBias(bias).build();
        }

        @Override
        public String encode() {
            return "dense " + units + " " + bias;
        }

        @Override
        public String namePrefix() {
            return "fc";
        }

        @Override
        public LayerSpec withUnits(int newUnits) {
            return new Dense(newUnits, bias);
        }

        @Override
        public boolean isPrunable() {
            return true;
        }
    }

    /**
     * A 2-D convolution (dense in the channels: no groups).
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
    record Conv(int filters, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilation,
            boolean bias) implements LayerSpec {
        /** Checks the settings. */
        public Conv {
            positive(filters, "A convolution's filters");
            positive(kernelH, "A convolution's kernel height");
            positive(kernelW, "A convolution's kernel width");
            positive(strideH, "A convolution's stride");
            positive(strideW, "A convolution's stride");
            positive(dilation, "A convolution's dilation");
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

        @Override
        public String namePrefix() {
            return "conv";
        }

        @Override
        public LayerSpec withUnits(int units) {
            return new Conv(units, kernelH, kernelW, strideH, strideW, padH, padW, dilation, bias);
        }

        @Override
        public boolean isPrunable() {
            return true;
        }
    }

    /**
     * Batch normalisation over the channel axis (axis 1): after a convolution per channel, after
     * a dense layer per unit.
     *
     * @param epsilon added to the variance
     * @param momentum weight of the old running statistics in each update
     */
    record Norm(float epsilon, float momentum) implements LayerSpec {
        /** DJL's defaults: epsilon 1e-5, momentum 0.9. */
        public Norm() {
            this(1e-5f, 0.9f);
        }

        /** Checks the settings. */
        public Norm {
            if (!(epsilon > 0) || !(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("Batch norm needs epsilon > 0 and momentum in [0, 1), got " + epsilon
                        + " and " + momentum + ".");
            }
        }

        @Override
        public Block build() {
            return BatchNorm.builder().optEpsilon(epsilon).optMomentum(momentum).build();
        }

        @Override
        public String encode() {
            return epsilon == 1e-5f && momentum == 0.9f ? "batchnorm" : "batchnorm " + epsilon + " " + momentum;
        }

        @Override
        public String namePrefix() {
            return "bn";
        }
    }

    /** ReLU. */
    record Relu() implements LayerSpec {
        @Override
        public Block build() {
            return Activation.reluBlock();
        }

        @Override
        public String encode() {
            return "relu";
        }

        @Override
        public String namePrefix() {
            return "relu";
        }

        @Override
        public boolean isChannelwise() {
            return true;
        }
    }

    /** Hyperbolic tangent. */
    record Tanh() implements LayerSpec {
        @Override
        public Block build() {
            return Activation.tanhBlock();
        }

        @Override
        public String encode() {
            return "tanh";
        }

        @Override
        public String namePrefix() {
            return "tanh";
        }

        @Override
        public boolean isChannelwise() {
            return true;
        }
    }

    /**
     * The logistic sigmoid. It maps zero to one half, so a channel removed before it would not
     * be zero after it: channels that pass through a sigmoid are not removed structurally (the
     * channel groups say so); everything else works.
     */
    record Sigmoid() implements LayerSpec {
        @Override
        public Block build() {
            return Activation.sigmoidBlock();
        }

        @Override
        public String encode() {
            return "sigmoid";
        }

        @Override
        public String namePrefix() {
            return "sigmoid";
        }
    }

    /** GELU (the exact, erf form). */
    record Gelu() implements LayerSpec {
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
        public boolean isChannelwise() {
            return true;
        }
    }

    /**
     * Leaky ReLU: {@code x} for positive {@code x}, {@code alpha·x} otherwise.
     *
     * @param alpha the slope below zero
     */
    record LeakyRelu(float alpha) implements LayerSpec {
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

        @Override
        public String namePrefix() {
            return "lrelu";
        }

        @Override
        public boolean isChannelwise() {
            return true;
        }
    }

    /**
     * 2-D max pooling over square windows.
     *
     * @param kernel window side
     * @param stride stride
     * @param padding padding on each side
     */
    record MaxPool(int kernel, int stride, int padding) implements LayerSpec {
        /** Checks the window. */
        public MaxPool {
            checkWindow(kernel, stride, padding, "Max pooling");
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

        @Override
        public String namePrefix() {
            return "pool";
        }

        @Override
        public boolean isChannelwise() {
            return true;
        }
    }

    /**
     * 2-D average pooling over square windows (padding counts as zeros, as in PyTorch).
     *
     * @param kernel window side
     * @param stride stride
     * @param padding padding on each side
     */
    record AvgPool(int kernel, int stride, int padding) implements LayerSpec {
        /** Checks the window. */
        public AvgPool {
            checkWindow(kernel, stride, padding, "Average pooling");
        }

        @Override
        public Block build() {
            return Pool.avgPool2dBlock(new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding));
        }

        @Override
        public String encode() {
            return "avgpool " + kernel + " " + stride + " " + padding;
        }

        @Override
        public String namePrefix() {
            return "avgpool";
        }

        @Override
        public boolean isChannelwise() {
            return true;
        }
    }

    /** Global average pooling: {@code (b, c, h, w)} to {@code (b, c)}, one mean per channel. */
    record GlobalAvgPool() implements LayerSpec {
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
        public boolean isChannelwise() {
            return true;
        }
    }

    /**
     * Dropout: in training, zeroes each value with probability {@code rate} and scales the rest
     * by {@code 1/(1-rate)}; at evaluation, the identity. The drawing is seeded by the training
     * seed.
     *
     * @param rate the probability of dropping a value, in [0, 1)
     */
    record Dropout(float rate) implements LayerSpec {
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

        @Override
        public String namePrefix() {
            return "drop";
        }

        @Override
        public boolean isChannelwise() {
            return true;
        }
    }

    /** Flattens everything but the batch axis. */
    record Flatten() implements LayerSpec {
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
    }

    /**
     * A residual block: {@code y = main(x) + shortcut(x)}, where an empty shortcut is the
     * identity (He et al. 2016). The two branches must give the same shape. Their output
     * channels are added one to one, so they are one channel group: removing channel {@code c}
     * means removing it from the last producer of both branches — and, for an identity shortcut,
     * from whatever produced {@code x} (see {@link ChannelGroups}).
     *
     * @param main the main branch (names local to the block, e.g. {@code conv1})
     * @param shortcut the shortcut branch; empty for the identity
     */
    record Residual(List<Architecture.Entry> main, List<Architecture.Entry> shortcut) implements LayerSpec {
        /** Copies the branches and checks them. */
        public Residual {
            main = List.copyOf(main);
            shortcut = List.copyOf(shortcut);
            if (main.isEmpty()) {
                throw new IllegalArgumentException("A residual block needs at least one layer in its main branch.");
            }
            Architecture.checkNames(main, "the residual block's main branch");
            Architecture.checkNames(shortcut, "the residual block's shortcut");
            for (Architecture.Entry e : main) {
                Objects.requireNonNull(e, "entry");
            }
        }

        /** @return whether the shortcut is the identity */
        public boolean identityShortcut() {
            return shortcut.isEmpty();
        }

        @Override
        public Block build() {
            SequentialBlock m = new SequentialBlock();
            main.forEach(e -> m.add(e.spec().build()));
            Block s;
            if (shortcut.isEmpty()) {
                s = Blocks.identityBlock();
            } else {
                SequentialBlock sb = new SequentialBlock();
                shortcut.forEach(e -> sb.add(e.spec().build()));
                s = sb;
            }
            return new ParallelBlock(Residual::sum, List.of(m, s));
        }

        static NDList sum(List<NDList> branches) {
            return new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow()));
        }

        @Override
        public String encode() {
            return "residual " + main.size() + " " + shortcut.size();
        }

        @Override
        public String namePrefix() {
            return "res";
        }
    }

    /**
     * A DJL block PruneKit does not know (kept when a DJL block is imported with
     * {@link Net#of(SequentialBlock, Shape, int)}). It runs and trains as it is, and Linear/Conv2d
     * layers inside it can be pruned per weight, but it cannot be rebuilt: structured pruning
     * stops at it, and a net holding one cannot be copied or loaded from a file.
     *
     * @param block the block itself (shared, not copied)
     * @param description what it is, e.g. {@code LambdaBlock "sigmoid"}
     */
    record Foreign(Block block, String description) implements LayerSpec {
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
    }

    /**
     * @param line a line written by {@link #encode()} (a residual block's branches follow it in
     *     an {@link Architecture} encoding, see {@link Architecture#parse(String)})
     * @return the spec (a residual block with empty branches is not returned: use {@link Architecture})
     * @throws IllegalArgumentException if the line is not a spec
     */
    static LayerSpec parse(String line) {
        String[] p = line.strip().split("\\s+");
        try {
            return switch (p[0].toLowerCase(Locale.ROOT)) {
                case "dense" -> new Dense(Integer.parseInt(p[1]), Boolean.parseBoolean(p[2]));
                case "conv" -> new Conv(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]),
                        Integer.parseInt(p[4]), Boolean.parseBoolean(p[5]));
                case "conv2d" -> new Conv(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]),
                        Integer.parseInt(p[4]), Integer.parseInt(p[5]), Integer.parseInt(p[6]), Integer.parseInt(p[7]),
                        Integer.parseInt(p[8]), Boolean.parseBoolean(p[9]));
                case "batchnorm" -> p.length == 1 ? new Norm()
                        : new Norm(Float.parseFloat(p[1]), Float.parseFloat(p[2]));
                case "relu" -> new Relu();
                case "tanh" -> new Tanh();
                case "sigmoid" -> new Sigmoid();
                case "gelu" -> new Gelu();
                case "leakyrelu" -> new LeakyRelu(Float.parseFloat(p[1]));
                case "maxpool" -> new MaxPool(Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                        p.length > 3 ? Integer.parseInt(p[3]) : 0);
                case "avgpool" -> new AvgPool(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
                case "globalavgpool" -> new GlobalAvgPool();
                case "dropout" -> new Dropout(Float.parseFloat(p[1]));
                case "flatten" -> new Flatten();
                case "residual" -> throw new IllegalArgumentException("a residual block is parsed with its branches"
                        + " by Architecture.parse");
                case "foreign" -> throw new IllegalArgumentException("the net held a DJL block PruneKit cannot rebuild ("
                        + (p.length > 1 ? p[1] : "?") + "); build it again and use NetIO.loadInto(net, file)");
                default -> throw new IllegalArgumentException("unknown layer kind '" + p[0] + "'");
            };
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("Not a layer spec: '" + line + "' (" + e.getMessage() + ")", e);
        }
    }

    private static void positive(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value + ".");
        }
    }

    private static void checkWindow(int kernel, int stride, int padding, String what) {
        positive(kernel, what + "'s window");
        positive(stride, what + "'s stride");
        if (padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(what + "'s padding must be in [0, kernel/2], got " + padding
                    + " for a window of " + kernel + ".");
        }
    }

    /**
     * @param specs specs
     * @return their encodings, one per line (helper for messages)
     */
    static List<String> encodeAll(List<LayerSpec> specs) {
        List<String> out = new ArrayList<>();
        specs.forEach(s -> out.add(s.encode()));
        return out;
    }
}
