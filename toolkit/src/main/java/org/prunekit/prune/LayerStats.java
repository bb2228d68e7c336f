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
 * @param inputNorms per input column of the weight seen as a matrix (a convolution's
 *     {@code in·kh·kw}), the norm {@code ‖X_j‖₂} of what it multiplies over all sample examples
 *     and positions (see {@link org.prunekit.model.WeightInput}); for a depthwise convolution one
 *     set of columns per channel, flattened {@code [channel·cols + j]}; null unless the criterion
 *     {@link Importance#needsInputs() needs inputs}
 */
public record LayerStats(String layer, Shape shape, float[] weight, float[] bias, float[] mask, float[] gradMean,
        float[] gradSquaredMean, float[] unitTaylor, float[][] activations, float[] zeroFraction, int batches,
        float[] inputNorms) {

    /**
     * Statistics without input norms.
     *
     * @param layer the layer's name
     * @param shape the weight's shape
     * @param weight the weights
     * @param bias the biases, or null
     * @param mask the current mask
     * @param gradMean mean gradients, or null
     * @param gradSquaredMean mean squared gradients, or null
     * @param unitTaylor per-unit Taylor scores, or null
     * @param activations activations per sample and unit, or null
     * @param zeroFraction per-unit zero fractions, or null
     * @param batches sample batches measured
     */
    public LayerStats(String layer, Shape shape, float[] weight, float[] bias, float[] mask, float[] gradMean,
            float[] gradSquaredMean, float[] unitTaylor, float[][] activations, float[] zeroFraction, int batches) {
        this(layer, shape, weight, bias, mask, gradMean, gradSquaredMean, unitTaylor, activations, zeroFraction,
                batches, null);
    }

    /**
     * @param i a weight's index in {@link #weight()}
     * @return {@code ‖X_j‖₂} of the input column that weight multiplies
     * @throws IllegalStateException if the input norms were not measured
     */
    public float inputNorm(int i) {
        if (inputNorms == null) {
            throw new IllegalStateException("The input norms of layer " + layer + " were not measured: the criterion"
                    + " must say it needsInputs(), and the pruner needs calibration data.");
        }
        int per = perUnit();
        int row = i / per;
        int groups = inputNorms.length / per;
        return inputNorms[row / (units() / groups) * per + i % per];
    }

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
