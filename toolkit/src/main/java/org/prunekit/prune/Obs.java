package org.prunekit.prune;

/**
 * The linear algebra of SparseGPT (Frantar and Alistarh 2023), in plain Java doubles: layer-wise
 * optimal brain surgery with the inverse Hessian of the calibration inputs, columns processed in
 * blocks, adaptive mask selection per block, and the update of the remaining weights. Matrices
 * are row-major {@code double[]}; the layers here are at most a few thousand columns wide.
 *
 * <p>For a weight {@code W} ({@code rows x n}) and Hessian {@code H = 2XᵀX/N} ({@code n x n}) of
 * one row group:
 * <ol>
 *   <li>columns no input ever reaches ({@code H_jj = 0}) get {@code H_jj = 1} and zero weights;</li>
 *   <li>{@code H += λ·mean(diag H)·I} (dampening);</li>
 *   <li>{@code U} = the upper Cholesky factor of {@code H⁻¹};</li>
 *   <li>per block of {@code B} columns: the mask of the block, by {@code w²/U_jj²}: the
 *       {@code round(s·rows·B)} lowest of the block (unstructured), or in every group of {@code M}
 *       consecutive columns the {@code M−N} lowest of each row (N:M, chosen when the group's
 *       first column is reached); then column by column, the pruned weights are set to zero and
 *       their error {@code (w−q)/U_jj} is spread over the later columns of the block through row
 *       {@code j} of {@code U}, and, after the block, over all later columns.</li>
 * </ol>
 * Weights pruned before (mask 0) are pruned first and count towards the budget.
 */
final class Obs {

    private Obs() {}

