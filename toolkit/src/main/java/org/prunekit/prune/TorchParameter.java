package org.prunekit.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Objects;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * A parameter of a net named as torch names it, {@code layer.weight} or {@code layer.bias}, for
 * {@link TorchPrune}: its values, its current mask (all ones if it has none), its channels along
 * an axis, and the registration of a new mask with the net.
 */
final class TorchParameter {

    final String name;
    final Parameter parameter;
    final Shape shape;
    final int size;

    /**
     * @param name the torch name, e.g. {@code fc1.weight}
     * @param parameter the parameter it names
     */
    TorchParameter(String name, Parameter parameter) {
        this.name = name;
        this.parameter = parameter;
        this.shape = parameter.getArray().getShape();
        this.size = Math.toIntExact(shape.size());
    }

    /** @return the values, row-major */
    float[] values() {
        return parameter.getArray().toFloatArray();
    }

    /**
     * @param net the net
     * @return the current mask, row-major (all ones if there is none)
     */
    float[] mask(Net net) {
        NDArray m = net.masks().get(parameter);
        if (m != null) {
            return m.toFloatArray();
        }
        float[] ones = new float[size];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    /**
     * @param values values given per entry
     * @param what what they are, for the message
     * @throws IllegalArgumentException if there is not one per entry
     */
    void checkLength(float[] values, String what) {
        if (values.length != size) {
            throw new IllegalArgumentException("The " + what + " for " + name + " have " + values.length
                    + " values, but " + name + " has shape " + shape + " = " + size + " entries; give one per"
                    + " entry, in row-major order.");
        }
    }

    /**
     * @param dim an axis, negative counting from the end as in torch
     * @return the channels along it
     * @throws IllegalArgumentException for a one-axis tensor or a dim that is not an axis
     */
    Channels channels(int dim) {
        int rank = shape.dimension();
        if (rank < 2) {
            throw new IllegalArgumentException("Structured pruning needs a tensor of two or more axes, but " + name
                    + " has shape " + shape + " (torch: \"Structured pruning can only be applied to"
                    + " multidimensional tensors\"). Prune a weight, e.g. " + name.replaceAll("\\.bias$", ".weight")
                    + ", or prune this one unstructured.");
        }
        if (dim < -rank || dim >= rank) {
            throw new IllegalArgumentException("dim=" + dim + " is not an axis of " + name + ", of shape " + shape
                    + ": use 0 for output units (filters), 1 for input features (channels), or -" + rank + " to "
                    + (rank - 1) + ".");
        }
        int d = dim < 0 ? dim + rank : dim;
        long stride = 1;
        for (int i = d + 1; i < rank; i++) {
            stride *= shape.get(i);
        }
        return new Channels(d, (int) shape.get(d), stride);
    }

    /**
     * @param net the net, changed
     * @param mask the new mask, row-major, replacing the old one (combine them first)
     */
    void register(Net net, float[] mask) {
        try (NDArray m = net.manager().create(mask, shape)) {
            net.addMask(parameter, m);
        }
    }

    /** The channels of a tensor along one axis: entry {@code i} belongs to channel {@code (i / stride) % count}. */
    record Channels(int dim, int count, long stride) {
        /**
         * @param i an entry's row-major index
         * @return its channel
         */
        int of(int i) {
            return (int) ((i / stride) % count);
        }
    }

    /**
     * @param net the net
     * @param param {@code layer.weight} or {@code layer.bias} of a Linear or Conv2d layer
     * @return the parameter
     * @throws IllegalArgumentException saying what is wrong and listing the valid names
     */
    static TorchParameter resolve(Net net, String param) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(param, "param");
        int dot = param.lastIndexOf('.');
        String layerName = dot < 0 ? param : param.substring(0, dot);
        String key = dot < 0 ? "" : param.substring(dot + 1);
        Layer layer = net.layers().stream().filter(l -> l.name().equals(layerName)).findFirst().orElse(null);
        String why;
        if (dot < 0) {
            why = "'" + param + "' names no parameter: write layer.weight or layer.bias, e.g. " + param + ".weight";
        } else if (layer == null) {
            why = "Net " + net.name() + " has no layer '" + layerName + "'";
        } else if (!layer.isPrunable()) {
            why = "Layer " + layerName + " is a " + layer.kind() + "; TorchPrune prunes the weights and biases of Linear"
                    + " and Conv2d layers";
        } else if (key.equals("weight")) {
            return new TorchParameter(param, layer.weight());
        } else if (key.equals("bias") && layer.bias() != null) {
            return new TorchParameter(param, layer.bias());
        } else {
            why = "Layer " + layerName + " has no parameter '" + key + "'" + (key.equals("bias") ? " (it was built"
                    + " without a bias)" : "");
        }
        throw new IllegalArgumentException(why + ". Parameters that can be pruned: " + TorchPrune.parameters(net) + ".");
    }
}
