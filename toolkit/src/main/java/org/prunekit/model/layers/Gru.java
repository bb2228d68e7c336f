package org.prunekit.model.layers;

import ai.djl.nn.Block;
import ai.djl.nn.recurrent.GRU;
import org.prunekit.model.LayerSpec;

/**
 * A gated recurrent unit layer (Cho et al. 2014, in the form cuDNN and PyTorch use; DJL's
 * {@code GRU}, run by PyTorch's {@code torch::gru}): a recurrent layer lighter than an LSTM, with
 * no cell state; a reset gate decides how much of the previous output the candidate sees, an
 * update gate how much of the previous output is kept. With {@code σ} the sigmoid and {@code ⊙}
 * the element-wise product, at each step
 *
 * <pre>
 * r = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)               reset gate    rows [0, H)
 * z = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)               update gate   rows [H, 2H)
 * n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn))      candidate     rows [2H, 3H)
 * h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}                            h_0 = 0
 * </pre>
 *
 * <p>Note that the reset gate multiplies the recurrent term <em>with its bias</em>
 * {@code b_hn}, so the two biases of the candidate are not interchangeable. The gates' rows are
 * stacked in this order (r, z, n) in the input weight {@code (3H, C)}, the recurrent weight
 * {@code (3H, H)} and both biases {@code (3H)} (see {@link Recurrent}).
 *
 * <p>Why a unit whose gate rows are all zero (weights and biases) can be removed: its gates are
 * then {@code r = z = σ(0) = ½} and {@code n = tanh(0 + ½·0) = 0} at every step, so
 * {@code h_t = ½ h_{t-1}} stays exactly 0 from {@code h_0 = 0}: the unit's output is exactly zero
 * and its column of the recurrent weight reads only zeros.
 *
 * @param units hidden units {@code H} (the output's last axis)
 */
public record Gru(int units) implements Recurrent {

    /** Checks that there is at least one unit. */
    public Gru {
        Settings.positive(units, "A GRU's units");
    }

    /** @return 3: three gates per unit: reset, update, candidate */
    @Override
    public int gates() {
        return 3;
    }

    /** @return DJL's GRU block, one layer, batch first, with both biases */
    @Override
    public Block build() {
        return Recurrent.configure(GRU.builder(), units).build();
    }

    /** @return {@code gru} */
    @Override
    public String keyword() {
        return "gru";
    }

    /** Reads {@code gru <units>}. */
    static Gru decode(String[] p) {
        return new Gru(Settings.integer(p, 1));
    }

    /** @return a GRU with {@code newUnits} hidden units */
    @Override
    public LayerSpec withUnits(int newUnits) {
        return new Gru(newUnits);
    }
}
