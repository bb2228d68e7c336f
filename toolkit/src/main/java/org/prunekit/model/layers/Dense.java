package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import java.util.List;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.Layer;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.WeightInput;

/**
 * A fully connected layer (DJL's {@code Linear}): a producer of new units, each a weighted sum of
 * every input unit. Structured pruning removes its rows (and bias entries) and the inputs that
 * read removed units.
 *
 * @param units output units
 * @param bias whether it has a bias
 */
public record Dense(int units, boolean bias) implements LayerSpec {

    /** Checks the units. */
    public Dense {
        Settings.positive(units, "A dense layer's units");
    }

    @Override
    public Block build() {
        return Linear.builder().setUnits(units).optBias(bias).build();
    }

    @Override
    public String encode() {
        return "dense " + units + " " + bias;
    }

    static Dense decode(String[] p) {
        return new Dense(Settings.integer(p, 1), Boolean.parseBoolean(p[2]));
    }

    @Override
    public String namePrefix() {
        return "fc";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.DENSE;
    }

    @Override
    public LayerSpec withUnits(int newUnits) {
        return new Dense(newUnits, bias);
    }

    /** Its weight reads the input with every leading axis flattened: one row per example and position. */
    @Override
    public List<WeightInput> weightInputs(Layer layer, NDArray input) {
        long in = input.getShape().get(input.getShape().dimension() - 1);
        return List.of(new WeightInput(layer.weight(), input.reshape(1, -1, in)));
    }
}
