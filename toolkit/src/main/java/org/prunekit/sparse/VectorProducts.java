package org.prunekit.sparse;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of the sparse kernels on the JDK's Vector API: the CSR product of {@link CsrMatrix}
 * (for each output row and each stretch of four vector registers of the batch, the row's non-zero
 * weights are walked once with the partial sums held in registers, one fused multiply-add per weight
 * and register, and stored once at the end), and the dense products for weights with few zeros (a
 * dot product per row for one vector; four rows at a time sharing every load for a batch). Loaded
 * only when {@link Simd} finds the module; nothing else may refer to this class.
 */
final class VectorProducts {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorProducts() {}

    /** @return floats per register */
    static int lanes() {
        return S.length();
    }

    /**
     * Rows {@code [from, to)} of a CSR product over a stretch of {@code len} values: non-zero {@code k} multiplies
     * {@code x[base + at[k] + i]}, {@code i < len}, into {@code y[yOffset + r * yStride + i]}. The
     * offsets make it the product of every layout: a batch-last matrix ({@code at = column * batch}) or a
     * convolution's input read in place (at = where the weight's input channel and kernel position start).
     */
    static void multiply(int from, int to, int[] rowStart, int[] at, float[] value, float[] x, int base,
            int len, float[] bias, float[] y, int yOffset, int yStride) {
        int l = S.length();
        int batch = len;
        for (int r = from; r < to; r++) {
            int start = rowStart[r];
            int end = rowStart[r + 1];
            float b0 = bias == null ? 0f : bias[r];
            int out = yOffset + r * yStride;
            // stretches of four registers, or of one for a shorter batch; the last stretch ends at the batch's end and
            // may overlap the one before (its lanes get the same values again): no separate path for the rest, which
            // the JIT compiles far worse
            if (batch >= 4 * l) {
                for (int i0 = 0; i0 < batch; i0 += 4 * l) {
                    int i = Math.min(i0, batch - 4 * l);
                    FloatVector a0 = FloatVector.broadcast(S, b0);
                    FloatVector a1 = a0;
                    FloatVector a2 = a0;
                    FloatVector a3 = a0;
                    for (int k = start; k < end; k++) {
                        FloatVector w = FloatVector.broadcast(S, value[k]);
                        int o = base + at[k] + i;
                        a0 = FloatVector.fromArray(S, x, o).fma(w, a0);
                        a1 = FloatVector.fromArray(S, x, o + l).fma(w, a1);
                        a2 = FloatVector.fromArray(S, x, o + 2 * l).fma(w, a2);
                        a3 = FloatVector.fromArray(S, x, o + 3 * l).fma(w, a3);
                    }
                    a0.intoArray(y, out + i);
                    a1.intoArray(y, out + i + l);
                    a2.intoArray(y, out + i + 2 * l);
                    a3.intoArray(y, out + i + 3 * l);
                }
                continue;
            }
            if (batch >= l) {
                for (int i0 = 0; i0 < batch; i0 += l) {
                    int i = Math.min(i0, batch - l);
                    // one register of the batch: two chains of multiply-adds (even and odd weights), not one
                    FloatVector a = FloatVector.broadcast(S, b0);
                    FloatVector c = FloatVector.zero(S);
                    int k = start;
                    for (; k + 1 < end; k += 2) {
                        a = FloatVector.fromArray(S, x, base + at[k] + i).fma(
                                FloatVector.broadcast(S, value[k]), a);
                        c = FloatVector.fromArray(S, x, base + at[k + 1] + i).fma(
                                FloatVector.broadcast(S, value[k + 1]), c);
                    }
                    if (k < end) {
                        a = FloatVector.fromArray(S, x, base + at[k] + i).fma(
                                FloatVector.broadcast(S, value[k]), a);
                    }
                    a.add(c).intoArray(y, out + i);
                }
                continue;
            }
            for (int i = 0; i < batch; i++) {
                // a batch below one register, example by example: four chains of multiply-adds
                float a0 = 0f;
                float a1 = 0f;
                float a2 = 0f;
                float a3 = 0f;
                int k = start;
                for (; k + 3 < end; k += 4) {
                    a0 = Math.fma(value[k], x[base + at[k] + i], a0);
                    a1 = Math.fma(value[k + 1], x[base + at[k + 1] + i], a1);
                    a2 = Math.fma(value[k + 2], x[base + at[k + 2] + i], a2);
                    a3 = Math.fma(value[k + 3], x[base + at[k + 3] + i], a3);
                }
                for (; k < end; k++) {
                    a0 = Math.fma(value[k], x[base + at[k] + i], a0);
                }
                y[out + i] = b0 + ((a0 + a1) + (a2 + a3));
            }
        }
    }

