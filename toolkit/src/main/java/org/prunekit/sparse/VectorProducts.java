package org.prunekit.sparse;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
        multiply(from, to, rowStart, at, value, x, base, len, bias, y, yOffset, yStride, null);
    }

    /**
     * {@link #multiply(int, int, int[], int[], float[], float[], int, int, float[], float[], int, int)} with {@code e}
     * (or null) applied to row {@code r}'s outputs as channel {@code r} while they are in registers, before they are
     * stored: the values of applying it after, with no second pass over the output.
     */
    static void multiply(int from, int to, int[] rowStart, int[] at, float[] value, float[] x, int base,
            int len, float[] bias, float[] y, int yOffset, int yStride, Epilogue e) {
        int l = S.length();
        for (int r = from; r < to; r++) {
            int start = rowStart[r];
            int end = rowStart[r + 1];
            float b0 = bias == null ? 0f : bias[r];
            int out = yOffset + r * yStride;
            float fs = scale(e, r);
            float ft = shift(e, r);
            float ff = floor(e);
            // stretches of eight registers, then one of four, then single registers for the rest, each width a
            // method of its own (in one method the JIT ran out of its node budget and kept partial sums as objects,
            // 3-10x slower); the last register ends at the stretch's end and may overlap the one before (its lanes
            // are computed again): no scalar path for the rest, which the JIT compiles far worse. The rest in single
            // registers, not a last stretch of eight overlapping the one before: one image of LeNet-5's conv2 is 136
            // values, 9 registers' work instead of 16
            int i = 0;
            if (len >= 8 * l) {
                i = len - len % (8 * l);
                row8(at, value, start, end, x, base, i, b0, fs, ft, ff, y, out);
            }
            if (len - i >= 4 * l) {
                row4(at, value, start, end, x, base + i, 4 * l, b0, fs, ft, ff, y, out + i);
                i += 4 * l;
            }
            if (i < len && len >= l) {
                int s = Math.min(i, len - l);
                row1(at, value, start, end, x, base + s, len - s, b0, fs, ft, ff, y, out + s);
            } else if (i < len) {
                rowScalar(at, value, start, end, x, base, len, b0, fs, ft, ff, y, out);
            }
        }
    }

    /**
     * One CSR row over stretches of eight registers ({@code len} a multiple of eight registers): the weight's value
     * and offset, read once, serve twice the multiply-adds of four (1.1-1.3x faster on AVX-512 for LeNet-5's and
     * SmallCNN's convolutions at 64 images). The outputs go through {@code max(v * fs + ft, ff)} (see
     * {@link #scale}) before they are stored.
     */
    private static void row8(int[] at, float[] value, int start, int end, float[] x, int base, int len, float b0,
            float fs, float ft, float ff, float[] y, int out) {
        int l = S.length();
        for (int i = 0; i < len; i += 8 * l) {
            FloatVector a0 = FloatVector.broadcast(S, b0);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            for (int k = start; k < end; k++) {
                FloatVector w = FloatVector.broadcast(S, value[k]);
                int o = base + at[k] + i;
                a0 = FloatVector.fromArray(S, x, o).fma(w, a0);
                a1 = FloatVector.fromArray(S, x, o + l).fma(w, a1);
                a2 = FloatVector.fromArray(S, x, o + 2 * l).fma(w, a2);
                a3 = FloatVector.fromArray(S, x, o + 3 * l).fma(w, a3);
                a4 = FloatVector.fromArray(S, x, o + 4 * l).fma(w, a4);
                a5 = FloatVector.fromArray(S, x, o + 5 * l).fma(w, a5);
                a6 = FloatVector.fromArray(S, x, o + 6 * l).fma(w, a6);
                a7 = FloatVector.fromArray(S, x, o + 7 * l).fma(w, a7);
            }
            int p = out + i;
            a0.mul(fs).add(ft).max(ff).intoArray(y, p);
            a1.mul(fs).add(ft).max(ff).intoArray(y, p + l);
            a2.mul(fs).add(ft).max(ff).intoArray(y, p + 2 * l);
            a3.mul(fs).add(ft).max(ff).intoArray(y, p + 3 * l);
            a4.mul(fs).add(ft).max(ff).intoArray(y, p + 4 * l);
            a5.mul(fs).add(ft).max(ff).intoArray(y, p + 5 * l);
            a6.mul(fs).add(ft).max(ff).intoArray(y, p + 6 * l);
            a7.mul(fs).add(ft).max(ff).intoArray(y, p + 7 * l);
        }
    }

    /** {@link #row8} over stretches of four registers ({@code len} a multiple of four registers). */
    private static void row4(int[] at, float[] value, int start, int end, float[] x, int base, int len, float b0,
            float fs, float ft, float ff, float[] y, int out) {
        int l = S.length();
        for (int i = 0; i < len; i += 4 * l) {
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
            int p = out + i;
            a0.mul(fs).add(ft).max(ff).intoArray(y, p);
            a1.mul(fs).add(ft).max(ff).intoArray(y, p + l);
            a2.mul(fs).add(ft).max(ff).intoArray(y, p + 2 * l);
            a3.mul(fs).add(ft).max(ff).intoArray(y, p + 3 * l);
        }
    }

    /** {@link #row8} over stretches of one register: two chains of multiply-adds (even and odd weights), not one. */
    private static void row1(int[] at, float[] value, int start, int end, float[] x, int base, int len, float b0,
            float fs, float ft, float ff, float[] y, int out) {
        int l = S.length();
        for (int i0 = 0; i0 < len; i0 += l) {
            int i = Math.min(i0, len - l);
            FloatVector a = FloatVector.broadcast(S, b0);
            FloatVector c = FloatVector.zero(S);
            int k = start;
            for (; k + 1 < end; k += 2) {
                a = FloatVector.fromArray(S, x, base + at[k] + i).fma(FloatVector.broadcast(S, value[k]), a);
                c = FloatVector.fromArray(S, x, base + at[k + 1] + i).fma(FloatVector.broadcast(S, value[k + 1]), c);
            }
            if (k < end) {
                a = FloatVector.fromArray(S, x, base + at[k] + i).fma(FloatVector.broadcast(S, value[k]), a);
            }
            a.add(c).mul(fs).add(ft).max(ff).intoArray(y, out + i);
        }
    }

    /** {@link #row8} for a batch below one register, example by example: four chains of multiply-adds. */
    private static void rowScalar(int[] at, float[] value, int start, int end, float[] x, int base, int len,
            float b0, float fs, float ft, float ff, float[] y, int out) {
        for (int i = 0; i < len; i++) {
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
            y[out + i] = finish(b0 + ((a0 + a1) + (a2 + a3)), fs, ft, ff);
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
        denseMultiply(w, from, to, k, at, x, base, len, bias, y, yOffset, yStride, null);
    }

    /** {@link #denseMultiply(float[], int, int, int, int[], float[], int, int, float[], float[], int, int)} with
     *  {@code e} (or null) applied to row {@code r}'s outputs as channel {@code r} before they are stored. */
    static void denseMultiply(float[] w, int from, int to, int k, int[] at, float[] x, int base, int len,
            float[] bias, float[] y, int yOffset, int yStride, Epilogue e) {
        int l = S.length();
        int batch = len;
        // four rows at a time; the last block repeats its last row where three are left (a repeated row computes
        // and stores the same values twice): one code path for every row, the path the JIT compiles best; one or
        // two rows left over stretches of four registers run a block of two
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

            // as in multiply: stretches of four registers, then single registers for the rest, the last one ending
            // at the batch's end
            int four = batch - batch % (4 * l);
            if (four > 0 && to - r <= 2) {
                // one or two rows left: a block of two, not four with the last row repeated (LeNet-5's conv1 has 6
                // filters: 8 rows' work for 6 before)
                int eight = four - four % (8 * l);
                if (eight > 0) {
                    dense2Wide(w, k, at, x, base, eight, bias, r, rb, y, ya, yb);
                }
                if (eight < four) {
                    dense2(w, k, at, x, base + eight, four - eight, bias, r, rb, y, ya + eight, yb + eight);
                }
                four = 0;   // done: the loop below does not run
            }
            for (int i = 0; i < four; i += 4 * l) {
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
            for (int i0 = batch - batch % (4 * l); batch >= l && i0 < batch; i0 += l) {
                int i = Math.min(i0, batch - l);
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
            for (int i = 0; batch < l && i < batch; i++) {   // a batch below one register
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
            // the epilogue over the block's rows just stored (still in the first-level cache), each row once; in the
            // loops above, 16 registers through it made the JIT give up keeping them in registers (10x slower)
            for (int q = r; e != null && q < Math.min(r + 4, to); q++) {
                finish(y, yOffset + q * yStride, batch, scale(e, q), shift(e, q), floor(e));
            }
        }
    }

    /**
     * Rows {@code r} and {@code rb} (the same row for one) of {@link #denseMultiply} over stretches of four registers
     * ({@code batch} a multiple of four registers): every load serves both rows. Where the stretch holds eight
     * registers, {@link #dense2Wide} runs them: eight registers per row share a row's broadcast of its weight among
     * eight loads (two filters over 28 x 28 images, 5 x 5, 64 images: 65 -> 51 us; over 14 x 14 with 6 channels
     * 41 -> 30 us, Zen 5).
     */
    private static void dense2(float[] w, int k, int[] at, float[] x, int base, int batch, float[] bias, int r,
            int rb, float[] y, int ya, int yb) {
        int l = S.length();
        int wa = r * k;
        int wb = rb * k;
        for (int i = 0; i < batch; i += 4 * l) {
            FloatVector a0 = start(bias, r);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = start(bias, rb);
            FloatVector b1 = b0;
            FloatVector b2 = b0;
            FloatVector b3 = b0;
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
            }
            store4(y, ya + i, l, a0, a1, a2, a3);
            store4(y, yb + i, l, b0, b1, b2, b3);
        }
    }

    /**
     * {@link #dense2} over stretches of eight registers ({@code batch} a multiple of eight): a weight's broadcast is
     * shared by eight loads. A method of its own: in one method with the four-register loop, the JIT's node budget ran
     * out and the four-register loop's stores were left as calls (a batch of 64 through a dense layer of 10 rows 2-3x
     * slower).
     */
    private static void dense2Wide(float[] w, int k, int[] at, float[] x, int base, int batch, float[] bias, int r,
            int rb, float[] y, int ya, int yb) {
        int l = S.length();
        int wa = r * k;
        int wb = rb * k;
        for (int i = 0; i < batch; i += 8 * l) {
            FloatVector a0 = start(bias, r);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            FloatVector b0 = start(bias, rb);
            FloatVector b1 = b0;
            FloatVector b2 = b0;
            FloatVector b3 = b0;
            FloatVector b4 = b0;
            FloatVector b5 = b0;
            FloatVector b6 = b0;
            FloatVector b7 = b0;
            for (int c = 0; c < k; c++) {
                int o = base + at[c] + i;
                FloatVector va = FloatVector.broadcast(S, w[wa + c]);
                FloatVector vb = FloatVector.broadcast(S, w[wb + c]);
                FloatVector x0 = FloatVector.fromArray(S, x, o);
                a0 = x0.fma(va, a0);
                b0 = x0.fma(vb, b0);
                FloatVector x1 = FloatVector.fromArray(S, x, o + l);
                a1 = x1.fma(va, a1);
                b1 = x1.fma(vb, b1);
                FloatVector x2 = FloatVector.fromArray(S, x, o + 2 * l);
                a2 = x2.fma(va, a2);
                b2 = x2.fma(vb, b2);
                FloatVector x3 = FloatVector.fromArray(S, x, o + 3 * l);
                a3 = x3.fma(va, a3);
                b3 = x3.fma(vb, b3);
                FloatVector x4 = FloatVector.fromArray(S, x, o + 4 * l);
                a4 = x4.fma(va, a4);
                b4 = x4.fma(vb, b4);
                FloatVector x5 = FloatVector.fromArray(S, x, o + 5 * l);
                a5 = x5.fma(va, a5);
                b5 = x5.fma(vb, b5);
                FloatVector x6 = FloatVector.fromArray(S, x, o + 6 * l);
                a6 = x6.fma(va, a6);
                b6 = x6.fma(vb, b6);
                FloatVector x7 = FloatVector.fromArray(S, x, o + 7 * l);
                a7 = x7.fma(va, a7);
                b7 = x7.fma(vb, b7);
            }
            store4(y, ya + i, l, a0, a1, a2, a3);
            store4(y, ya + i + 4 * l, l, a4, a5, a6, a7);
            store4(y, yb + i, l, b0, b1, b2, b3);
            store4(y, yb + i + 4 * l, l, b4, b5, b6, b7);
        }
    }

    /**
     * Copies {@code rows} rows of {@code width} values, row {@code i} from {@code x[xOffset + i * xStride]} to
     * {@code y[yOffset + i * width]}, whole registers at a time in row order: a row's last register may run into the
     * row after it, which is written after; rows whose registers would reach past {@code y[yOffset + rows * width]}
     * or past {@code x}'s end are copied by {@code System.arraycopy}. For the rows of {@link SparseConv#forwardWide}'s
     * output (LeNet-5's conv2 at one image: 160 rows of 10 values, about 1 us by a {@code System.arraycopy} call
     * each). Masked loads and stores instead measured several times slower on JDK 17.
     */
    static void copyRows(float[] x, int xOffset, int xStride, float[] y, int yOffset, int width, int rows) {
        int l = S.length();
        int span = (width + l - 1) / l * l;   // the registers that cover a row
        int end = yOffset + rows * width;
        for (int i = 0; i < rows; i++) {
            int from = xOffset + i * xStride;
            int to = yOffset + i * width;
            if (to + span > end || from + span > x.length) {
                System.arraycopy(x, from, y, to, width);
                continue;
            }
            for (int j = 0; j < span; j += l) {
                FloatVector.fromArray(S, x, from + j).intoArray(y, to + j);
            }
        }
    }

    /**
     * Max pooling of one image without padding, {@code (channels, height, width)} into {@code (channels, outH, outW)}:
     * per channel and output row, the max over the window's rows (a register of columns at a time) into {@code t},
     * then over the window's columns (shifted loads) into {@code h}, then every {@code stride}-th value of {@code h}
     * is the output row. All with {@code Math.max}'s values and no branch per value (a scalar max per window value
     * took 1-2 ns: 15-38 µs for a 2x2 pool over 16 x 28 x 28, as long as the convolution before it).
     *
     * <p>Rows of {@code width} values lie {@code rowStride} apart and channels {@code channelStride} apart: an image
     * {@code (channels, height, width)} has {@code (height * width, width)}; the output of
     * {@link SparseConv#forwardWide} is pooled where it lies, in rows of the padded width (the values between them
     * never reach an output).
     *
     * @param t scratch, a row and two registers long ({@code width + 2 * lanes()} floats)
     * @param h another
     */
    static void maxPoolImage(float[] x, int channels, int channelStride, int rowStride, int width, int kernel,
            int stride, int outH, int outW, float[] y, float[] t, float[] h) {
        int l = S.length();
        int across = width - kernel + 1;   // the window starts within a row
        for (int c = 0; c < channels; c++) {
            for (int oh = 0; oh < outH; oh++) {
                int row = c * channelStride + oh * stride * rowStride;
                // whole registers, the last one reaching into the next row (a row of 14 or 28 is no multiple of 16):
                // those lanes land in t past the row's end; scalar only where a register would pass x's end
                int p = 0;
                for (; p < width && row + (kernel - 1) * rowStride + p + l <= x.length; p += l) {
                    FloatVector m = FloatVector.fromArray(S, x, row + p);
                    for (int i = 1; i < kernel; i++) {
                        m = m.max(FloatVector.fromArray(S, x, row + i * rowStride + p));
                    }
                    m.intoArray(t, p);
                }
                for (; p < width; p++) {
                    float m = x[row + p];
                    for (int i = 1; i < kernel; i++) {
                        m = Math.max(m, x[row + i * rowStride + p]);
                    }
                    t[p] = m;
                }
                for (p = 0; p < across; p += l) {
                    // past the row's end t holds other values: they reach only h's lanes past across, never read
                    FloatVector m = FloatVector.fromArray(S, t, p);
                    for (int j = 1; j < kernel; j++) {
                        m = m.max(FloatVector.fromArray(S, t, p + j));
                    }
                    m.intoArray(h, p);
                }
                int o = (c * outH + oh) * outW;
                for (int ow = 0; ow < outW; ow++) {
                    y[o + ow] = h[ow * stride];
                }
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

    /**
     * The correlation of two sets of rows, a convolution's weight gradient: for {@code r < m} and {@code c < k},
     * {@code g[r * k + c] = sum over q < rows and i < len of a[aBase + r * aStride + q * aRow + i]
     * * x[xBase + at[c] + q * xRow + i]} ({@code a} the output gradient, {@code x} the padded input read through the
     * offsets of the forward product). Four rows and four columns at a time share every load (16 registers of partial
     * sums), reduced once at the end; {@code len} is a multiple of {@link #lanes()}.
     */
    static void correlate(float[] a, int aBase, int aStride, int aRow, int m, float[] x, int xBase, int[] at, int xRow,
            int k, int rows, int len, float[] g) {
        int l = S.length();
        for (int r = 0; r < m; r += 4) {
            int ra = aBase + r * aStride;
            int rb = aBase + Math.min(r + 1, m - 1) * aStride;
            int rc = aBase + Math.min(r + 2, m - 1) * aStride;
            int rd = aBase + Math.min(r + 3, m - 1) * aStride;
            for (int c = 0; c < k; c += 4) {
                int xa = xBase + at[c];
                int xb = xBase + at[Math.min(c + 1, k - 1)];
                int xc = xBase + at[Math.min(c + 2, k - 1)];
                int xd = xBase + at[Math.min(c + 3, k - 1)];
                FloatVector s00 = FloatVector.zero(S);
                FloatVector s01 = s00;
                FloatVector s02 = s00;
                FloatVector s03 = s00;
                FloatVector s10 = s00;
                FloatVector s11 = s00;
                FloatVector s12 = s00;
                FloatVector s13 = s00;
                FloatVector s20 = s00;
                FloatVector s21 = s00;
                FloatVector s22 = s00;
                FloatVector s23 = s00;
                FloatVector s30 = s00;
                FloatVector s31 = s00;
                FloatVector s32 = s00;
                FloatVector s33 = s00;
                // one loop over every row's stretch (the partial sums stay in registers only across a single loop)
                int ao = 0;
                int xo = 0;
                int i = 0;
                for (int step = 0, steps = rows * (len / l); step < steps; step++) {
                    {
                        FloatVector x0 = FloatVector.fromArray(S, x, xa + xo + i);
                        FloatVector x1 = FloatVector.fromArray(S, x, xb + xo + i);
                        FloatVector x2 = FloatVector.fromArray(S, x, xc + xo + i);
                        FloatVector x3 = FloatVector.fromArray(S, x, xd + xo + i);
                        FloatVector v = FloatVector.fromArray(S, a, ra + ao + i);
                        s00 = x0.fma(v, s00);
                        s01 = x1.fma(v, s01);
                        s02 = x2.fma(v, s02);
                        s03 = x3.fma(v, s03);
                        v = FloatVector.fromArray(S, a, rb + ao + i);
                        s10 = x0.fma(v, s10);
                        s11 = x1.fma(v, s11);
                        s12 = x2.fma(v, s12);
                        s13 = x3.fma(v, s13);
                        v = FloatVector.fromArray(S, a, rc + ao + i);
                        s20 = x0.fma(v, s20);
                        s21 = x1.fma(v, s21);
                        s22 = x2.fma(v, s22);
                        s23 = x3.fma(v, s23);
                        v = FloatVector.fromArray(S, a, rd + ao + i);
                        s30 = x0.fma(v, s30);
                        s31 = x1.fma(v, s31);
                        s32 = x2.fma(v, s32);
                        s33 = x3.fma(v, s33);
                    }
                    i += l;
                    if (i == len) {
                        i = 0;
                        ao += aRow;
                        xo += xRow;
                    }
                }
                // a repeated row or column (the last block) stores the same sums again
                int c1 = Math.min(c + 1, k - 1);
                int c2 = Math.min(c + 2, k - 1);
                int c3 = Math.min(c + 3, k - 1);
                int g0 = r * k;
                int g1 = Math.min(r + 1, m - 1) * k;
                int g2 = Math.min(r + 2, m - 1) * k;
                int g3 = Math.min(r + 3, m - 1) * k;
                g[g0 + c] = s00.reduceLanes(VectorOperators.ADD);
                g[g0 + c1] = s01.reduceLanes(VectorOperators.ADD);
                g[g0 + c2] = s02.reduceLanes(VectorOperators.ADD);
                g[g0 + c3] = s03.reduceLanes(VectorOperators.ADD);
                g[g1 + c] = s10.reduceLanes(VectorOperators.ADD);
                g[g1 + c1] = s11.reduceLanes(VectorOperators.ADD);
                g[g1 + c2] = s12.reduceLanes(VectorOperators.ADD);
                g[g1 + c3] = s13.reduceLanes(VectorOperators.ADD);
                g[g2 + c] = s20.reduceLanes(VectorOperators.ADD);
                g[g2 + c1] = s21.reduceLanes(VectorOperators.ADD);
                g[g2 + c2] = s22.reduceLanes(VectorOperators.ADD);
                g[g2 + c3] = s23.reduceLanes(VectorOperators.ADD);
                g[g3 + c] = s30.reduceLanes(VectorOperators.ADD);
                g[g3 + c1] = s31.reduceLanes(VectorOperators.ADD);
                g[g3 + c2] = s32.reduceLanes(VectorOperators.ADD);
                g[g3 + c3] = s33.reduceLanes(VectorOperators.ADD);
            }
        }
    }

    /** {@code y[i] = max(x[i], 0)} for {@code i < n} ({@code Math.max}'s values). */
    static void relu(float[] x, float[] y, int n) {
        int l = S.length();
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i + l <= n; i += l) {
            FloatVector.fromArray(S, x, i).max(zero).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] = Math.max(x[i], 0f);
        }
    }

    /** {@code dx[i] = y[i] > 0 ? dy[i] : 0} for {@code i < n}: a ReLU's gradient, without a branch per value. */
    static void reluBackward(float[] y, float[] dy, float[] dx, int n) {
        int l = S.length();
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i + l <= n; i += l) {
            VectorMask<Float> on = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, i), on).intoArray(dx, i);
        }
        for (; i < n; i++) {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }

    /**
     * @return {@code sum over i < n of (a[from + i] - ma) * (b[from + i] - mb)} (in two registers of partial sums,
     *     added up in double per register): a variance or a batch norm's scale gradient
     */
    static double centredDot(float[] a, float ma, float[] b, float mb, int from, int n) {
        int l = S.length();
        FloatVector sa = FloatVector.zero(S);
        FloatVector sb = sa;
        double total = 0;
        int i = 0;
        // blocks of at most 4,096 values summed in float, then added up in double
        while (i + 2 * l <= n) {
            int end = Math.min(n - 2 * l + 1, i + 4096);
            for (; i < end; i += 2 * l) {
                FloatVector x = FloatVector.fromArray(S, a, from + i).sub(ma);
                FloatVector y = FloatVector.fromArray(S, b, from + i).sub(mb);
                sa = x.fma(y, sa);
                x = FloatVector.fromArray(S, a, from + i + l).sub(ma);
                y = FloatVector.fromArray(S, b, from + i + l).sub(mb);
                sb = x.fma(y, sb);
            }
            total += sa.add(sb).reduceLanes(VectorOperators.ADD);
            sa = FloatVector.zero(S);
            sb = sa;
        }
        for (; i < n; i++) {
            total += (double) (a[from + i] - ma) * (b[from + i] - mb);
        }
        return total;
    }

    /** @return the sum of {@code x[from .. from + n)} (in four registers of partial sums) */
    static float sum(float[] x, int from, int n) {
        int l = S.length();
        FloatVector a = FloatVector.zero(S);
        FloatVector b = a;
        FloatVector c = a;
        FloatVector d = a;
        int i = 0;
        for (; i + 4 * l <= n; i += 4 * l) {
            a = a.add(FloatVector.fromArray(S, x, from + i));
            b = b.add(FloatVector.fromArray(S, x, from + i + l));
            c = c.add(FloatVector.fromArray(S, x, from + i + 2 * l));
            d = d.add(FloatVector.fromArray(S, x, from + i + 3 * l));
        }
        for (; i + l <= n; i += l) {
            a = a.add(FloatVector.fromArray(S, x, from + i));
        }
        float total = a.add(b).add(c.add(d)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            total += x[from + i];
        }
        return total;
    }

    /**
     * The gradient of a max over windows: for {@code i < n}, {@code dy[yOffset + i]} is added to
     * {@code dx[base + at[k] + i]} for the first {@code k} whose input equals the window's max {@code y[yOffset + i]}
     * (as torch routes it: to the first maximum of the window, in the order of {@code at}).
     */
    static void maxBackward(float[] x, float[] dx, int base, int[] at, float[] y, float[] dy, int yOffset, int n) {
        int l = S.length();
        int i = 0;
        for (; i + l <= n; i += l) {
            FloatVector m = FloatVector.fromArray(S, y, yOffset + i);
            FloatVector g = FloatVector.fromArray(S, dy, yOffset + i);
            VectorMask<Float> taken = S.maskAll(false);
            for (int k = 0; k < at.length; k++) {
                int o = base + at[k] + i;
                VectorMask<Float> first = FloatVector.fromArray(S, x, o).compare(VectorOperators.EQ, m).andNot(taken);
                FloatVector.fromArray(S, dx, o).add(g, first).intoArray(dx, o);
                taken = taken.or(first);
            }
        }
        for (; i < n; i++) {
            float m = y[yOffset + i];
            for (int k = 0; k < at.length; k++) {
                int o = base + at[k] + i;
                if (x[o] == m) {
                    dx[o] += dy[yOffset + i];
                    break;
                }
            }
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

    /*
     * The epilogue of channel r as scale, shift and floor: a register v becomes max(v * scale + shift, floor), one code
     * path with no branch (a branch between vectors made the JIT box them, 10x slower). Without batch normalisation
     * scale 1 and shift -0 (adding -0 keeps every value, -0 included), without a ReLU floor -infinity (Math.max keeps
     * every value, NaN included): the values of Epilogue.apply, or of no epilogue, to the bit.
     */

    private static float scale(Epilogue e, int r) {
        return e != null && e.affine() ? e.scale(r) : 1f;
    }

    private static float shift(Epilogue e, int r) {
        return e != null && e.affine() ? e.shift(r) : -0f;
    }

    private static float floor(Epilogue e) {
        return e != null && e.relu() ? 0f : Float.NEGATIVE_INFINITY;
    }

    /** {@code y[from, from + len)} through {@code max(v * scale + shift, floor)}. */
    private static void finish(float[] y, int from, int len, float scale, float shift, float floor) {
        int l = S.length();
        int i = from;
        for (; i + l <= from + len; i += l) {
            FloatVector.fromArray(S, y, i).mul(scale).add(shift).max(floor).intoArray(y, i);
        }
        for (; i < from + len; i++) {
            y[i] = finish(y[i], scale, shift, floor);
        }
    }

    private static float finish(float v, float scale, float shift, float floor) {
        return Math.max(v * scale + shift, floor);
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
