package org.prunekit.prune;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The statistics of a layer that holds several weight matrices whose rows are gates (a recurrent
 * layer: an LSTM's input and recurrent weights, four gates each), put together per unit from the
 * statistics of its parts, so that every unit criterion scores a hidden unit as it scores a
 * dense layer's neuron. Unit {@code u} owns the gate rows {@code k·H + u} of every part: its
 * weights (and mask and gradients) are those rows, part after part and gate after gate. Its
 * per-unit Taylor term is the sum of its rows' (a sum of squares per gate row, not the square of
 * the unit's sum: the rows' products are not kept apart batch by batch). The activations are the
 * layer's own output, per hidden unit; the input norms of its weights are those of the parts'
 * columns ({@code ‖x_j‖} for the input weights, {@code ‖h_j‖} for the recurrent ones).
 */
final class UnitView {

    private UnitView() {}

    /**
     * @param layer the layer's name
     * @param units its hidden units {@code H}
     * @param parts the statistics of its weight parts (each with {@code gates·H} rows)
     * @param activations per sample and unit, the layer's output (null without data)
     * @param zeroFraction per unit, the fraction of exact zeros in its output (null without data)
     * @return the statistics per unit, of shape {@code (H, Σ gates·columns)}
     */
    static LayerStats compose(String layer, int units, List<LayerStats> parts, float[][] activations,
            float[] zeroFraction) {
        int perUnit = 0;
        for (LayerStats p : parts) {
            if (p.units() % units != 0) {
                throw new IllegalStateException(p.layer() + " has " + p.units() + " rows, not a multiple of the "
                        + units + " units of " + layer + ".");
            }
            perUnit += p.weight().length / units;
        }
        boolean grads = parts.get(0).gradMean() != null;
        float[] weight = new float[units * perUnit];
        float[] mask = new float[weight.length];
        float[] gradMean = grads ? new float[weight.length] : null;
        float[] gradSq = grads ? new float[weight.length] : null;
        float[] taylor = parts.get(0).unitTaylor() == null ? null : new float[units];
        // what each of a unit's weights multiplies: the same for every unit, part after part, gate after gate
        float[] norms = parts.get(0).inputNorms() == null ? null : new float[perUnit];
        if (norms != null) {
            int k = 0;
            for (LayerStats p : parts) {
                for (int g = 0; g < p.units() / units; g++) {
                    System.arraycopy(p.inputNorms(), 0, norms, k, p.perUnit());
                    k += p.perUnit();
                }
            }
        }
        for (int u = 0; u < units; u++) {
            int k = u * perUnit;
            for (LayerStats p : parts) {
                int gates = p.units() / units;
                int cols = p.perUnit();
                for (int g = 0; g < gates; g++) {
                    int row = g * units + u;
                    System.arraycopy(p.weight(), row * cols, weight, k, cols);
                    System.arraycopy(p.mask(), row * cols, mask, k, cols);
                    if (grads) {
                        System.arraycopy(p.gradMean(), row * cols, gradMean, k, cols);
                        System.arraycopy(p.gradSquaredMean(), row * cols, gradSq, k, cols);
                    }
                    if (taylor != null) {
                        taylor[u] += p.unitTaylor()[row];
                    }
                    k += cols;
                }
            }
        }
        return new LayerStats(layer, new Shape(units, perUnit), weight, null, mask, gradMean, gradSq, taylor,
                activations, zeroFraction, parts.get(0).batches(), norms);
    }
}
