package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.WeightInput;
import org.prunekit.model.layers.Conv;
import org.prunekit.model.layers.DepthwiseConv;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * What a weight reads ({@link WeightInput}, the calibration hook of each layer kind) and Wanda,
 * against plain-Java references written here: im2col patches and W·X by loops, Wanda scores and
 * per-row masks by hand.
 */
class WandaTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(400).optTestLimit(100).build();
    private static final List<String> AB = List.of("a", "b");

    /** A strided padded conv, then a residual block holding a depthwise conv and a 1x1 conv, then a dense layer. */
    private static Net convNet() {
        return Models.sequential("RC", 2, 6, 6).conv(3, 3, 2, 1).relu()
                .residual(m -> m.depthwiseConv(3, 1, 1).relu().conv(3, 1, 1, 0)).relu().flatten().dense(4).build(5);
    }

    @Test
    void inputColumnsAreTheIm2colPatchesAndWTimesThemIsTheLayerOutput() {
        try (Net net = convNet(); NDManager m = net.manager().newSubManager()) {
            Random r = new Random(3);
            float[] xs = new float[2 * 2 * 6 * 6];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) r.nextGaussian();
            }
            NDArray x = m.create(xs, new Shape(2, 2, 6, 6));
            List<String> names = net.prunableLayers().stream().map(Layer::name).toList();
            assertEquals(4, names.size(), names.toString());
            Map<String, NDArray> in = net.forwardWithInputs(x, names);
            Map<String, NDArray> out = net.forwardWithActivations(x, names);
            assertArrayEquals(xs, in.get(names.get(0)).toFloatArray(), 0f, "the first layer reads the batch");
            for (Layer l : net.prunableLayers()) {
                NDArray input = in.get(l.name());
                WeightInput wi = l.spec().weightInputs(l, input).get(0);
                assertEquals(l.weight(), wi.weight());
                float[] cols = wi.columns().toFloatArray();
                double[][][] expected = reference(l, input.toFloatArray(), input.getShape());
                int k = 0;
                for (double[][] group : expected) {
                    for (double[] row : group) {
                        for (double v : row) {
                            assertEquals(v, cols[k++], 0.0, l.name() + " column value " + (k - 1));
                        }
                    }
                }
                assertEquals(k, cols.length, l.name());
                // W·X (+ bias) is the layer's output, element by element, for every group
                float[] w = l.weightValues();
                float[] b = l.bias() == null ? null : l.biasValues();
                float[] y = out.get(l.name()).toFloatArray();
                int outs = (int) l.weight().getArray().getShape().get(0);
                int per = w.length / outs;
                int groups = expected.length;
                int positions = expected[0].length;
                for (int o = 0; o < outs; o++) {
                    double[][] xg = expected[o / (outs / groups)];
                    for (int p = 0; p < positions; p++) {
                        double s = b == null ? 0 : b[o];
                        for (int j = 0; j < per; j++) {
                            s += w[o * per + j] * xg[p][j];
                        }
                        assertEquals(s, y[outputIndex(out.get(l.name()).getShape(), o, p)], 1e-4,
                                l.name() + " output " + o + " at " + p);
                    }
                }
            }
        }
    }

    /** Index of output {@code o} at position {@code p} (example-major, then pixels) in the layer's output. */
    private static int outputIndex(Shape s, int o, int p) {
        if (s.dimension() == 2) {
            return (int) (p * s.get(1) + o);
        }
        long pixels = s.get(2) * s.get(3);
        long b = p / pixels;
        return (int) ((b * s.get(1) + o) * pixels + p % pixels);
    }

    /** The columns by loops: [group][position][column], positions example-major then output pixel. */
    private static double[][][] reference(Layer l, float[] x, Shape s) {
        if (s.dimension() == 2) {
            double[][] rows = new double[(int) s.get(0)][(int) s.get(1)];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < rows[i].length; j++) {
                    rows[i][j] = x[i * rows[i].length + j];
                }
            }
            return new double[][][] {rows};
        }
        int k;
        int stride;
        int pad;
        boolean depthwise = l.spec() instanceof DepthwiseConv;
        if (depthwise) {
            DepthwiseConv d = (DepthwiseConv) l.spec();
            k = d.kernel();
            stride = d.stride();
            pad = d.padding();
        } else {
            Conv c = (Conv) l.spec();
            k = c.kernelH();
            stride = c.strideH();
            pad = c.padH();
        }
        int b = (int) s.get(0);
        int ch = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (w + 2 * pad - k) / stride + 1;
        int groups = depthwise ? ch : 1;
        int perGroup = ch / groups;
        double[][][] out = new double[groups][b * oh * ow][perGroup * k * k];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int pos = (n * oh + i) * ow + j;
                    for (int c = 0; c < ch; c++) {
                        for (int u = 0; u < k; u++) {
                            for (int v = 0; v < k; v++) {
                                int yy = i * stride - pad + u;
                                int xx = j * stride - pad + v;
                                double val = yy < 0 || xx < 0 || yy >= h || xx >= w ? 0
                                        : x[((n * ch + c) * h + yy) * w + xx];
                                out[c / perGroup][pos][((c % perGroup) * k + u) * k + v] = val;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void wandaScoresAreMagnitudeTimesInputColumnNormByHand() {
        // 2 rows of 3 weights; the input columns have norms 1, 2, 3
        LayerStats s = new LayerStats("fc", new Shape(2, 3), new float[] {-4, 1, 1, 2, -3, 0.5f}, null,
                new float[] {1, 1, 1, 1, 1, 1}, null, null, null, null, null, 1, new float[] {1, 2, 3});
        assertArrayEquals(new float[] {4, 2, 3, 2, 6, 1.5f}, Importance.wanda().weightScores(s), 0f);
        assertArrayEquals(new float[] {9, 9.5f}, Importance.wanda().unitScores(s), 0f);
        // a depthwise conv: 2 channels, each its own 2 columns (norms 1, 10 and 100, 1000)
        LayerStats dw = new LayerStats("dw", new Shape(2, 1, 1, 2), new float[] {1, -1, 2, 3}, null,
                new float[] {1, 1, 1, 1}, null, null, null, null, null, 1, new float[] {1, 10, 100, 1000});
        assertArrayEquals(new float[] {1, 10, 200, 3000}, Importance.wanda().weightScores(dw), 0f);
        // magnitude alone would rank -4 above 2 in row 0 and -3 above 2 in row 1: wanda disagrees
        assertEquals(Scope.ROW, Importance.wanda().preferredScope());
        assertEquals(Scope.ROW, Importance.wanda().named("w").preferredScope());
        LayerStats none = new LayerStats("fc", new Shape(2, 3), s.weight(), null, s.mask(), null, null, null, null,
                null, 1);
        assertThrows(IllegalStateException.class, () -> Importance.wanda().weightScores(none));
    }

    @Test
    void wandaPrunesEachRowByMagnitudeTimesTheNormOfWhatItReads() {
        float[][] rows = {{1, 0, 2, 0.5f}, {3, 0, -1, 0.5f}, {0, 0, 2, -0.5f}};
        ImageSet cal = ImageSet.of("cal", rows, new int[] {0, 1, 0}, AB);
        try (Net net = Models.sequential("W", 4).dense(3).relu().dense(2).build(2)) {
            float[] w1 = {0.5f, 9, 0.2f, 1, -0.1f, 3, 0.3f, -2, 0.7f, -0.6f, 0.05f, 0.4f};
            net.layer("fc1").weight().getArray().set(w1);
            float[] b1 = net.layer("fc1").biasValues();
            // by hand: column norms of the input, then of fc1's ReLU output (what fc2 reads)
            double[] n1 = new double[4];
            double[] n2 = new double[3];
            for (float[] x : rows) {
                for (int j = 0; j < 4; j++) {
                    n1[j] += x[j] * x[j];
                }
                for (int o = 0; o < 3; o++) {
                    double z = b1[o];
                    for (int j = 0; j < 4; j++) {
                        z += w1[o * 4 + j] * x[j];
                    }
                    n2[o] += Math.max(0, z) * Math.max(0, z);
                }
            }
            float[] w2 = net.layer("fc2").weightValues();
            float[] expected1 = rowMask(w1, n1, 4, 2);
            float[] expected2 = rowMask(w2, n2, 3, 2);
            PruningPlan plan = Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.5).build().plan(net,
                    Calibration.builder().setData(cal).optExamples(3).build());
            assertEquals(Scope.ROW, plan.pruner().scope());
            assertArrayEquals(expected1, plan.layers().get(0).mask(), 0f);
            assertArrayEquals(expected2, plan.layers().get(1).mask(), 0f);
            // column 1 is never read (all zero): its large weight 9 goes, though magnitude keeps it
            assertEquals(0f, expected1[1]);
        }
    }

    /** Per row of {@code per} weights, the {@code k} lowest |w|·norm pruned (ties by position). */
    static float[] rowMask(float[] w, double[] norms, int per, int k) {
        float[] mask = new float[w.length];
        for (int row = 0; row < w.length / per; row++) {
            Integer[] order = new Integer[per];
            for (int j = 0; j < per; j++) {
                order[j] = j;
            }
            final int base = row * per;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(w[base + a]) * Math.sqrt(norms[a]),
                    Math.abs(w[base + b]) * Math.sqrt(norms[b])));
            for (int r = k; r < per; r++) {
                mask[base + order[r]] = 1;
            }
        }
        return mask;
    }

    @Test
    void wandaWorksPerRowLayerWiseGloballyNmAndStructuredOnAnMlpAndAResidualCnn() {
        List<Net> nets = List.of(Models.lenet300100(), Models.sequential("ResCNN", 1, 28, 28).conv(8, 3, 1, 1).relu()
                .maxPool(2).residual(8, 1).residual(m -> m.depthwiseConv(3, 1, 1).relu().conv(8, 1, 1, 0)).relu()
                .globalAvgPool().dense(10).build(4));
        Calibration cal = Calibration.builder().setData(DATA).optExamples(64).optSeed(7).build();
        for (Net net : nets) {
            try (net) {
                Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
                try (Net c = net.copy()) {
                    Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.5).build().plan(c, cal).apply();
                    for (Layer l : c.prunableLayers()) {
                        float[] m = c.masks().get(l.weight()).toFloatArray();
                        int rows = (int) l.weight().getArray().getShape().get(0);
                        int per = m.length / rows;
                        for (int row = 0; row < rows; row++) {
                            int zeros = 0;
                            for (int j = 0; j < per; j++) {
                                zeros += m[row * per + j] == 0 ? 1 : 0;
                            }
                            assertEquals(Math.min(per - 1, Selection.count(0.5, per)), zeros, l.name() + " row " + row);
                        }
                    }
                }
                try (Net c = net.copy(); Net mag = net.copy()) {
                    Pruner.builder().setImportance(Importance.wanda()).optGranularity(Granularity.nm(2, 4)).build()
                            .plan(c, cal).apply();
                    Pruner.builder().setImportance(Importance.magnitudeL1()).optGranularity(Granularity.nm(2, 4))
                            .build().plan(mag).apply();
                    boolean differs = false;
                    for (Layer l : c.prunableLayers()) {
                        if (c.masks().get(l.weight()) == null) {
                            continue; // skipped: inputs not a multiple of 4
                        }
                        assertTrue(NmPattern.holds(l.weightValues(), l.weight().getArray().getShape(), 2, 4), l.name());
                        differs |= !java.util.Arrays.equals(c.masks().get(l.weight()).toFloatArray(),
                                mag.masks().get(mag.layer(l.name()).weight()).toFloatArray());
                    }
                    assertTrue(differs, net.name() + ": wanda's 2:4 masks should differ from magnitude's");
                }
                try (Net c = net.copy()) {
                    SparsityReport r = Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.6)
                            .optScope(Scope.GLOBAL).build().plan(c, cal).apply();
                    assertEquals(0.6, r.sparsity(), 0.01);
                }
                try (Net c = net.copy(); Net masked = net.copy()) {
                    Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.25)
                            .optGranularity(Granularity.STRUCTURED).build().plan(c, cal).apply();
                    assertTrue(!c.removePrunedUnits().isEmpty(), net.name());
                }
            }
        }
    }

    @Test
    void perRowScopeThinsEveryRowAlikeAndSaysHowItRounds() {
        try (Net net = Models.sequential("R", 5).dense(4).build(3)) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optScope(Scope.ROW).build().plan(net);
            float[] w = net.layer("fc1").weightValues();
            float[] mask = plan.layers().get(0).mask();
            for (int row = 0; row < 4; row++) {
                // round(0.5 x 5) = 2 (halves to even): the two smallest |w| of the row go
                float[] abs = new float[5];
                for (int j = 0; j < 5; j++) {
                    abs[j] = Math.abs(w[row * 5 + j]);
                }
                float[] sorted = abs.clone();
                java.util.Arrays.sort(sorted);
                for (int j = 0; j < 5; j++) {
                    assertEquals(abs[j] <= sorted[1] ? 0f : 1f, mask[row * 5 + j], "row " + row + " weight " + j);
                }
            }
            assertEquals(8, plan.layers().get(0).prunedAfter());
            assertTrue(plan.notes().get(0).contains("each row prunes round(0.5 x its length)"), plan.notes().toString());
            assertTrue(plan.pruner().label().contains("per row"), plan.pruner().label());
        }
    }

    @Test
    void clearErrors() {
        Pruner p = Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.5).build();
        try (Net net = Models.lenet300100(); Net cnn = Models.lenet5()) {
            assertThrows(IllegalArgumentException.class, () -> p.plan(net));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> p.plan(net, Calibration.builder().setData(ImageSet.of("small", new float[][] {{1, 2}},
                            new int[] {0}, AB)).optExamples(1).build()));
            assertTrue(shape.getMessage().contains("shape"), shape.getMessage());
            assertThrows(IllegalStateException.class, () -> Pruner.builder().setImportance(Importance.wanda())
                    .setSparsity(0.5).optScope(Scope.ROW).optGranularity(Granularity.STRUCTURED).build());
        }
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> Calibration.builder().setData(DATA).optExamples(100_000).build());
        assertTrue(few.getMessage().contains("only 400"), few.getMessage());
        assertEquals("calibration: 128 examples of " + DATA.train().name() + " (seed 42), batches of 32",
                Calibration.of(DATA.train()).toString());
        assertNotEquals(Calibration.of(DATA.train()), Calibration.of(DATA.train()).withSeed(1));
    }
}
