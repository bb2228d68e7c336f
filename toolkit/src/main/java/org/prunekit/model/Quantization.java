package org.prunekit.model;

/**
 * Symmetric per-channel linear quantization of a weight tensor, the arithmetic shared by
 * {@link org.prunekit.compress.Quantizer} (which rounds a net's weights in place) and
 * {@link NetIO#saveQuantized(Net, java.nio.file.Path, int)} (which stores the integer codes).
 *
 * <p>With {@code b} bits the codes are the integers {@code -L..L}, {@code L = 2^(b-1) - 1}; each
 * output unit (row of a Linear weight, filter of a Conv2d weight) has its own scale
 * {@code s = max|w| / L}, and a weight {@code w} is stored as {@code q = round(w / s)} and read
 * back as {@code q·s}. Zero stays exactly zero, so pruned weights stay pruned, and quantizing
 * values that were quantized with the same bits gives them back unchanged.
 */
public final class Quantization {

    /** The fewest bits supported. */
    public static final int MIN_BITS = 2;

    /** The most bits supported. */
    public static final int MAX_BITS = 16;

    private Quantization() {}

    /**
     * @param bits bits per weight
     * @return {@code bits}, if it is in {@value #MIN_BITS}..{@value #MAX_BITS}
     * @throws IllegalArgumentException otherwise
     */
    public static int checkBits(int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException("Quantization needs " + MIN_BITS + " to " + MAX_BITS + " bits per weight,"
                    + " got " + bits + " (8 is the usual choice; 2 keeps only -s, 0 and +s per channel).");
        }
        return bits;
    }

    /**
     * @param bits bits per weight
     * @return the largest code, {@code 2^(bits-1) - 1}
     */
    public static int levels(int bits) {
        return (1 << (checkBits(bits) - 1)) - 1;
    }

    /**
     * @param w the weights, row-major with the output unit first
     * @param units the number of output units
     * @param bits bits per weight
     * @return one scale per unit ({@code max|w| / L}; 0 for a unit of zeros)
     */
    public static float[] scales(float[] w, int units, int bits) {
        int per = w.length / units;
        int l = levels(bits);
        float[] s = new float[units];
        for (int u = 0; u < units; u++) {
            float max = 0;
            for (int j = u * per; j < (u + 1) * per; j++) {
                max = Math.max(max, Math.abs(w[j]));
            }
            s[u] = max / l;
        }
        return s;
    }

    /**
     * @param w a weight
     * @param scale its unit's scale
     * @param levels the largest code
     * @return its code, in {@code -levels..levels}
     */
    public static int code(float w, float scale, int levels) {
        if (scale == 0) {
            return 0;
        }
        return (int) Math.max(-levels, Math.min(levels, Math.round(w / scale)));
    }

    /**
     * @param code a code
     * @param scale its unit's scale
     * @return the value it stands for
     */
    public static float value(int code, float scale) {
        return code * scale;
    }

    /**
     * @param w the weights, row-major with the output unit first
     * @param units the number of output units
     * @param bits bits per weight
     * @return the weights as {@code b}-bit codes read back (same length)
     */
    public static float[] roundTrip(float[] w, int units, int bits) {
        float[] s = scales(w, units, bits);
        int l = levels(bits);
        int per = w.length / units;
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            float scale = s[i / per];
            out[i] = value(code(w[i], scale, l), scale);
        }
        return out;
    }
}
