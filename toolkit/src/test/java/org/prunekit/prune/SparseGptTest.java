package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * SparseGPT against a plain-Java double reference written here: the optimal-brain-surgeon update
 * column by column with the inverse of the Hessian restricted to the columns not yet processed
 * (computed by Gauss-Jordan elimination, no Cholesky, no blocks, no lazy updates), a brute-force
 * search over every mask of a tiny layer, and masks without update on the same budget.
 */
class SparseGptTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(400).optTestLimit(100).build();
    private static final List<String> AB = List.of("a", "b");

    /** A tiny dense layer (rows x cols) with seeded weights, and a calibration set of seeded inputs. */
    private record Tiny(Net net, ImageSet cal, double[][] x) {}

    private static Tiny tiny(int rows, int cols, int examples, long seed) {
        Random r = new Random(seed);
        float[][] in = new float[examples][cols];
        double[][] x = new double[examples][cols];
        for (int e = 0; e < examples; e++) {
            for (int j = 0; j < cols; j++) {
                // correlated inputs, so that the update matters
                in[e][j] = (float) (r.nextGaussian() + (j > 0 ? 0.7 * in[e][j - 1] : 0));
                x[e][j] = in[e][j];
            }
        }
        Net net = Models.sequential("tiny", cols).dense(rows).build(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        net.layer("fc1").weight().getArray().set(w);
        return new Tiny(net, ImageSet.of("tiny inputs", in, new int[examples], AB), x);
    }

    /** H = 2XᵀX/N + λ·mean(diag)·I. */
    private static double[][] hessian(double[][] x, double lambda) {
        int n = x[0].length;
        double[][] h = new double[n][n];
        for (double[] row : x) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    h[a][b] += 2 * row[a] * row[b] / x.length;
                }
            }
        }
        double mean = 0;
        for (int a = 0; a < n; a++) {
            mean += h[a][a] / n;
        }
        for (int a = 0; a < n; a++) {
            h[a][a] += lambda * mean;
        }
        return h;
    }

    /** The inverse of h restricted to rows and columns from..n-1, by Gauss-Jordan elimination. */
    private static double[][] inverseFrom(double[][] h, int from) {
        int n = h.length - from;
        double[][] a = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = h[from + i][from + j];
            }
            a[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            double p = a[c][c];
            for (int j = 0; j < 2 * n; j++) {
                a[c][j] /= p;
            }
            for (int i = 0; i < n; i++) {
                if (i != c) {
                    double f = a[i][c];
                    for (int j = 0; j < 2 * n; j++) {
                        a[i][j] -= f * a[c][j];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], n, inv[i], 0, n);
        }
        return inv;
    }

    /**
     * The reference SparseGPT: per block, the mask by w²/[H_F⁻¹]_00 (F = the columns from j on) of
     * the weights as they are when the block starts; then column by column, a pruned weight's
     * OBS update of every later column: w_F -= w_j/[H_F⁻¹]_00 · [H_F⁻¹]_0,·.
     *
     * @return the mask; {@code w} is updated in place
     */
    private static float[] reference(double[][] w, double[][] h, double sparsity, int block) {
        int rows = w.length;
        int n = h.length;
        float[] mask = new float[rows * n];
        java.util.Arrays.fill(mask, 1f);
        double[][][] inv = new double[n][][];
        for (int j = 0; j < n; j++) {
            inv[j] = inverseFrom(h, j);
        }
        for (int i1 = 0; i1 < n; i1 += block) {
            int i2 = Math.min(n, i1 + block);
            double[] score = new double[rows * (i2 - i1)];
            for (int r = 0; r < rows; r++) {
                for (int j = i1; j < i2; j++) {
                    score[r * (i2 - i1) + j - i1] = w[r][j] * w[r][j] / inv[j][0][0];
                }
            }
            boolean[] drop = Selection.lowest(score, (int) Selection.count(sparsity, score.length));
            for (int r = 0; r < rows; r++) {
                for (int j = i1; j < i2; j++) {
                    mask[r * n + j] = drop[r * (i2 - i1) + j - i1] ? 0 : 1;
                }
            }
            for (int j = i1; j < i2; j++) {
                for (int r = 0; r < rows; r++) {
                    if (mask[r * n + j] == 0) {
                        double f = w[r][j] / inv[j][0][0];
                        for (int k = j; k < n; k++) {
                            w[r][k] -= f * inv[j][0][k - j];
                        }
                        w[r][j] = 0;
                    }
                }
            }
        }
        return mask;
    }

    @Test
    void matchesTheColumnByColumnObsReferenceWithAndWithoutBlocks() {
        for (int block : new int[] {16, 4, 3}) {
            Tiny t = tiny(5, 12, 40, 11 + block);
            try (Net net = t.net()) {
                float[] w = net.layer("fc1").weightValues();
                double[][] ref = new double[5][12];
                for (int r = 0; r < 5; r++) {
                    for (int j = 0; j < 12; j++) {
                        ref[r][j] = w[r * 12 + j];
                    }
                }
                float[] refMask = reference(ref, hessian(t.x(), 0.01), 0.5, block);
                SparseGpt.builder().setSparsity(0.5).optBlockSize(block).build().prune(net,
                        Calibration.builder().setData(t.cal()).optExamples(40).build());
                Layer l = net.layer("fc1");
                assertArrayEquals(refMask, net.masks().get(l.weight()).toFloatArray(), 0f, "block " + block);
                float[] got = l.weightValues();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(ref[i / 12][i % 12], got[i], 1e-5, "block " + block + " weight " + i);
                }
            }
        }
    }

    @Test
    void theFactorIsTheUpperCholeskyOfTheInverse() {
        Tiny t = tiny(1, 9, 30, 2);
        t.net().close();
        double[][] h = hessian(t.x(), 0.01);
        int n = h.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                flat[i * n + j] = h[i][j];
            }
        }
        double[] u = Obs.upperCholeskyOfInverse(flat, n);
        double[][] inv = inverseFrom(h, 0);
        for (int i = 0; i < n; i++) {
            assertTrue(u[i * n + i] > 0, "positive diagonal");
            for (int j = 0; j < n; j++) {
                if (j < i) {
                    assertEquals(0, u[i * n + j], 0.0, "upper triangular");
                }
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += u[k * n + i] * u[k * n + j];
                }
                assertEquals(inv[i][j], s, 1e-9 * Math.abs(inv[0][0]) + 1e-12, "UᵀU = H⁻¹ at " + i + "," + j);
            }
        }
    }

    @Test
    void onATinyLayerItLiesBetweenTheBruteForceOptimumAndMagnitude() {
        Tiny t = tiny(1, 8, 30, 5);
        try (Net net = t.net()) {
            float[] w = net.layer("fc1").weightValues();
            double[][] g = hessian(t.x(), 0); // 2XᵀX/N: the error up to a constant factor
            double dense = quad(w, g);
            double best = Double.MAX_VALUE;
            for (int bits = 0; bits < 256; bits++) { // every mask keeping 4 of 8, each with its optimal refit
                if (Integer.bitCount(bits) == 4) {
                    best = Math.min(best, refitError(w, g, bits));
                }
            }
            SparseGptResult r = SparseGpt.builder().setSparsity(0.5).build().prune(net,
                    Calibration.builder().setData(t.cal()).optExamples(30).build());
            SparseGptResult.LayerResult lr = r.layers().get(0);
            assertEquals(4, lr.pruned());
            float[] after = net.layer("fc1").weightValues();
            double[] diff = new double[8];
            for (int j = 0; j < 8; j++) {
                diff[j] = w[j] - after[j];
            }
            double err = quad(diff, g) / dense;
            assertEquals(err, lr.error(), 1e-6, "the reported error is ‖WX − ŴX‖²/‖WX‖²");
            assertTrue(best / dense <= err + 1e-9, "no mask and refit beats the brute-force optimum");
            assertTrue(err < lr.magnitudeError(), r.toString());
            assertTrue(err < lr.wandaError(), r.toString());
        }
    }

    private static double quad(float[] v, double[][] g) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return quad(d, g);
    }

    private static double quad(double[] v, double[][] g) {
        double s = 0;
        for (int a = 0; a < v.length; a++) {
            for (int b = 0; b < v.length; b++) {
                s += v[a] * g[a][b] * v[b];
            }
        }
        return s;
    }

    /** Error of keeping the columns in {@code bits}, refit by least squares: min over ŵ_K of (w−ŵ)ᵀG(w−ŵ). */
    private static double refitError(float[] w, double[][] g, int bits) {
        int n = w.length;
        int[] keep = java.util.stream.IntStream.range(0, n).filter(j -> (bits >> j & 1) == 1).toArray();
        int[] drop = java.util.stream.IntStream.range(0, n).filter(j -> (bits >> j & 1) == 0).toArray();
        // optimal: the kept deltas d_K solve G_KK d_K = -G_KP w_P; error = (w_P, d_K)ᵀ G (w_P, d_K)
        double[][] a = new double[keep.length][keep.length + 1];
        for (int i = 0; i < keep.length; i++) {
            for (int j = 0; j < keep.length; j++) {
                a[i][j] = g[keep[i]][keep[j]];
            }
            for (int p : drop) {
                a[i][keep.length] -= g[keep[i]][p] * w[p];
            }
        }
        double[] d = solve(a);
        double[] full = new double[n];
        for (int p : drop) {
            full[p] = w[p];
        }
        for (int i = 0; i < keep.length; i++) {
            full[keep[i]] = d[i];
        }
        return quad(full, g);
    }

    private static double[] solve(double[][] a) {
        int n = a.length;
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < n; i++) {
                if (i != c) {
                    double f = a[i][c] / a[c][c];
                    for (int j = c; j <= n; j++) {
                        a[i][j] -= f * a[c][j];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a[i][n] / a[i][i];
        }
        return x;
    }

    @Test
    void onATrainedMlpAndAResidualCnnItReconstructsBetterThanMasksAloneUnstructuredAndNm() {
        List<Net> nets = List.of(Models.mlp(128, 64), Models.sequential("ResCNN", 1, 28, 28).conv(8, 3, 1, 1).relu()
                .maxPool(2).residual(8, 1).residual(m -> m.depthwiseConv(3, 1, 1).relu().conv(8, 1, 1, 0)).relu()
                .maxPool(2).flatten().dense(10).build(4));
        Calibration cal = Calibration.builder().setData(DATA).optExamples(128).optSeed(3).build();
        for (Net net : nets) {
            try (net) {
                Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
                for (int[] nm : new int[][] {{0, 0}, {2, 4}, {4, 8}}) {
                    try (Net c = net.copy()) {
                        SparseGpt.Builder b = SparseGpt.builder();
                        if (nm[0] == 0) {
                            b.setSparsity(0.5);
                        } else {
                            b.optPattern(nm[0], nm[1]);
                        }
                        SparseGptResult r = b.build().prune(c, cal);
                        String what = net.name() + " " + r.method();
                        assertTrue(r.toString().contains("rel. error SparseGPT"), r.toString());
                        for (SparseGptResult.LayerResult lr : r.layers()) {
                            Layer l = c.layer(lr.layer());
                            assertEquals(0.5, lr.sparsity(), nm[0] == 0 ? 0.06 : 0, what + " " + lr.layer()); // 4 of 9 per depthwise filter
                            assertTrue(lr.error() < lr.magnitudeError() && lr.error() < lr.wandaError(),
                                    what + "\n" + r);
                            if (nm[0] != 0) {
                                assertTrue(NmPattern.holds(l.weightValues(), l.weight().getArray().getShape(), nm[0],
                                        nm[1]), what + " " + l.name());
                            }
                        }
                        if (nm[0] != 0 && net.name().equals("ResCNN")) {
                            assertTrue(r.skipped().keySet().stream().anyMatch(k -> k.contains("dw")), what + "\n" + r);
                        }
                        // the masks stay through fine-tuning
                        Training.fit(c, DATA, TrainConfig.epochs(1), Progress.none());
                        for (SparseGptResult.LayerResult lr : r.layers()) {
                            Layer l = c.layer(lr.layer());
                            float[] w = l.weightValues();
                            float[] mask = c.masks().get(l.weight()).toFloatArray();
                            assertEquals(lr.pruned(), Granularity.zeros(mask), what + " " + lr.layer());
                            for (int i = 0; i < w.length; i++) {
                                assertTrue(mask[i] != 0 || w[i] == 0, what + " " + lr.layer() + " weight " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void masksCombineWithEarlierOnesAndSequentialIsOptional() {
        Calibration cal = Calibration.builder().setData(DATA).optExamples(64).build();
        try (Net net = Models.mlp(64)) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.3).build().plan(net).apply();
            float[] before = net.masks().get(net.layer("fc1").weight()).toFloatArray();
            SparseGptResult r = SparseGpt.builder().setSparsity(0.5).optSequential(false).optCalibration(cal).build()
                    .prune(net);
            float[] after = net.masks().get(net.layer("fc1").weight()).toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertTrue(before[i] != 0 || after[i] == 0, "weight " + i + " came back");
            }
            assertEquals(0.5, r.sparsity(), 0.01);
            assertTrue(r.method().contains("all layers on dense inputs"), r.method());
        }
    }

    @Test
    void clearErrors() {
        assertThrows(IllegalArgumentException.class, () -> SparseGpt.builder().setSparsity(1.0));
        assertThrows(IllegalArgumentException.class, () -> SparseGpt.builder().optPattern(4, 2));
        assertThrows(IllegalStateException.class, () -> SparseGpt.builder().build());
        assertThrows(IllegalStateException.class, () -> SparseGpt.builder().optPattern(2, 4).optBlockSize(6).build());
        assertThrows(IllegalStateException.class, () -> SparseGpt.builder().optPattern(2, 4).setSparsity(0.7).build());
        Calibration cal = Calibration.builder().setData(DATA).optExamples(32).build();
        try (Net net = Models.sequential("odd", 784).dense(7).relu().dense(10).build(1); Net lenet5 = Models.lenet5()) {
            assertThrows(IllegalStateException.class, () -> SparseGpt.builder().setSparsity(0.5).build().prune(net));
            IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class,
                    () -> SparseGpt.builder().optPattern(2, 4).optLayers("fc2").build().prune(net, cal));
            assertTrue(nothing.getMessage().contains("not a multiple of M = 4"), nothing.getMessage());
            SparseGptResult r = SparseGpt.builder().optPattern(2, 4).build().prune(net, cal);
            assertTrue(r.notes().get(0).startsWith("skipped fc2"), r.notes().toString());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> SparseGpt.builder().setSparsity(0.5).build().prune(lenet5, Calibration.builder()
                            .setData(ImageSet.of("rows", new float[][] {{1, 2}}, new int[] {0}, AB)).optExamples(1)
                            .build()));
            assertTrue(shape.getMessage().contains("shape"), shape.getMessage());
        }
    }
}
