package org.prunekit.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Net;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.LayerStats;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparseGpt;

/**
 * Correct answers to assignment 4 pass; the known wrong answers fail, each with its hint; the
 * checker's own arithmetic agrees with an independent computation (the library's Wanda statistics,
 * the optimality condition of the OBS step, the bigram model's probabilities from its counts).
 */
class Assignment4Test {

    private static Net trained;

    @BeforeAll
    static void trainSmall() {
        trained = Assignment4.REF.setUp(3000, 1000, 3).trained();
    }

    @AfterAll
    static void closeCopy() {
        trained.close();
    }

    private static AssertionError fails(Runnable check) {
        return assertThrows(AssertionError.class, check::run);
    }

    private static float[][] scores(String layer, boolean squared, boolean rowNorm) {
        float[][] w = Assignment4.weights(trained, layer);
        float[][] x = Assignment4.inputs(trained, layer);
        double[] sq = new double[w[0].length];
        for (float[] row : x) {
            for (int j = 0; j < sq.length; j++) {
                sq[j] += row[j] * row[j];
            }
        }
        float[][] s = new float[w.length][w[0].length];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w[i].length; j++) {
                double n = squared ? sq[rowNorm ? i : j] : Math.sqrt(sq[rowNorm ? i : j]);
                s[i][j] = (float) (Math.abs(w[i][j]) * n);
            }
        }
        return s;
    }

    @Test
    void exercise1() {
        float[][] right = scores("fc2", false, false);
        assertEquals(15, Assignment4.check1(right).points());
        AssertionError e = fails(() -> Assignment4.check1(scores("fc2", true, false)));
        assertTrue(e.getMessage().contains("‖X_j‖² (the sum of squares)"), e.getMessage());
        e = fails(() -> Assignment4.check1(scores("fc2", false, true)));
        assertTrue(e.getMessage().contains("output row"), e.getMessage());
        float[][] magnitude = Assignment4.weights(trained, "fc2");
        for (float[] row : magnitude) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.abs(row[j]);
            }
        }
        e = fails(() -> Assignment4.check1(magnitude));
        assertTrue(e.getMessage().contains("plain magnitude"), e.getMessage());
        assertTrue(fails(() -> Assignment4.check1(null)).getMessage().contains("not done yet"));
    }

    @Test
    void checkerScoresEqualTheLibrarysWandaStatistics() {
        // the library measures ‖X_j‖ on the same 128 images (optSamples(128), seed 42 = the calibration's draw)
        LayerStats s = Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.5).optSamples(128).optSeed(42)
                .build().statistics(trained, Assignment4.REF.get().data).get("fc2");
        float[] lib = Importance.wanda().weightScores(s);
        double[][] mine = Given4.wanda(Assignment4.weights(trained, "fc2"), Assignment4.inputs(trained, "fc2"));
        double max = Arrays.stream(mine).flatMapToDouble(Arrays::stream).max().orElseThrow();
        assertTrue(max > 0);
        for (int i = 0; i < lib.length; i++) {
            assertEquals(mine[i / 300][i % 300], lib[i], 1e-5 * max, "weight " + i);
        }
    }

    /** @return the half of the layer's weights with the highest scores, one ranking for the whole layer */
    private static boolean[][] layerHalf(float[][] s) {
        boolean[][] keep = new boolean[s.length][s[0].length];
        int cols = s[0].length;
        IntStream.range(0, s.length * cols).boxed().sorted(Comparator.comparingDouble(k -> -s[k / cols][k % cols]))
                .limit(s.length * cols / 2).forEach(k -> keep[k / cols][k % cols] = true);
        return keep;
    }

    private static boolean[][] perRowHalf(float[][] s) {
        boolean[][] keep = new boolean[s.length][s[0].length];
        for (int i = 0; i < s.length; i++) {
            float[] row = s[i];
            int[] order = IntStream.range(0, row.length).boxed().sorted(Comparator.comparingDouble(j -> -row[j]))
                    .mapToInt(Integer::intValue).toArray();
            for (int k = 0; k < row.length / 2; k++) {
                keep[i][order[k]] = true;
            }
        }
        return keep;
    }

    private static Net pruned(Importance importance, Scope scope) {
        Net n = trained.copy();
        Pruner.Builder b = Pruner.builder().setImportance(importance).setSparsity(0.5);
        if (scope != null) {
            b.optScope(scope);
        }
        b.build().plan(n, Assignment4.calibration()).apply();
        return n;
    }

    @Test
    void exercise2() {
        float[][] s = scores("fc2", false, false);
        boolean[][] right = perRowHalf(s);
        boolean[][] layerWise = layerHalf(s);
        try (Net wanda = pruned(Importance.wanda(), null); Net wandaLayer = pruned(Importance.wanda(), Scope.LAYER);
                Net magnitude = pruned(Importance.magnitudeL1(), null)) {
            Grade g = Assignment4.check2(s, right, wanda);
            assertEquals(20, g.points());
            assertTrue(g.toString().contains("magnitude 50 %"), g.toString());
            AssertionError e = fails(() -> Assignment4.check2(s, layerWise, wanda));
            assertTrue(e.getMessage().contains("ranked the whole layer at once"), e.getMessage());
            e = fails(() -> Assignment4.check2(s, perRowHalf(Assignment4.weights(trained, "fc2")), wanda));
            assertTrue(e.getMessage().contains("lower score than one it drops"), e.getMessage());
            e = fails(() -> Assignment4.check2(s, right, magnitude));
            assertTrue(e.getMessage().contains("your masks are magnitude's"), e.getMessage());
            e = fails(() -> Assignment4.check2(s, right, wandaLayer));
            assertTrue(e.getMessage().contains("rank each layer as a whole"), e.getMessage());
            // judged against the scores it was made from: a mask from exercise 1's wrong scores passes, the checker's
            // own scores are used when there are none
            float[][] squared = scores("fc2", true, false);
            assertEquals(20, Assignment4.check2(squared, perRowHalf(squared), wanda).points());
            assertEquals(20, Assignment4.check2(null, right, wanda).points());
            fails(() -> Assignment4.check2(null, perRowHalf(squared), wanda));
            try (Net blank = trained.copy()) {
                assertTrue(fails(() -> Assignment4.check2(null, null, blank)).getMessage().contains("not done yet"));
            }
        }
    }

    @Test
    void exercise3() {
        float[][] s = Assignment4.nmScores();
        assertEquals(300, s.length);
        assertEquals(784, s[0].length);
        boolean[][] right = new boolean[s.length][s[0].length];
        boolean[][] columns = new boolean[s.length][s[0].length];
        boolean[][] lowest = new boolean[s.length][s[0].length];
        for (int i = 0; i < s.length; i++) {
            for (int g = 0; g < s[i].length; g += 4) {
                int[] o = order(s[i][g], s[i][g + 1], s[i][g + 2], s[i][g + 3]);
                right[i][g + o[0]] = right[i][g + o[1]] = true;
                lowest[i][g + o[2]] = lowest[i][g + o[3]] = true;
            }
        }
        for (int j = 0; j < s[0].length; j++) {
            for (int i = 0; i < s.length; i += 4) {
                int[] o = order(s[i][j], s[i + 1][j], s[i + 2][j], s[i + 3][j]);
                columns[i + o[0]][j] = columns[i + o[1]][j] = true;
            }
        }
        assertEquals(10, Assignment4.check3(right).points());
        AssertionError e = fails(() -> Assignment4.check3(columns));
        assertTrue(e.getMessage().contains("4 consecutive rows of a column"), e.getMessage());
        e = fails(() -> Assignment4.check3(lowest));
        assertTrue(e.getMessage().contains("not the lowest"), e.getMessage());
        assertTrue(fails(() -> Assignment4.check3(null)).getMessage().contains("not done yet"));
    }

    /** @return the indices 0..3 by descending value */
    private static int[] order(float... v) {
        return IntStream.range(0, v.length).boxed().sorted(Comparator.comparingDouble(k -> -v[k]))
                .mapToInt(Integer::intValue).toArray();
    }

    private static double[][] obsStep(double[][] w, double[][] m, boolean byMagnitude, boolean update) {
        double[][] hInv = Assignment4.tinyHessianInverse();
        double[][] out = new double[w.length][];
        for (int r = 0; r < w.length; r++) {
            int q = 0;
            for (int j = 1; j < w[r].length; j++) {
                double sj = byMagnitude ? Math.abs(w[r][j]) : w[r][j] * w[r][j] / hInv[j][j];
                double sq = byMagnitude ? Math.abs(w[r][q]) : w[r][q] * w[r][q] / hInv[q][q];
                q = sj < sq ? j : q;
            }
            out[r] = w[r].clone();
            for (int j = 0; update && j < w[r].length; j++) {
                out[r][j] -= w[r][q] / m[q][q] * m[j][q];
            }
            out[r][q] = 0;
        }
        return out;
    }

    @Test
    void exercise4() {
        double[][] w = Assignment4.tinyWeights();
        double[][] hInv = Assignment4.tinyHessianInverse();
        double[][] h = Given4.tinyHessian();
        double[][] right = obsStep(w, hInv, false, true);
        for (int a = 0; a < 8; a++) {
            for (int b = 0; b < 8; b++) {
                double hh = 0;
                for (int k = 0; k < 8; k++) {
                    hh += h[a][k] * hInv[k][b];
                }
                assertEquals(a == b ? 1 : 0, hh, 1e-9, "(H·H⁻¹)_" + a + b);
            }
        }
        // the OBS step is optimal: δ = Δw minimises δᵀHδ with δ_q = −w_q, so Hδ is zero except at q
        for (int r = 0; r < w.length; r++) {
            int q = -1;
            double[] d = new double[8];
            for (int j = 0; j < 8; j++) {
                d[j] = right[r][j] - w[r][j];
                if (right[r][j] == 0 && w[r][j] != 0) {
                    q = j;
                }
            }
            for (int a = 0; a < 8; a++) {
                double hd = 0;
                for (int b = 0; b < 8; b++) {
                    hd += h[a][b] * d[b];
                }
                if (a != q) {
                    assertEquals(0, hd, 1e-9 * h[a][a], "row " + r + ", (Hδ)_" + a);
                }
            }
        }
        // the exercise tells OBS from magnitude: some row's least-|w| weight is not OBS's choice
        int differ = 0;
        double[][] byMagnitude = obsStep(w, hInv, true, true);
        for (int r = 0; r < w.length; r++) {
            differ += Arrays.equals(right[r], byMagnitude[r]) ? 0 : 1;
        }
        assertTrue(differ >= 1 && differ < w.length, differ + " rows differ");
        try (Net gpt = trained.copy(); Net wanda = pruned(Importance.wanda(), null)) {
            SparseGpt.builder().setSparsity(0.5).build().prune(gpt, Assignment4.calibration());
            Grade g = Assignment4.check4(right, gpt);
            assertEquals(20, g.points());
            assertTrue(g.toString().contains("SparseGPT / magnitude / Wanda"), g.toString());
            AssertionError e = fails(() -> Assignment4.check4(obsStep(w, hInv, false, false), gpt));
            assertTrue(e.getMessage().contains("did not update the others"), e.getMessage());
            e = fails(() -> Assignment4.check4(obsStep(w, h, false, true), gpt));
            assertTrue(e.getMessage().contains("a column of H"), e.getMessage());
            e = fails(() -> Assignment4.check4(obsStep(w, hInv, true, true), gpt));
            assertTrue(e.getMessage().contains("smallest |w|"), e.getMessage());
            e = fails(() -> Assignment4.check4(right, wanda));
            assertTrue(e.getMessage().contains("without SparseGPT's weight update"), e.getMessage());
            try (Net nm = trained.copy()) {
                SparseGpt.builder().optPattern(2, 4).build().prune(nm, Assignment4.calibration());
                e = fails(() -> Assignment4.check4(right, nm));
                assertTrue(e.getMessage().contains("% of the checker's SparseGPT masks kept"), e.getMessage());
            }
            try (Net blank = trained.copy()) {
                assertTrue(fails(() -> Assignment4.check4(null, blank)).getMessage().contains("not done yet"));
            }
        }
    }

    @Test
    void exercise5() {
        float[][] logits = Assignment4.lmLogits();
        int[] y = Assignment4.lmTargets();
        double mean = 0;
        double meanPpl = 0;
        double raw = 0;
        for (int t = 0; t < y.length; t++) {
            double lse = 0;
            for (float z : logits[t]) {
                lse += Math.exp(z);
            }
            double ce = Math.log(lse) - logits[t][y[t]];
            mean += ce / y.length;
            meanPpl += Math.exp(ce) / y.length;
            raw -= logits[t][y[t]] / (double) y.length;
        }
        // independent: softmax of log(1 + count) is the add-one bigram probability (1 + c(a,b)) / Σ_b (1 + c(a,b))
        CorpusSplit text = Datasets.mobyDick().build();
        int v = text.vocabulary().size();
        java.util.Map<Long, Long> pairs = new java.util.HashMap<>();
        long[] fromCount = new long[v];
        int[] train = text.train().tokens();
        for (int t = 1; t < train.length; t++) {
            pairs.merge((long) train[t - 1] * v + train[t], 1L, Long::sum);
            fromCount[train[t - 1]]++;
        }
        int[] test = text.test().tokens();
        double direct = 0;
        for (int t = 0; t < y.length; t++) {
            assertEquals(test[t + 1], y[t]);
            long c = pairs.getOrDefault((long) test[t] * v + test[t + 1], 0L);
            direct -= Math.log((1.0 + c) / (v + fromCount[test[t]])) / y.length;
        }
        assertEquals(direct, mean, 1e-6);   // the given logits are floats
        assertTrue(Math.exp(mean) > 2 && Math.exp(mean) < v, "bigram perplexity " + Math.exp(mean));
        assertEquals(10, Assignment4.check5(Math.exp(mean)).points());
        double ppl = meanPpl;
        AssertionError e = fails(() -> Assignment4.check5(ppl));
        assertTrue(e.getMessage().contains("averaged the per-position perplexities"), e.getMessage());
        double rawPpl = Math.exp(raw);
        e = fails(() -> Assignment4.check5(rawPpl));
        assertTrue(e.getMessage().contains("apply log-softmax"), e.getMessage());
        double ce = mean;
        e = fails(() -> Assignment4.check5(ce));
        assertTrue(e.getMessage().contains("perplexity is its exp"), e.getMessage());
        assertTrue(fails(() -> Assignment4.check5(Double.NaN)).getMessage().contains("not done yet"));
    }

    @Test
    void exercise6() {
        Lm4.reference(1_000, 1);   // small: the checker's model is trained once per JVM
        LmStart lm = Assignment4.languageModel();
        try (Net model = lm.trained()) {
            // importance by hand: the perplexity without each head, with an independent way of removing a head
            // (zeroing its value rows and biases: its attention output is then 0, as with its output columns zeroed)
            double dense = model.perplexity(lm.text().test());
            assertEquals(lm.perplexity(), dense, 1e-9);
            double[][] imp = new double[2][4];
            for (int l = 0; l < 2; l++) {
                for (int h = 0; h < 4; h++) {
                    try (Net without = model.copy()) {
                        for (String key : List.of("weight", "bias")) {
                            var p = without.layer(Assignment4.ATTENTION_LAYERS.get(l) + ".v").parameter(key);
                            float[] v = p.getArray().toFloatArray();
                            int per = v.length / 32;
                            for (int i = h * 8 * per; i < (h + 1) * 8 * per; i++) {
                                v[i] = 0;
                            }
                            p.getArray().set(v);
                        }
                        imp[l][h] = without.perplexity(lm.text().test()) - dense;
                    }
                }
            }
            boolean[][] right = Lm4.keep(imp, Assignment4.HEAD_BUDGET);
            try (Net kept = Assignment4.keepOnly(model, right)) {
                Grade g = Assignment4.check6(imp, right, kept);
                assertEquals(25, g.points(), g.toString());
                assertTrue(g.toString().contains("4 of 8 heads"), g.toString());
            }
            double[][] minus = new double[2][4];
            for (int l = 0; l < 2; l++) {
                for (int h = 0; h < 4; h++) {
                    minus[l][h] = -imp[l][h];
                }
            }
            boolean[][] byLowest = Lm4.keep(minus, Assignment4.HEAD_BUDGET);
            AssertionError e = fails(() -> Assignment4.check6(minus, right, null));
            assertTrue(e.getMessage().contains("subtracted the other way"), e.getMessage());
            try (Net wrong = Assignment4.keepOnly(model, byLowest)) {
                e = fails(() -> Assignment4.check6(imp, byLowest, wrong));
                assertTrue(e.getMessage().contains("keep the heads with the highest importance"), e.getMessage());
            }
            boolean[][] perLayer = new boolean[2][4];   // half of each layer's heads instead of one ranking
            for (int l = 0; l < 2; l++) {
                double[] row = imp[l];
                IntStream.range(0, 4).boxed().sorted(Comparator.comparingDouble(h -> -row[h])).limit(2)
                        .forEach(h -> perLayer[row == imp[0] ? 0 : 1][h] = true);
            }
            if (!Arrays.deepEquals(perLayer, right)) {
                try (Net wrong = Assignment4.keepOnly(model, perLayer)) {
                    fails(() -> Assignment4.check6(imp, perLayer, wrong));
                }
            }
            boolean[][] emptied = {{true, true, true, true}, {false, false, false, false}};
            e = fails(() -> Assignment4.check6(imp, emptied, model));
            assertTrue(e.getMessage().contains("would keep no head") && e.getMessage().contains("is refused"),
                    e.getMessage());
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> Assignment4.keepOnly(model, emptied));
            assertTrue(refused.getMessage().contains("t2_attn.sa would keep no head"), refused.getMessage());
            assertTrue(fails(() -> Assignment4.check6(null, null, null)).getMessage().contains("not done yet"));
        }
    }

    @Test
    void gradebookListsAssignment4() {
        assertEquals(6, Gradebook.of(Assignment4.NAME).rows().size());
        assertEquals(100, Gradebook.of(Assignment4.NAME).max());
    }
}