    /**
     * {@code y = W x + bias} for one vector, {@code W} dense and row-major ({@code rows x cols}): per row a dot
     * product in four registers of partial sums.
     */
    static void matVec(float[] w, int rows, int cols, float[] x, float[] bias, float[] y) {
        int l = S.length();
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int c = 0;
            for (; c + 4 * l <= cols; c += 4 * l) {
                a0 = FloatVector.fromArray(S, w, o + c).fma(FloatVector.fromArray(S, x, c), a0);
                a1 = FloatVector.fromArray(S, w, o + c + l).fma(FloatVector.fromArray(S, x, c + l), a1);
                a2 = FloatVector.fromArray(S, w, o + c + 2 * l).fma(FloatVector.fromArray(S, x, c + 2 * l), a2);
                a3 = FloatVector.fromArray(S, w, o + c + 3 * l).fma(FloatVector.fromArray(S, x, c + 3 * l), a3);
            }
            for (; c + l <= cols; c += l) {
                a0 = FloatVector.fromArray(S, w, o + c).fma(FloatVector.fromArray(S, x, c), a0);
            }
            float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; c < cols; c++) {
                sum = Math.fma(w[o + c], x[c], sum);
            }
            y[r] = (bias == null ? 0f : bias[r]) + sum;
        }
    }

    /**
     * {@code y = W x + bias} for rows {@code [from, to)} of a dense row-major {@code W} ({@code k} values per row),
     * batch-last like {@link #multiply}: column {@code c} reads {@code x[(firstColumn + c) * batch + b]}. Four rows
     * at a time share every load of {@code x} (16 registers of partial sums for four registers of the batch): about
     * three times the multiply-adds per second of {@link #multiply}, so it pays from some 40 % non-zero weights on.
     */
    static void denseMultiply(float[] w, int from, int to, int k, float[] x, int firstColumn, int batch, float[] bias,
            float[] y) {
        denseMultiply(w, from, to, k, x, firstColumn, batch, bias, y, 0, batch);
    }

    /** {@link #denseMultiply(float[], int, int, int, float[], int, int, float[], float[])} writing row {@code r} at
     * {@code y[yOffset + r * yStride + b]}. */
    static void denseMultiply(float[] w, int from, int to, int k, float[] x, int firstColumn, int batch, float[] bias,
            float[] y, int yOffset, int yStride) {
        int[] at = new int[k];
        for (int c = 0; c < k; c++) {
            at[c] = c * batch;
        }
        denseMultiply(w, from, to, k, at, x, firstColumn * batch, batch, bias, y, yOffset, yStride);
    }

    /**
     * Rows {@code [from, to)} of a dense row-major {@code W} ({@code k} values per row) over a stretch of
     * {@code len} values: column {@code c} reads {@code x[base + at[c] + i]}, {@code i < len}; row {@code r} writes
     * {@code y[yOffset + r * yStride + i]} (the offsets as in the CSR product).
     */
    static void denseMultiply(float[] w, int from, int to, int k, int[] at, float[] x, int base, int len,
            float[] bias, float[] y, int yOffset, int yStride) {
        int l = S.length();
        int batch = len;
        // four rows at a time; the last block repeats its last row where fewer than four are left (a repeated row
        // computes and stores the same values twice): one code path for every row, the path the JIT compiles best
        for (int r = from; r < to; r += 4) {
            int rb = Math.min(r + 1, to - 1);
            int rc = Math.min(r + 2, to - 1);
            int rd = Math.min(r + 3, to - 1);
            int wa = r * k;
            int wb = rb * k;
            int wc = rc * k;
            int wd = rd * k;
            int ya = yOffset + r * yStride;
            int yb = yOffset + rb * yStride;
            int yc = yOffset + rc * yStride;
            int yd = yOffset + rd * yStride;
            // as in multiply: stretches of four registers (or one), the last one ending at the batch's end
            int step = batch >= 4 * l ? 4 * l : batch >= l ? l : 0;
            for (int i0 = 0; step == 4 * l && i0 < batch; i0 += step) {
                int i = Math.min(i0, batch - step);
                FloatVector a0 = start(bias, r);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                FloatVector b0 = start(bias, rb);
                FloatVector b1 = b0;
                FloatVector b2 = b0;
                FloatVector b3 = b0;
                FloatVector c0 = start(bias, rc);
                FloatVector c1 = c0;
                FloatVector c2 = c0;
                FloatVector c3 = c0;
                FloatVector d0 = start(bias, rd);
                FloatVector d1 = d0;
                FloatVector d2 = d0;
                FloatVector d3 = d0;
                for (int c = 0; c < k; c++) {
                    int o = base + at[c] + i;
                    FloatVector x0 = FloatVector.fromArray(S, x, o);
                    FloatVector x1 = FloatVector.fromArray(S, x, o + l);
                    FloatVector x2 = FloatVector.fromArray(S, x, o + 2 * l);
                    FloatVector x3 = FloatVector.fromArray(S, x, o + 3 * l);
                    FloatVector v = FloatVector.broadcast(S, w[wa + c]);
                    a0 = x0.fma(v, a0);
                    a1 = x1.fma(v, a1);
                    a2 = x2.fma(v, a2);
                    a3 = x3.fma(v, a3);
                    v = FloatVector.broadcast(S, w[wb + c]);
                    b0 = x0.fma(v, b0);
                    b1 = x1.fma(v, b1);
                    b2 = x2.fma(v, b2);
                    b3 = x3.fma(v, b3);
                    v = FloatVector.broadcast(S, w[wc + c]);
                    c0 = x0.fma(v, c0);
                    c1 = x1.fma(v, c1);
                    c2 = x2.fma(v, c2);
                    c3 = x3.fma(v, c3);
                    v = FloatVector.broadcast(S, w[wd + c]);
                    d0 = x0.fma(v, d0);
                    d1 = x1.fma(v, d1);
                    d2 = x2.fma(v, d2);
                    d3 = x3.fma(v, d3);
                }
                store4(y, ya + i, l, a0, a1, a2, a3);
                store4(y, yb + i, l, b0, b1, b2, b3);
                store4(y, yc + i, l, c0, c1, c2, c3);
                store4(y, yd + i, l, d0, d1, d2, d3);
            }
            for (int i0 = 0; step == l && i0 < batch; i0 += step) {
                int i = Math.min(i0, batch - step);
                FloatVector a = start(bias, r);
                FloatVector b = start(bias, rb);
                FloatVector c = start(bias, rc);
                FloatVector d = start(bias, rd);
                for (int j = 0; j < k; j++) {
                    FloatVector xv = FloatVector.fromArray(S, x, base + at[j] + i);
                    a = xv.fma(FloatVector.broadcast(S, w[wa + j]), a);
                    b = xv.fma(FloatVector.broadcast(S, w[wb + j]), b);
                    c = xv.fma(FloatVector.broadcast(S, w[wc + j]), c);
                    d = xv.fma(FloatVector.broadcast(S, w[wd + j]), d);
                }
                a.intoArray(y, ya + i);
                b.intoArray(y, yb + i);
                c.intoArray(y, yc + i);
                d.intoArray(y, yd + i);
            }
            for (int i = 0; step == 0 && i < batch; i++) {   // a batch below one register
                float a = 0f;
                float b = 0f;
                float c = 0f;
                float d = 0f;
                for (int j = 0; j < k; j++) {
                    float xv = x[base + at[j] + i];
                    a = Math.fma(w[wa + j], xv, a);
                    b = Math.fma(w[wb + j], xv, b);
                    c = Math.fma(w[wc + j], xv, c);
                    d = Math.fma(w[wd + j], xv, d);
                }
                y[ya + i] = (bias == null ? 0f : bias[r]) + a;
                y[yb + i] = (bias == null ? 0f : bias[rb]) + b;
                y[yc + i] = (bias == null ? 0f : bias[rc]) + c;
                y[yd + i] = (bias == null ? 0f : bias[rd]) + d;
            }
        }
    }

    /**
     * {@code y[yOffset + i] = max over k of x[base + at[k] + i]} for {@code i < n} ({@code Math.max}'s values): the
     * max of a pooling window over a batch, one register of the batch at a time with the window walked in it.
     */
    static void maxOver(float[] x, int base, int[] at, float[] y, int yOffset, int n) {
        int l = S.length();
        int i = 0;
        for (; i + l <= n; i += l) {
            FloatVector m = FloatVector.fromArray(S, x, base + at[0] + i);
            for (int k = 1; k < at.length; k++) {
                m = m.max(FloatVector.fromArray(S, x, base + at[k] + i));
            }
            m.intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            float m = x[base + at[0] + i];
            for (int k = 1; k < at.length; k++) {
                m = Math.max(m, x[base + at[k] + i]);
            }
            y[yOffset + i] = m;
        }
    }

    private static FloatVector start(float[] bias, int r) {
        return FloatVector.broadcast(S, bias == null ? 0f : bias[r]);
    }

    private static void store4(float[] y, int p, int l, FloatVector a, FloatVector b, FloatVector c, FloatVector d) {
        a.intoArray(y, p);
        b.intoArray(y, p + l);
        c.intoArray(y, p + 2 * l);
        d.intoArray(y, p + 3 * l);
    }

    /** @return whether a small product comes out as the plain loops compute it (within rounding) */
    static boolean check() {
        int batch = 4 * S.length() + S.length() + 3;
        int[] rowStart = {0, 2, 2, 5};
        char[] column = {0, 3, 1, 2, 3};
        float[] value = {0.5f, -2f, 1.5f, 3f, 0.25f};
        float[] x = new float[4 * batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) - 3;
        }
        float[] bias = {1f, -1f, 0.5f};
        float[] y = new float[3 * batch];
        int[] at = new int[column.length];
        for (int k = 0; k < at.length; k++) {
            at[k] = column[k] * batch;
        }
        multiply(0, 3, rowStart, at, value, x, 0, batch, bias, y, 0, batch);
        for (int r = 0; r < 3; r++) {
            for (int b = 0; b < batch; b++) {
                double expect = bias[r];
                for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                    expect += value[k] * x[column[k] * batch + b];
                }
                if (Math.abs(y[r * batch + b] - expect) > 1e-5) {
                    return false;
                }
            }
        }
        return true;
    }
}
