package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The model catalogue: the small classifiers of the pruning literature for 28x28 grey images
 * and 10 classes. Each factory returns a freshly initialised {@link Net}; the seed (default
 * {@value #DEFAULT_SEED}) fixes the initial weights.
 *
 * <table>
 *   <caption>Catalogue</caption>
 *   <tr><th>factory</th><th>layers</th><th>parameters</th></tr>
 *   <tr><td>{@link #lenet300100()}</td><td>784-300-100-10, ReLU (Han et al. 2015)</td><td>266,610</td></tr>
 *   <tr><td>{@link #lenet5()}</td><td>conv 6@5x5 (pad 2), pool, conv 16@5x5, pool, 120, 84, 10</td><td>61,706</td></tr>
 *   <tr><td>{@link #mlp(int...)}</td><td>784, the hidden sizes given, 10</td><td>depends</td></tr>
 *   <tr><td>{@link #smallCnn()}</td><td>conv 16@3x3+BN, pool, conv 32@3x3+BN, pool, 64, 10 (Fashion-MNIST)</td><td>106,058 (incl. BN running statistics)</td></tr>
 * </table>
 */
public final class Models {

    /** The seed used when none is given. */
    public static final long DEFAULT_SEED = 42;

    private static final int CLASSES = 10;
    private static final Shape FLAT = new Shape(28 * 28);
    private static final Shape IMAGE = new Shape(1, 28, 28);

    private Models() {}

    /** @return LeNet-300-100 with the default seed */
    public static Net lenet300100() {
        return lenet300100(DEFAULT_SEED);
    }

    /**
     * @param seed the initialisation seed
     * @return LeNet-300-100: 784-300-100-10 fully connected with ReLU
     */
    public static Net lenet300100(long seed) {
        return mlp("LeNet-300-100", seed, 300, 100);
    }

    /**
     * A multilayer perceptron with the given hidden sizes, e.g. {@code mlp(96)} for 784-96-10.
     *
     * @param hidden the hidden layer sizes (at least one)
     * @return the MLP with the default seed
     */
    public static Net mlp(int... hidden) {
        StringBuilder name = new StringBuilder("MLP-784");
        for (int h : hidden) {
            name.append('-').append(h);
        }
        return mlp(name.append("-10").toString(), DEFAULT_SEED, hidden);
    }

    /**
     * @param name the net's name
     * @param seed the initialisation seed
     * @param hidden the hidden layer sizes (at least one, each positive)
     * @return the MLP
     */
    public static Net mlp(String name, long seed, int... hidden) {
        if (hidden.length == 0) {
            throw new IllegalArgumentException("An MLP needs at least one hidden layer size, e.g. mlp(128).");
        }
        Layers b = new Layers();
        int i = 0;
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("Hidden layer sizes must be positive, got " + h + ".");
            }
            i++;
            b.add("fc" + i, Linear.builder().setUnits(h).build()).add("relu" + i, Activation.reluBlock());
        }
        b.add("fc" + (i + 1), Linear.builder().setUnits(CLASSES).build());
        return b.build(name, FLAT, seed);
    }

    /** @return LeNet-5 with the default seed */
    public static Net lenet5() {
        return lenet5(DEFAULT_SEED);
    }

    /**
     * @param seed the initialisation seed
     * @return LeNet-5 (ReLU and max pooling, as commonly trained today)
     */
    public static Net lenet5(long seed) {
        return new Layers()
                .add("conv1", conv(6, 5, 2)).add("relu1", Activation.reluBlock()).add("pool1", pool())
                .add("conv2", conv(16, 5, 0)).add("relu2", Activation.reluBlock()).add("pool2", pool())
                .add("flatten", Blocks.batchFlattenBlock())
                .add("fc1", Linear.builder().setUnits(120).build()).add("relu3", Activation.reluBlock())
                .add("fc2", Linear.builder().setUnits(84).build()).add("relu4", Activation.reluBlock())
                .add("fc3", Linear.builder().setUnits(CLASSES).build())
                .build("LeNet-5", IMAGE, seed);
    }

    /** @return the small CNN with the default seed */
    public static Net smallCnn() {
        return smallCnn(DEFAULT_SEED);
    }

    /**
     * A small CNN with batch normalisation, sized for Fashion-MNIST on a CPU.
     *
     * @param seed the initialisation seed
     * @return the CNN
     */
    public static Net smallCnn(long seed) {
        return new Layers()
                .add("conv1", conv(16, 3, 1)).add("bn1", BatchNorm.builder().build())
                .add("relu1", Activation.reluBlock()).add("pool1", pool())
                .add("conv2", conv(32, 3, 1)).add("bn2", BatchNorm.builder().build())
                .add("relu2", Activation.reluBlock()).add("pool2", pool())
                .add("flatten", Blocks.batchFlattenBlock())
                .add("fc1", Linear.builder().setUnits(64).build()).add("relu3", Activation.reluBlock())
                .add("fc2", Linear.builder().setUnits(CLASSES).build())
                .build("SmallCNN", IMAGE, seed);
    }

    private static Conv2d conv(int filters, int kernel, int padding) {
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optPadding(new Shape(padding, padding))
                .setFilters(filters).build();
    }

    private static Block pool() {
        return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }

    /** A sequential block under construction, with a readable name for every layer. */
    private static final class Layers {
        private final SequentialBlock block = new SequentialBlock();
        private final List<String> names = new ArrayList<>();

        Layers add(String name, Block b) {
            block.add(b);
            names.add(name);
            return this;
        }

        Net build(String netName, Shape inputShape, long seed) {
            return new Net(netName, block, names, inputShape, CLASSES, seed);
        }
    }
}
