package org.prunekit.model.layers;

import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.Layer;
import org.prunekit.model.LayerSpec;

/**
 * Batch normalisation over the channel axis (axis 1): after a convolution per channel, after a
 * dense layer per unit. Its scale, shift and running statistics are sliced along with the
 * channels it normalises.
 *
 * @param epsilon added to the variance
 * @param momentum weight of the old running statistics in each update
 */
public record Norm(float epsilon, float momentum) implements LayerSpec {

    /** DJL's defaults: epsilon 1e-5, momentum 0.9. */
    public Norm() {
        this(1e-5f, 0.9f);
    }

    /** Checks the settings. */
    public Norm {
        if (!(epsilon > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("Batch norm needs epsilon > 0 and momentum in [0, 1), got " + epsilon
                    + " and " + momentum + ".");
        }
    }

    @Override
    public Block build() {
        return BatchNorm.builder().optEpsilon(epsilon).optMomentum(momentum).build();
    }

    @Override
    public String encode() {
        return epsilon == 1e-5f && momentum == 0.9f ? "batchnorm" : "batchnorm " + epsilon + " " + momentum;
    }

    static Norm decode(String[] p) {
        return p.length == 1 ? new Norm() : new Norm(Float.parseFloat(p[1]), Float.parseFloat(p[2]));
    }

    /**
     * What the layer computes in inference mode, per channel {@code x * scale + shift}: {@code scale =
     * gamma / sqrt(running variance + epsilon)}, {@code shift = beta - running mean * scale}.
     *
     * @param layer the layer of this spec in a net (its block holds the parameters)
     * @return {@code {scale, shift}}, one value per channel each
     */
    public float[][] inferenceScaleShift(Layer layer) {
        float[] gamma = layer.parameter("gamma").getArray().toFloatArray();
        float[] beta = layer.parameter("beta").getArray().toFloatArray();
        float[] mean = layer.parameter("runningMean").getArray().toFloatArray();
        float[] var = layer.parameter("runningVar").getArray().toFloatArray();
        float[][] out = new float[2][gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            out[0][c] = (float) (gamma[c] / Math.sqrt(var[c] + (double) epsilon));
            out[1][c] = beta[c] - mean[c] * out[0][c];
        }
        return out;
    }

    @Override
    public String namePrefix() {
        return "bn";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.NORM;
    }
}
