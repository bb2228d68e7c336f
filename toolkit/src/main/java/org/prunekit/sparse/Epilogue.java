package org.prunekit.sparse;

/**
 * What follows a dense or convolution layer and is applied to its output as it is written: batch
 * normalisation in inference mode ({@code x * scale + shift} per channel) and / or a ReLU. A
 * convolution applies it to each stretch of outputs right after its kernel stored them, while they
 * are still in the cache, instead of two more passes over the whole output; the values are those
 * of the separate steps to the bit (the same multiply, then add, then {@code Math.max}).
 */
final class Epilogue {

    private final float[] scale;
    private final float[] shift;
    private final boolean relu;

    /**
     * @param scale per channel, or null for no batch normalisation
     * @param shift per channel (with {@code scale})
     * @param relu whether a ReLU follows
     */
    Epilogue(float[] scale, float[] shift, boolean relu) {
        this.scale = scale;
        this.shift = shift;
        this.relu = relu;
    }

    /** Applies it to {@code y[from, to)}, values of channel {@code channel}. */
    void apply(float[] y, int channel, int from, int to) {
        if (scale == null) {
            for (int i = from; i < to; i++) {
                y[i] = Math.max(0f, y[i]);
            }
            return;
        }
        float a = scale[channel];
        float s = shift[channel];
        if (relu) {
            for (int i = from; i < to; i++) {
                y[i] = Math.max(0f, y[i] * a + s);
            }
        } else {
            for (int i = from; i < to; i++) {
                y[i] = y[i] * a + s;
            }
        }
    }

    /** @return {@code v}, a value of channel {@code channel}, with it applied */
    float apply(float v, int channel) {
        float u = scale == null ? v : v * scale[channel] + shift[channel];
        return relu ? Math.max(0f, u) : u;
    }

    /** @return whether it has a batch normalisation (scale and shift) */
    boolean affine() {
        return scale != null;
    }

    /** @return the batch normalisation's scale of channel {@code c} (with {@link #affine()}) */
    float scale(int c) {
        return scale[c];
    }

    /** @return the batch normalisation's shift of channel {@code c} (with {@link #affine()}) */
    float shift(int c) {
        return shift[c];
    }

    /** @return whether a ReLU follows */
    boolean relu() {
        return relu;
    }

    /** Applies it to a whole output of {@code channels} channels of {@code perChannel} values each (batch included). */
    void applyAll(float[] y, int channels, int perChannel) {
        if (scale == null) {
            apply(y, 0, 0, channels * perChannel);   // a ReLU alone: one loop over the whole output
            return;
        }
        for (int c = 0; c < channels; c++) {
            apply(y, c, c * perChannel, (c + 1) * perChannel);
        }
    }

    /** @return the bytes it holds */
    long bytes() {
        return scale == null ? 0 : 8L * scale.length;
    }

    @Override
    public String toString() {
        return (scale == null ? "" : "batch norm") + (scale != null && relu ? " + " : "") + (relu ? "ReLU" : "");
    }
}
