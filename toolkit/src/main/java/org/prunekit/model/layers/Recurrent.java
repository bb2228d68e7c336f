package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.recurrent.RecurrentBlock;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.Layer;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.WeightInput;
import org.prunekit.model.WeightPart;

/**
 * A recurrent layer (an {@link Lstm} or a {@link Gru}): one layer of DJL's recurrent block, batch
 * first, reading a sequence {@code (b, T, C)} and giving its hidden state at every step,
 * {@code (b, T, units)}, from a zero initial state. At each step {@code t} every gate {@code k}
 * of unit {@code u} computes {@code W_ih[k·H + u] · x_t + b_ih[k·H + u] + W_hh[k·H + u] · h_{t-1}
 * + b_hh[k·H + u]} ({@code H} the units): the gates are stacked along the rows of the input
 * weight {@code W_ih (gates·H, C)}, the recurrent weight {@code W_hh (gates·H, H)} and both
 * biases {@code (gates·H)}, which is how DJL hands them to PyTorch's {@code torch::lstm} and
 * {@code torch::gru} (the parameter keys {@code l_0_i2h_WEIGHT}, {@code l_0_h2h_WEIGHT},
 * {@code l_0_i2h_BIAS}, {@code l_0_h2h_BIAS}).
 *
 * <p>Pruning per weight treats the input and the recurrent weights as two parts
 * ({@link WeightPart}: {@code lstm1/input}, {@code lstm1/recurrent}), each with its bias. In
 * structured pruning the layer is a producer of the channels on its output's last axis: a hidden
 * unit {@code u} is the rows {@code u, H+u, ...} of both weights and both biases (every gate of
 * the unit) together with column {@code u} of the recurrent weight and whatever reads channel
 * {@code u} downstream; and it reads the last-axis channels of its input, so the layer before it
 * can lose channels too.
 */
public interface Recurrent extends LayerSpec {

    /** The input weights and bias (what reads {@code x_t}). */
    WeightPart INPUT = new WeightPart("input", "l_0_i2h_WEIGHT", "l_0_i2h_BIAS", false);
    /** The recurrent weights and bias (what reads {@code h_{t-1}}). */
    WeightPart RECURRENT = new WeightPart("recurrent", "l_0_h2h_WEIGHT", "l_0_h2h_BIAS", true);

    /** @return the hidden units {@code H} */
    int units();

    /** @return the gates per unit (4 for an LSTM, 3 for a GRU), stacked along the weights' rows */
    int gates();

    /** @return the kind's keyword, which starts its encoding and its generated names ({@code lstm}, {@code gru}) */
    String keyword();

    /** @return the keyword and the units, e.g. {@code lstm 32} */
    @Override
    default String encode() {
        return keyword() + " " + units();
    }

    /** @return the keyword: layers are named {@code lstm1}, {@code gru2} */
    @Override
    default String namePrefix() {
        return keyword();
    }

    /**
     * @param builder a DJL recurrent block's builder
     * @param units the hidden units
     * @param <B> the builder's type
     * @return the builder set up as every PruneKit recurrent layer is: one layer, batch first,
     *     both biases, no dropout, no state output
     */
    static <B extends RecurrentBlock.BaseBuilder<B>> B configure(B builder, int units) {
        return builder.setStateSize(units).setNumLayers(1).optBatchFirst(true).optHasBiases(true);
    }

    /** @return the input and the recurrent weights */
    @Override
    default List<WeightPart> weightParts() {
        return List.of(INPUT, RECURRENT);
    }

    /**
     * What its weights multiply, for the calibration methods (Wanda, SparseGPT): the input weights
     * read {@code x_t}, the recurrent weights {@code h_(t-1)} (the layer's own output one step
     * earlier, zero at the first step), one row per example and step; every gate row reads the
     * same vector.
     *
     * @param layer this layer in a net
     * @param input its input for a batch, {@code (b, T, C)}
     * @return the input weights' columns {@code (1, b·T, C)} and the recurrent weights' {@code (1, b·T, H)}
     */
    @Override
    default List<WeightInput> weightInputs(Layer layer, NDArray input) {
        Shape s = input.getShape();
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("A recurrent layer reads sequences (batch, time, channels), got " + s
                    + ".");
        }
        NDArray h = layer.block().forward(new ParameterStore(input.getManager(), false), new NDList(input), false)
                .singletonOrThrow();
        NDArray first = input.getManager().zeros(new Shape(s.get(0), 1, h.getShape().get(2)));
        NDArray previous = s.get(1) == 1 ? first : first.concat(h.get(new NDIndex(":, 0:{}", s.get(1) - 1)), 1);
        return List.of(new WeightInput(layer.parameter(INPUT.weightKey()), input.reshape(1, -1, s.get(2))),
                new WeightInput(layer.parameter(RECURRENT.weightKey()), previous.reshape(1, -1, h.getShape().get(2))));
    }

    @Override
    default ChannelRole role() {
        return ChannelRole.RECURRENT;
    }
}