    /**
     * Prunes one row group in place.
     *
     * @param w the weights, {@code rows x n}, changed: pruned weights 0, the others updated
     * @param alive the current mask per weight (0 = pruned before), {@code rows x n}
     * @param gram {@code XᵀX}, {@code n x n} (not changed)
     * @param positions how many input vectors {@code gram} sums over
     * @param rows the rows
     * @param n the columns
     * @param sparsity the share to prune (unstructured; ignored for N:M)
     * @param keepN N of N:M, or 0 for unstructured
     * @param m M of N:M
     * @param blockSize columns per block (a multiple of M for N:M)
     * @param dampening λ
     * @return the new mask, {@code rows x n}, 1 = keep
     */
    static float[] prune(double[] w, float[] alive, double[] gram, long positions, int rows, int n, double sparsity,
            int keepN, int m, int blockSize, double dampening) {
        double[] h = new double[n * n];
        double scale = 2.0 / Math.max(1, positions);
        double diagSum = 0;
        for (int k = 0; k < h.length; k++) {
            h[k] = gram[k] * scale;
        }
        for (int j = 0; j < n; j++) {
            if (h[j * n + j] == 0) {
                h[j * n + j] = 1;
                for (int r = 0; r < rows; r++) {
                    w[r * n + j] = 0;
                }
            }
            diagSum += h[j * n + j];
        }
        double damp = dampening * diagSum / n;
        for (int j = 0; j < n; j++) {
            h[j * n + j] += damp;
        }
        double[] u = upperCholeskyOfInverse(h, n);
        float[] mask = new float[rows * n];
        java.util.Arrays.fill(mask, 1f);
        double[] err = new double[rows * blockSize];
        for (int i1 = 0; i1 < n; i1 += blockSize) {
            int i2 = Math.min(n, i1 + blockSize);
            int count = i2 - i1;
            if (keepN == 0) {
                blockMask(w, alive, u, mask, rows, n, i1, i2, sparsity);
            }
            for (int i = i1; i < i2; i++) {
                if (keepN != 0 && (i - i1) % m == 0) {
                    groupMask(w, alive, u, mask, rows, n, i, Math.min(i + m, i2), m - keepN);
                }
                double d = u[i * n + i];
                for (int r = 0; r < rows; r++) {
                    double wv = w[r * n + i];
                    double q = mask[r * n + i] == 0 ? 0 : wv;
                    double e = (wv - q) / d;
                    w[r * n + i] = q;
                    err[r * blockSize + (i - i1)] = e;
                    if (e != 0) {
                        for (int j = i + 1; j < i2; j++) {
                            w[r * n + j] -= e * u[i * n + j];
                        }
                    }
                }
            }
            // spread the block's errors over every later column: W[:, i2:] -= Err · U[i1:i2, i2:]
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < count; b++) {
                    double e = err[r * blockSize + b];
                    if (e == 0) {
                        continue;
                    }
                    int urow = (i1 + b) * n;
                    for (int j = i2; j < n; j++) {
                        w[r * n + j] -= e * u[urow + j];
                    }
                }
            }
        }
        return mask;
    }

    /** The block's mask: the round(s·rows·count) lowest w²/U_jj² of the block, weights pruned before first. */
    private static void blockMask(double[] w, float[] alive, double[] u, float[] mask, int rows, int n, int i1, int i2,
            double sparsity) {
        int count = i2 - i1;
        double[] score = new double[rows * count];
        int before = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = i1; j < i2; j++) {
                double d = u[j * n + j];
                double v = w[r * n + j];
                boolean dead = alive[r * n + j] == 0;
                before += dead ? 1 : 0;
                score[r * count + j - i1] = dead ? Double.NEGATIVE_INFINITY : v * v / (d * d);
            }
        }
        int k = (int) Math.max(before, Selection.count(sparsity, (long) rows * count));
        boolean[] drop = Selection.lowest(score, k);
        for (int r = 0; r < rows; r++) {
            for (int j = i1; j < i2; j++) {
                mask[r * n + j] = drop[r * count + j - i1] ? 0f : 1f;
            }
        }
    }

    /** In columns [g, g2) of each row, the {@code prune} lowest w²/U_jj², weights pruned before first. */
    private static void groupMask(double[] w, float[] alive, double[] u, float[] mask, int rows, int n, int g, int g2,
            int prune) {
        double[] score = new double[g2 - g];
        for (int r = 0; r < rows; r++) {
            int before = 0;
            for (int j = g; j < g2; j++) {
                double d = u[j * n + j];
                double v = w[r * n + j];
                boolean dead = alive[r * n + j] == 0;
                before += dead ? 1 : 0;
                score[j - g] = dead ? Double.NEGATIVE_INFINITY : v * v / (d * d);
            }
            boolean[] drop = Selection.lowest(score, Math.max(before, prune));
            for (int j = g; j < g2; j++) {
                mask[r * n + j] = drop[j - g] ? 0f : 1f;
            }
        }
    }

    /**
     * @param h a symmetric positive definite matrix, {@code n x n} (not changed)
     * @param n its size
     * @return the upper triangular {@code U} with {@code UᵀU = h⁻¹}
     * @throws IllegalStateException if {@code h} is not positive definite
     */
    static double[] upperCholeskyOfInverse(double[] h, int n) {
        // With J the reversal of the index order and JHJ = L'L'ᵀ (L' lower): H⁻¹ = (JL'⁻ᵀJ)(JL'⁻¹J),
        // so U = J·L'⁻¹·J is upper triangular with a positive diagonal: the factor sought. One
        // Cholesky and one triangular inverse instead of inverting H and factoring the inverse.
        double[] rev = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                rev[r * n + c] = h[(n - 1 - r) * n + (n - 1 - c)];
            }
        }
        double[] l = transpose(upperCholesky(rev, n), n);
        // invert the lower triangular L' row by row (contiguous row updates)
        double[] li = new double[n * n];
        for (int r = 0; r < n; r++) {
            int row = r * n;
            for (int k = 0; k < r; k++) {
                double f = l[row + k];
                if (f != 0) {
                    int krow = k * n;
                    for (int c = 0; c <= k; c++) {
                        li[row + c] -= f * li[krow + c];
                    }
                }
            }
            double d = l[row + r];
            for (int c = 0; c < r; c++) {
                li[row + c] /= d;
            }
            li[row + r] = 1 / d;
        }
        double[] u = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = r; c < n; c++) {
                u[r * n + c] = li[(n - 1 - r) * n + (n - 1 - c)];
            }
        }
        return u;
    }

    private static double[] transpose(double[] a, int n) {
        double[] t = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                t[c * n + r] = a[r * n + c];
            }
        }
        return t;
    }

    /**
     * @param a a symmetric positive definite matrix, {@code n x n} (its upper triangle is read)
     * @param n its size
     * @return the upper triangular {@code U} with {@code UᵀU = a}, by row updates of the
     *     trailing matrix (contiguous, vectorised)
     * @throws IllegalStateException if {@code a} is not positive definite
     */
    static double[] upperCholesky(double[] a, int n) {
        double[] u = new double[n * n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(a, r * n + r, u, r * n + r, n - r);
        }
        for (int k = 0; k < n; k++) {
            int kr = k * n;
            double p = u[kr + k];
            if (!(p > 0)) {
                throw new IllegalStateException("The dampened Hessian is not positive definite (pivot " + p + " at column "
                        + k + "); raise the dampening (optDampening), e.g. to 0.1.");
            }
            double d = Math.sqrt(p);
            for (int j = k; j < n; j++) {
                u[kr + j] /= d;
            }
            for (int i = k + 1; i < n; i++) {
                double f = u[kr + i];
                if (f == 0) {
                    continue;
                }
                int ir = i * n;
                for (int j = i; j < n; j++) {
                    u[ir + j] -= f * u[kr + j];
                }
            }
        }
        return u;
    }

    /**
     * @param d a matrix, {@code rows x n} row-major (e.g. {@code W − Ŵ}, or {@code W})
     * @param gram {@code XᵀX}, {@code n x n}
     * @param rows the rows
     * @param n the columns
     * @return {@code Σ_r d_r·G·d_rᵀ = ‖dX‖²}: the squared reconstruction error of a difference,
     *     or the output energy of a weight
     */
    static double quadraticSum(double[] d, double[] gram, int rows, int n) {
        final int tile = 16; // rows per pass over G: G is read rows/16 times, in contiguous rows (axpy, vectorised)
        double sum = 0;
        double[] t = new double[tile * n];
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int r1 = Math.min(rows, r0 + tile);
            java.util.Arrays.fill(t, 0);
            for (int i = 0; i < n; i++) {
                int gi = i * n;
                for (int r = r0; r < r1; r++) {
                    double f = d[r * n + i];
                    if (f == 0) {
                        continue;
                    }
                    int tr = (r - r0) * n;
                    for (int j = 0; j < n; j++) {
                        t[tr + j] += f * gram[gi + j];
                    }
                }
            }
            for (int r = r0; r < r1; r++) {
                int tr = (r - r0) * n;
                for (int j = 0; j < n; j++) {
                    sum += t[tr + j] * d[r * n + j];
                }
            }
        }
        return sum;
    }
}
