package org.prunekit.prune;

import ai.djl.ndarray.types.Shape;

/**
 * N:M masks and their detection. A unit's inputs are grouped M at a time along the input axis:
 * for a Linear weight {@code (out, in)} the groups are {@code in} indices {@code [g·M, (g+1)·M)}
 * of each row; for a Conv2d weight {@code (out, in, kh, kw)} the same along the input channels,
 * separately at every kernel position (the layout sparse tensor cores use).
 */
public final class NmPattern {

    private NmPattern() {}

    /**
     * @param scores one score per weight, higher = keep
     * @param old the current mask (0 = pruned already: stays pruned)
     * @param shape the weight's shape
     * @param n weights kept per group
     * @param m the group size; must divide {@code shape.get(1)}
     * @return the new 0/1 mask: in every group at most {@code n} ones, the highest-scoring
     *     weights not pruned before (ties by position)
     */
    static float[] mask(float[] scores, float[] old, Shape shape, int n, int m) {
        int out = (int) shape.get(0);
        int in = (int) shape.get(1);
        int k = (int) (shape.size() / ((long) out * in));
        float[] mask = new float[scores.length];
        int[] idx = new int[m];
        for (int o = 0; o < out; o++) {
            for (int p = 0; p < k; p++) {
                for (int g = 0; g < in; g += m) {
                    for (int j = 0; j < m; j++) {
                        idx[j] = (o * in + g + j) * k + p;
                    }
                    for (int keep = 0; keep < n; keep++) {
                        int best = -1;
                        for (int j = 0; j < m; j++) {
                            int i = idx[j];
                            if (mask[i] == 0 && old[i] != 0 && (best < 0 || scores[i] > scores[best])) {
                                best = i;
                            }
                        }
                        if (best >= 0) {
                            mask[best] = 1f;
                        }
                    }
                }
            }
        }
        return mask;
    }

    /**
     * @param weights a Linear or Conv2d weight, flattened row-major
     * @param shape its shape
     * @param n the most non-zeros allowed per group
     * @param m the group size
     * @return whether every group of {@code m} consecutive inputs holds at most {@code n} non-zeros
     *     (false if {@code m} does not divide the inputs)
     */
    public static boolean holds(float[] weights, Shape shape, int n, int m) {
        int out = (int) shape.get(0);
        int in = (int) shape.get(1);
        if (in % m != 0) {
            return false;
        }
        int k = (int) (shape.size() / ((long) out * in));
        for (int o = 0; o < out; o++) {
            for (int p = 0; p < k; p++) {
                for (int g = 0; g < in; g += m) {
                    int nonZero = 0;
                    for (int j = 0; j < m; j++) {
                        if (weights[(o * in + g + j) * k + p] != 0) {
                            nonZero++;
                        }
                    }
                    if (nonZero > n) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * @param weights a weight, flattened row-major
     * @param shape its shape
     * @return the strictest of the patterns 1:4, 2:4 and 4:8 the weight satisfies (e.g. {@code "2:4"}),
     *     or the empty string if none (or the weight has no zeros)
     */
    public static String detect(float[] weights, Shape shape) {
        if (shape.dimension() < 2) {
            return "";
        }
        boolean anyZero = false;
        for (float v : weights) {
            if (v == 0) {
                anyZero = true;
                break;
            }
        }
        if (!anyZero) {
            return "";
        }
        for (int[] nm : new int[][] {{1, 4}, {2, 4}, {4, 8}}) {
            if (holds(weights, shape, nm[0], nm[1])) {
                return nm[0] + ":" + nm[1];
            }
        }
        return "";
    }
}
