package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
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
            b.add("fc" + i, dense(h)).add("relu" + i, RELU);
        }
        b.add("fc" + (i + 1), dense(CLASSES));
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
                .add("conv1", conv(6, 5, 2)).add("relu1", RELU).add("pool1", POOL)
                .add("conv2", conv(16, 5, 0)).add("relu2", RELU).add("pool2", POOL)
                .add("flatten", FLATTEN)
                .add("fc1", dense(120)).add("relu3", RELU)
                .add("fc2", dense(84)).add("relu4", RELU)
                .add("fc3", dense(CLASSES))
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
                .add("conv1", conv(16, 3, 1)).add("bn1", NORM).add("relu1", RELU).add("pool1", POOL)
                .add("conv2", conv(32, 3, 1)).add("bn2", NORM).add("relu2", RELU).add("pool2", POOL)
                .add("flatten", FLATTEN)
                .add("fc1", dense(64)).add("relu3", RELU)
                .add("fc2", dense(CLASSES))
                .build("SmallCNN", IMAGE, seed);
    }

    private static final LayerSpec RELU = new LayerSpec.Relu();
    private static final LayerSpec POOL = new LayerSpec.MaxPool(2, 2);
    private static final LayerSpec FLATTEN = new LayerSpec.Flatten();
    private static final LayerSpec NORM = new LayerSpec.Norm();

    private static LayerSpec dense(int units) {
        return new LayerSpec.Dense(units, true);
    }

    private static LayerSpec conv(int filters, int kernel, int padding) {
        return new LayerSpec.Conv(filters, kernel, 1, padding, true);
    }

    /** An architecture under construction, with a readable name for every layer. */
    private static final class Layers {
        private final List<String> names = new ArrayList<>();
        private final List<LayerSpec> specs = new ArrayList<>();

        Layers add(String name, LayerSpec spec) {
            names.add(name);
            specs.add(spec);
            return this;
        }

        Net build(String netName, Shape inputShape, long seed) {
            return new Net(netName, names, specs, inputShape, CLASSES, seed);
        }
    }
}
