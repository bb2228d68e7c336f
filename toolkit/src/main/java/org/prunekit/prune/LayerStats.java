package org.prunekit.prune;

import ai.djl.ndarray.types.Shape;

/**
 * What an {@link Importance} criterion may look at for one prunable layer: its weights and
 * mask, and — if the criterion asked for data — gradients and activations measured on sample
 * batches. Arrays are flattened row-major with the output unit first, so unit {@code u} owns
 * the weights {@code [u·perUnit, (u+1)·perUnit)}. Arrays are shared, not copied: do not change them.
 *
 * @param layer the layer's name
 * @param shape the weight's shape, e.g. {@code (300, 784)} or {@code (16, 6, 5, 5)}
 * @param weight the weights
 * @param bias the biases (one per unit), or null
 * @param mask the current mask (1 kept, 0 pruned)
 * @param gradMean per weight, the mean over sample batches of ∂L/∂w (null without data)
 * @param gradSquaredMean per weight, the mean over sample batches of (∂L/∂w)² (null without data)
 * @param unitTaylor per unit, the mean over batches of (Σ g·w over the unit's weights and bias)²,
 *     or, when a batch norm directly follows the layer, of (g·γ + g·β) over the norm's scale and
 *     shift (the gate after batch norm, Molchanov et al. 2019; null without data)
 * @param activations per sample and unit, the unit's output after its activation, averaged over
 *     positions for a convolution channel: {@code activations[sample][unit]} (null without data)
 * @param zeroFraction per unit, the fraction of its activation values (all samples and positions)
 *     that are exactly zero (null without data)
 * @param batches how many sample batches the data statistics come from (0 without data)
 */
public record LayerStats(String layer, Shape shape, float[] weight, float[] bias, float[] mask, float[] gradMean,
        float[] gradSquaredMean, float[] unitTaylor, float[][] activations, float[] zeroFraction, int batches) {

    /** @return the number of output units (neurons or channels) */
    public int units() {
        return (int) shape.get(0);
    }

    /** @return the number of weights per unit */
    public int perUnit() {
        return weight.length / units();
    }

    /**
     * Sums per-weight scores over each unit.
     *
     * @param perWeight one score per weight
     * @return one score per unit
     */
    public float[] sumPerUnit(float[] perWeight) {
        int units = units();
        int per = perUnit();
        float[] out = new float[units];
        for (int u = 0; u < units; u++) {
            double s = 0;
            for (int j = u * per; j < (u + 1) * per; j++) {
                s += perWeight[j];
            }
            out[u] = (float) s;
        }
        return out;
    }

    /**
     * Spreads per-unit scores to every weight of the unit.
     *
     * @param perUnit one score per unit
     * @return one score per weight
     */
    public float[] broadcast(float[] perUnit) {
        int per = perUnit();
        float[] out = new float[weight.length];
        for (int u = 0; u < perUnit.length; u++) {
            java.util.Arrays.fill(out, u * per, (u + 1) * per, perUnit[u]);
        }
        return out;
    }
}
