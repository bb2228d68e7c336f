package org.prunekit.sparse;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sparse matrix product of {@link CsrMatrix} on the JDK's Vector API: for each output row and
 * each stretch of four vector registers of the batch, the row's non-zero weights are walked once
 * with the partial sums held in registers (one fused multiply-add per weight and register), and
 * stored once at the end. Loaded only when {@link Simd} finds the module; nothing else may refer to
 * this class.
 */
final class VectorProducts {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorProducts() {}

    /** @return floats per register */
    static int lanes() {
        return S.length();
    }

    /**
     * {@code y = A x + bias} for rows {@code [from, to)} of {@code A}, batch-last: column {@code c} reads
     * {@code x[(firstColumn + c) * batch + b]}, row {@code r} writes {@code y[r * batch + b]}; for a batch of at
     * least {@link #lanes()}.
     */
    static void multiply(int from, int to, int[] rowStart, char[] column, float[] value, float[] x, int firstColumn,
            int batch, float[] bias, float[] y) {
        int l = S.length();
        int base = firstColumn * batch;
        for (int r = from; r < to; r++) {
            int start = rowStart[r];
            int end = rowStart[r + 1];
            float b0 = bias == null ? 0f : bias[r];
            int out = r * batch;
            int i = 0;
            for (; i + 4 * l <= batch; i += 4 * l) {
                FloatVector a0 = FloatVector.broadcast(S, b0);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int k = start; k < end; k++) {
                    FloatVector w = FloatVector.broadcast(S, value[k]);
                    int o = base + column[k] * batch + i;
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
            for (; i + l <= batch; i += l) {
                // one register of the batch: two chains of multiply-adds (even and odd weights), not one
                FloatVector a = FloatVector.broadcast(S, b0);
                FloatVector c = FloatVector.zero(S);
                int k = start;
                for (; k + 1 < end; k += 2) {
                    a = FloatVector.fromArray(S, x, base + column[k] * batch + i).fma(FloatVector.broadcast(S, value[k]),
                            a);
                    c = FloatVector.fromArray(S, x, base + column[k + 1] * batch + i).fma(
                            FloatVector.broadcast(S, value[k + 1]), c);
                }
                if (k < end) {
                    a = FloatVector.fromArray(S, x, base + column[k] * batch + i).fma(FloatVector.broadcast(S, value[k]),
                            a);
                }
                a.add(c).intoArray(y, out + i);
            }
            for (; i < batch; i++) {
                // the last examples one by one: four chains of multiply-adds
                float a0 = 0f;
                float a1 = 0f;
                float a2 = 0f;
                float a3 = 0f;
                int k = start;
                for (; k + 3 < end; k += 4) {
                    a0 = Math.fma(value[k], x[base + column[k] * batch + i], a0);
                    a1 = Math.fma(value[k + 1], x[base + column[k + 1] * batch + i], a1);
                    a2 = Math.fma(value[k + 2], x[base + column[k + 2] * batch + i], a2);
                    a3 = Math.fma(value[k + 3], x[base + column[k + 3] * batch + i], a3);
                }
                for (; k < end; k++) {
                    a0 = Math.fma(value[k], x[base + column[k] * batch + i], a0);
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
        multiply(0, 3, rowStart, column, value, x, 0, batch, bias, y);
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
