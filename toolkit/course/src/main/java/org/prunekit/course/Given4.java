package org.prunekit.course;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Random;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.Examples;
import org.prunekit.model.Net;
import org.prunekit.prune.Calibration;

/**
 * The data assignment 4 hands out and its checker's own arithmetic, in plain Java doubles: a
 * layer's weights and calibration inputs as matrices, Wanda's scores from them, the tiny layer of
 * the OBS exercise with the inverse of its Hessian, and the character bigram model whose logits
 * exercise 5 turns into a perplexity. The checks recompute from these on the checker's own copy of
 * the model; none of this reads a notebook variable.
 */
final class Given4 {

    /** Rows and columns of the tiny layer of exercise 4, and its calibration examples. */
    static final int TINY_ROWS = 4;
    static final int TINY_COLS = 8;
    static final int TINY_EXAMPLES = 64;

    /** SparseGPT's dampening: λ = this × the mean of the Hessian's diagonal, added to the diagonal. */
    static final double DAMPENING = 0.01;

    /** Positions of the Moby Dick test text whose next character exercise 5 scores. */
    static final int LM_POSITIONS = 2_000;

    private static float[][] lmLogits;
    private static int[] lmTargets;

    private Given4() {}

    /** @return a layer's weight as {@code [row][column]} (a Dense layer: output unit, input feature) */
    static float[][] weights(Net net, String layer) {
        float[] w = net.layer(layer).weightValues();
        int rows = (int) net.layer(layer).weight().getArray().getShape().get(0);
        int cols = w.length / rows;
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, r * cols, out[r], 0, cols);
        }
        return out;
    }

    /** @return what {@code layer} multiplies for each calibration example, {@code [example][column]} */
    static float[][] inputs(Net net, Calibration cal, String layer) {
        Examples images = cal.examplesDrawn();
        int[] order = Examples.inOrder(images.size());
        float[][] out = new float[images.size()][];
        int batch = 64;
        for (int from = 0; from < order.length; from += batch) {
            int to = Math.min(order.length, from + batch);
            try (NDManager m = net.manager().newSubManager()) {
                NDArray x = images.batch(m, order, from, to, net.inputShape()).get(0);
                NDArray in = net.forwardWithInputs(x, List.of(layer)).get(layer);
                int cols = (int) (in.size() / (to - from));
                float[] v = in.toType(DataType.FLOAT32, false).toFloatArray();
                for (int k = 0; k < to - from; k++) {
                    out[from + k] = java.util.Arrays.copyOfRange(v, k * cols, (k + 1) * cols);
                }
            }
        }
        return out;
    }

    /** @return ‖X_j‖₂ per column, in doubles */
    static double[] columnNorms(float[][] x) {
        double[] sq = new double[x[0].length];
        for (float[] row : x) {
            for (int j = 0; j < sq.length; j++) {
                sq[j] += row[j] * (double) row[j];
            }
        }
        for (int j = 0; j < sq.length; j++) {
            sq[j] = Math.sqrt(sq[j]);
        }
        return sq;
    }

    /** @return Wanda's scores |W_ij|·‖X_j‖₂ */
    static double[][] wanda(float[][] w, float[][] x) {
        double[] norms = columnNorms(x);
        double[][] out = new double[w.length][w[0].length];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w[i].length; j++) {
                out[i][j] = Math.abs(w[i][j]) * norms[j];
            }
        }
        return out;
    }

    /** @return the tiny layer's calibration inputs: correlated columns, column 2 on a 20 times larger scale */
    static double[][] tinyInputs() {
        Random r = new Random(2304);
        double[][] mix = new double[3][TINY_COLS];
        for (double[] row : mix) {
            for (int j = 0; j < TINY_COLS; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[][] x = new double[TINY_EXAMPLES][TINY_COLS];
        for (double[] row : x) {
            double[] z = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            for (int j = 0; j < TINY_COLS; j++) {
                row[j] = z[0] * mix[0][j] + z[1] * mix[1][j] + z[2] * mix[2][j] + 0.3 * r.nextGaussian();
            }
            row[2] *= 20;
        }
        return x;
    }

    /** @return the tiny layer's weights, {@code [row][column]}: those of column 2 small, so the smallest |w| is not always OBS's choice */
    static double[][] tinyWeights() {
        Random r = new Random(4711);
        double[][] w = new double[TINY_ROWS][TINY_COLS];
        for (double[] row : w) {
            for (int j = 0; j < TINY_COLS; j++) {
                row[j] = Math.round(r.nextGaussian() * 1000) / 1000.0;
            }
            row[2] = Math.round(row[2] * 100) / 1000.0;   // small weights on the large input
        }
        return w;
    }

    /** @return SparseGPT's Hessian of the tiny layer: H = 2XᵀX + λI, λ = DAMPENING · mean(diag 2XᵀX) */
    static double[][] tinyHessian() {
        double[][] x = tinyInputs();
        int n = TINY_COLS;
        double[][] h = new double[n][n];
        for (double[] row : x) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    h[a][b] += 2 * row[a] * row[b];
                }
            }
        }
        double lambda = DAMPENING * java.util.stream.IntStream.range(0, n).mapToDouble(a -> h[a][a]).average().orElse(0);
        for (int a = 0; a < n; a++) {
            h[a][a] += lambda;
        }
        return h;
    }

    /**
     * The inverse of a symmetric positive definite matrix from its Cholesky factor H = LLᵀ: column k
     * of H⁻¹ solves L·y = e_k, then Lᵀ·x = y (SparseGPT, too, works from a Cholesky factor).
     *
     * @param h the matrix (not changed)
     * @return its inverse
     */
    static double[][] inverse(double[][] h) {
        int n = h.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double dot = h[i][j];
                for (int k = 0; k < j; k++) {
                    dot -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(dot) : dot / l[j][j];
            }
        }
        double[][] inv = new double[n][n];
        for (int col = 0; col < n; col++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double v = i == col ? 1 : 0;
                for (int k = 0; k < i; k++) {
                    v -= l[i][k] * y[k];
                }
                y[i] = v / l[i][i];
            }
            for (int i = n - 1; i >= 0; i--) {
                double v = y[i];
                for (int k = i + 1; k < n; k++) {
                    v -= l[k][i] * inv[k][col];
                }
                inv[i][col] = v / l[i][i];
            }
        }
        return inv;
    }

    /**
     * Removes from each row the weight with the least OBS error w_q²/[H⁻¹]_qq and updates the
     * others by δ = −w_q/[H⁻¹]_qq · H⁻¹_{:,q}.
     *
     * @param w the weights (not changed)
     * @param hInv H⁻¹
     * @param pick per row the column to remove, or null for the OBS choice
     * @return the updated weights, the removed weight exactly 0
     */
    static double[][] obs(double[][] w, double[][] hInv, int[] pick) {
        double[][] out = new double[w.length][];
        for (int r = 0; r < w.length; r++) {
            int q = pick != null ? pick[r] : obsChoice(w[r], hInv);
            out[r] = w[r].clone();
            double f = w[r][q] / hInv[q][q];
            for (int j = 0; j < out[r].length; j++) {
                out[r][j] -= f * hInv[j][q];
            }
            out[r][q] = 0;
        }
        return out;
    }

    /** @return the column of least w_q²/[H⁻¹]_qq */
    static int obsChoice(double[] row, double[][] hInv) {
        int q = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] * row[j] / hInv[j][j] < row[q] * row[q] / hInv[q][q]) {
                q = j;
            }
        }
        return q;
    }

    /** @return per row the column of least |w| */
    static int[] magnitudeChoice(double[][] w) {
        int[] out = new int[w.length];
        for (int r = 0; r < w.length; r++) {
            for (int j = 1; j < w[r].length; j++) {
                out[r] = Math.abs(w[r][j]) < Math.abs(w[r][out[r]]) ? j : out[r];
            }
        }
        return out;
    }

    /** @return ‖(W − W')Xᵀ‖²: how much the layer's outputs on the calibration inputs changed */
    static double outputError(double[][] w, double[][] updated, double[][] x) {
        double sum = 0;
        for (double[] xn : x) {
            for (int r = 0; r < w.length; r++) {
                double d = 0;
                for (int j = 0; j < xn.length; j++) {
                    d += (w[r][j] - updated[r][j]) * xn[j];
                }
                sum += d * d;
            }
        }
        return sum;
    }

    /** Fits the character bigram model on the Moby Dick training text and scores the test text's first positions. */
    private static synchronized void fitBigram() {
        if (lmLogits != null) {
            return;
        }
        CorpusSplit text = Datasets.mobyDick().build();
        int v = text.vocabulary().size();
        long[][] counts = new long[v][v];
        int[] train = text.train().tokens();
        for (int t = 0; t + 1 < train.length; t++) {
            counts[train[t]][train[t + 1]]++;
        }
        int[] test = text.test().tokens();
        float[][] logits = new float[LM_POSITIONS][v];
        int[] targets = new int[LM_POSITIONS];
        for (int t = 0; t < LM_POSITIONS; t++) {
            for (int k = 0; k < v; k++) {
                logits[t][k] = (float) Math.log1p(counts[test[t]][k]);
            }
            targets[t] = test[t + 1];
        }
        lmLogits = logits;
        lmTargets = targets;
    }

    /** @return the bigram model's logits, {@code [position][character]} (a copy) */
    static float[][] lmLogits() {
        fitBigram();
        float[][] out = new float[lmLogits.length][];
        for (int t = 0; t < out.length; t++) {
            out[t] = lmLogits[t].clone();
        }
        return out;
    }

    /** @return the character after each position (a copy) */
    static int[] lmTargets() {
        fitBigram();
        return lmTargets.clone();
    }

    /** @return per position the cross-entropy −log softmax(logits)[target] = logsumexp(logits) − logit of the target, in nats */
    static double[] crossEntropies(float[][] logits, int[] targets) {
        double[] out = new double[targets.length];
        for (int t = 0; t < targets.length; t++) {
            out[t] = logSumExp(logits[t]) - logits[t][targets[t]];
        }
        return out;
    }

    /** @return log Σ_k exp(z_k), shifted by the largest z for safety */
    private static double logSumExp(float[] z) {
        double top = z[0];
        for (float v : z) {
            top = v > top ? v : top;
        }
        final double shift = top;
        return shift + Math.log(java.util.stream.IntStream.range(0, z.length).mapToDouble(k -> Math.exp(z[k] - shift)).sum());
    }
}
