package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.Locale;

/**
 * The architecture of one layer as data: enough to build its DJL block again. A net's list of
 * specs is what {@link NetIO} stores beside the weights and checks on load, and what
 * {@link Net#copy()} and structured removal rebuild from.
 */
public sealed interface LayerSpec {

    /** @return a fresh, uninitialised DJL block for this spec */
    Block build();

    /** @return the spec as one line of text, parsed back by {@link #parse(String)} */
    String encode();

    /**
     * @param units output units of a Linear or Conv2d layer
     * @return this spec with that many units (structured pruning)
     */
    default LayerSpec withUnits(int units) {
        throw new IllegalStateException(encode() + " has no units to change.");
    }

    /**
     * A fully connected layer.
     *
     * @param units output units
     * @param bias whether it has a bias
     */
    record Dense(int units, boolean bias) implements LayerSpec {
        @Override
        public Block build() {
            return Linear.builder().setUnits(units).optBias(bias).build();
        }

        @Override
        public String encode() {
            return "dense " + units + " " + bias;
        }

        @Override
        public LayerSpec withUnits(int newUnits) {
            return new Dense(newUnits, bias);
        }
    }

    /**
     * A square 2-D convolution.
     *
     * @param filters output channels
     * @param kernel kernel side
     * @param stride stride
     * @param padding padding on each side
     * @param bias whether it has a bias
     */
    record Conv(int filters, int kernel, int stride, int padding, boolean bias) implements LayerSpec {
        @Override
        public Block build() {
            return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
                    .optPadding(new Shape(padding, padding)).setFilters(filters).optBias(bias).build();
        }

        @Override
        public String encode() {
            return "conv " + filters + " " + kernel + " " + stride + " " + padding + " " + bias;
        }

        @Override
        public LayerSpec withUnits(int units) {
            return new Conv(units, kernel, stride, padding, bias);
        }
    }

    /** Batch normalisation over the channel axis. */
    record Norm() implements LayerSpec {
        @Override
        public Block build() {
            return BatchNorm.builder().build();
        }

        @Override
        public String encode() {
            return "batchnorm";
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
    }

    /**
     * 2-D max pooling.
     *
     * @param kernel window side
     * @param stride stride
     */
    record MaxPool(int kernel, int stride) implements LayerSpec {
        @Override
        public Block build() {
            return Pool.maxPool2dBlock(new Shape(kernel, kernel), new Shape(stride, stride));
        }

        @Override
        public String encode() {
            return "maxpool " + kernel + " " + stride;
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
    }

    /**
     * @param line a line written by {@link #encode()}
     * @return the spec
     * @throws IllegalArgumentException if the line is not a spec
     */
    static LayerSpec parse(String line) {
        String[] p = line.strip().split("\\s+");
        try {
            return switch (p[0].toLowerCase(Locale.ROOT)) {
                case "dense" -> new Dense(Integer.parseInt(p[1]), Boolean.parseBoolean(p[2]));
                case "conv" -> new Conv(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]),
                        Integer.parseInt(p[4]), Boolean.parseBoolean(p[5]));
                case "batchnorm" -> new Norm();
                case "relu" -> new Relu();
                case "maxpool" -> new MaxPool(Integer.parseInt(p[1]), Integer.parseInt(p[2]));
                case "flatten" -> new Flatten();
                default -> throw new IllegalArgumentException("unknown layer kind '" + p[0] + "'");
            };
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("Not a layer spec: '" + line + "' (" + e.getMessage() + ")", e);
        }
    }
}
