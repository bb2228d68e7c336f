package org.prunekit.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

/**
 * One named computing layer of a {@link Net} and the DJL block that computes it.
 *
 * @param name a readable name such as {@code fc1}, {@code conv2}, {@code bn1}, or {@code res1.conv2}
 *     inside a residual block
 * @param index the layer's position in {@link Net#layers()} (execution order)
 * @param block the DJL block
 * @param spec the layer's architecture as data
 */
public record Layer(String name, int index, Block block, LayerSpec spec) {

    /**
     * @return whether this layer has a weight that pruning can act on: a Linear or Conv2d layer,
     *     or one weight matrix of a layer that holds several ({@link #isWeightPart()})
     */
    public boolean isPrunable() {
        return block instanceof Linear || block instanceof Conv2d || block instanceof WeightPartBlock;
    }

    /**
     * @return whether this "layer" is one of the weight matrices of a layer that holds several
     *     (an LSTM's {@code lstm1/input} or {@code lstm1/recurrent}, see {@link WeightPart}):
     *     pruned per weight like a layer, run by the layer it belongs to
     */
    public boolean isWeightPart() {
        return block instanceof WeightPartBlock;
    }

    /**
     * @return the name of the layer whose block runs this one: its own name, or for a weight part
     *     ({@link #isWeightPart()}) the layer it belongs to (what {@link Net#forwardWithInputs}
     *     and {@link LayerSpec#weightInputs} are asked about)
     */
    public String runBy() {
        return block instanceof WeightPartBlock part ? part.owner().name() : name;
    }

    /** @return whether this is a batch-normalisation layer */
    public boolean isBatchNorm() {
        return block instanceof BatchNorm;
    }

    /**
     * @return the weight parameter
     * @throws IllegalStateException if the layer has none
     */
    public Parameter weight() {
        return parameter("weight");
    }

    /** @return the bias parameter, or {@code null} if the layer has none */
    public Parameter bias() {
        return block.getParameters().contains("bias") ? block.getParameters().get("bias") : null;
    }

    /**
     * @return a copy of the weights as a flat array, in the parameter's row-major order (what a
     *     histogram, a count of zeros or a by-hand computation reads)
     * @throws IllegalStateException if the layer has no weight
     */
    public float[] weightValues() {
        return weight().getArray().toFloatArray();
    }

    /**
     * @return a copy of the biases as an array
     * @throws IllegalStateException if the layer has no bias
     */
    public float[] biasValues() {
        Parameter b = bias();
        if (b == null) {
            throw new IllegalStateException("Layer " + name + " (" + kind() + ") has no bias; it has "
                    + block.getParameters().keys() + ".");
        }
        return b.getArray().toFloatArray();
    }

    /**
     * @param key a parameter key such as {@code weight}, {@code bias}, {@code gamma}
     * @return the parameter
     */
    public Parameter parameter(String key) {
        if (!block.getParameters().contains(key)) {
            throw new IllegalStateException("Layer " + name + " (" + kind() + ") has no parameter '" + key
                    + "'; it has " + block.getParameters().keys() + ".");
        }
        return block.getParameters().get(key);
    }

    /**
     * @return the layer's kind, e.g. {@code Linear}, {@code Conv2d}, {@code BatchNorm}, {@code relu}, {@code maxpool},
     *     {@code layernorm}
     */
    public String kind() {
        if (block instanceof WeightPartBlock part) {
            return part.owner().block().getClass().getSimpleName() + " " + part.part().name();
        }
        // PruneKit's own blocks (layer norm, position embedding) and DJL's lambdas are named by their kind
        if ((block instanceof ai.djl.nn.LambdaBlock || block.getClass().getName().startsWith("org.prunekit."))
                && spec.isRebuildable()) {
            return spec.kind();
        }
        return block.getClass().getSimpleName();
    }
}
