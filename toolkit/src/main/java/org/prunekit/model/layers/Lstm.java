package org.prunekit.model.layers;

import ai.djl.nn.Block;
import ai.djl.nn.recurrent.LSTM;
import org.prunekit.model.LayerSpec;

/**
 * A long short-term memory layer (Hochreiter and Schmidhuber 1997; DJL's {@code LSTM}, run by
 * PyTorch's {@code torch::lstm}): a recurrent layer whose units keep a cell state {@code c} next
 * to their output {@code h}, with gates that decide what the cell forgets, takes in and shows.
 * With {@code σ} the sigmoid and {@code ⊙} the element-wise product, at each step
 *
 * <pre>
 * i = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)     input gate      rows [0, H)
 * f = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)     forget gate     rows [H, 2H)
 * g = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)  cell candidate  rows [2H, 3H)
 * o = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)     output gate     rows [3H, 4H)
 * c_t = f ⊙ c_{t-1} + i ⊙ g        h_t = o ⊙ tanh(c_t)            h_0 = c_0 = 0
 * </pre>
 *
 * <p>The gates' rows are stacked in this order (i, f, g, o) in the input weight {@code (4H, C)},
 * the recurrent weight {@code (4H, H)} and both biases {@code (4H)} (see {@link Recurrent}).
 *
 * <p>Why a unit whose gate rows are all zero (weights and biases) can be removed: its gates are
 * then {@code i = f = o = σ(0) = ½} and {@code g = tanh(0) = 0} at every step, whatever the
 * input, so {@code c_t = ½ c_{t-1}} stays exactly 0 from {@code c_0 = 0}, and {@code h_t = ½
 * tanh(0) = 0}: the unit's output is exactly zero and its column of the recurrent weight reads
 * only zeros.
 *
 * @param units hidden units {@code H} (the output's last axis)
 */
public record Lstm(int units) implements Recurrent {

    /** Checks that there is at least one unit. */
    public Lstm {
        Settings.positive(units, "An LSTM's units");
    }

    /** @return 4: four gates per unit: input, forget, cell candidate, output */
    @Override
    public int gates() {
        return 4;
    }

    /** @return DJL's LSTM block, one layer, batch first, with both biases */
    @Override
    public Block build() {
        return Recurrent.configure(LSTM.builder(), units).build();
    }

    /** @return {@code lstm} */
    @Override
    public String keyword() {
        return "lstm";
    }

    /** Reads {@code lstm <units>}. */
    static Lstm decode(String[] p) {
        return new Lstm(Settings.integer(p, 1));
    }

    /** @return a LSTM with {@code newUnits} hidden units */
    @Override
    public LayerSpec withUnits(int newUnits) {
        return new Lstm(newUnits);
    }
}
