package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;
import org.prunekit.model.layers.Embedding;
import org.prunekit.model.layers.TimePool;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;

/**
 * The token layers (embedding, pooling over time) against plain-Java references: forward values,
 * the table's gradient, the error for an id outside the vocabulary, the builder's checks, and
 * structured removal of units computed position by position on a sequence (masked = shrunk).
 */
class TokenLayersTest {

    private static final int VOCAB = 23;
    private static final int T = 9;

    private static float[][] ids(int batch, long seed) {
        Random r = new Random(seed);
        float[][] out = new float[batch][T];
        for (float[] row : out) {
            for (int t = 0; t < T; t++) {
                row[t] = r.nextInt(VOCAB);
            }
        }
        out[0][0] = VOCAB - 1; // the last row of the table is reachable
        out[1][T - 1] = 0;
        return out;
    }

    private static NDArray batch(NDManager m, float[][] ids) {
        float[] flat = new float[ids.length * T];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, flat, i * T, T);
        }
        return m.create(flat, new Shape(ids.length, T));
    }

    /** The reference: look up, pool over time per channel (mean or max), then the dense head. */
    private static double[][] reference(float[][] ids, float[] table, int dims, boolean max, float[] w, float[] b,
            double[][] pooledOut) {
        int classes = b.length;
        double[][] out = new double[ids.length][classes];
        for (int i = 0; i < ids.length; i++) {
            double[] pooled = new double[dims];
            for (int d = 0; d < dims; d++) {
                double acc = max ? Double.NEGATIVE_INFINITY : 0;
                for (int t = 0; t < T; t++) {
                    double v = table[(int) ids[i][t] * dims + d];
                    acc = max ? Math.max(acc, v) : acc + v / T;
                }
                pooled[d] = acc;
            }
            pooledOut[i] = pooled;
            for (int k = 0; k < classes; k++) {
                double s = b[k];
                for (int d = 0; d < dims; d++) {
                    s += w[k * dims + d] * pooled[d];
                }
                out[i][k] = s;
            }
        }
        return out;
    }

    @Test
    void embeddingAndTimePoolingGiveThePlainJavaValues() {
        for (boolean max : new boolean[] {false, true}) {
            NetBuilder b = Models.sequential("Bag", T).embedding(VOCAB, 6);
            try (Net net = (max ? b.timeMaxPool() : b.timePool()).dense(4).build(11);
                    NDManager m = net.manager().newSubManager()) {
                assertEquals(List.of(new Shape(1, T, 6), new Shape(1, 6), new Shape(1, 4)), net.outputShapes());
                float[][] ids = ids(5, 3);
                float[] table = net.layer("embed").weightValues();
                assertEquals(VOCAB * 6, table.length);
                Map<String, NDArray> acts = net.forwardWithActivations(batch(m, ids), List.of("embed", "timepool"));
                double[][] pooled = new double[ids.length][];
                double[][] expected = reference(ids, table, 6, max, net.layer("fc1").weightValues(),
                        net.layer("fc1").biasValues(), pooled);
                float[] embedded = acts.get("embed").toFloatArray();
                assertEquals(new Shape(5, T, 6), acts.get("embed").getShape());
                for (int i = 0; i < ids.length; i++) {
                    for (int t = 0; t < T; t++) {
                        for (int d = 0; d < 6; d++) {
                            assertEquals(table[(int) ids[i][t] * 6 + d], embedded[(i * T + t) * 6 + d], 0f);
                        }
                    }
                }
                float[] p = acts.get("timepool").toFloatArray();
                if (!max) { // the sum over time divided by T: the engine's mean, bit for bit
                    assertArrayEquals(acts.get("embed").mean(new int[] {1}).toFloatArray(), p);
                }
                float[] logits = acts.get("output").toFloatArray();
                for (int i = 0; i < ids.length; i++) {
                    for (int d = 0; d < 6; d++) {
                        assertEquals(pooled[i][d], p[i * 6 + d], 1e-6, "pooled " + i + "," + d + " max=" + max);
                    }
                    for (int k = 0; k < 4; k++) {
                        assertEquals(expected[i][k], logits[i * 4 + k], 1e-5, "logit " + i + "," + k);
                    }
                }
            }
        }
    }

    @Test
    void theTablesGradientIsTheSumOverThePositionsThatReadEachRow() {
        try (Net net = Models.sequential("Bag", T).embedding(VOCAB, 5).timePool().dense(3).build(2);
                NDManager m = net.manager().newSubManager()) {
            float[][] ids = ids(4, 8);
            float[] r = new float[4 * 3];
            for (int i = 0; i < r.length; i++) {
                r[i] = (i % 5) - 2f;
            }
            NDArray table = net.layer("embed").weight().getArray();
            table.setRequiresGradient(true);
            float[] grad;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray out = net.forward(batch(m, ids), true);
                c.backward(out.mul(m.create(r, new Shape(4, 3))).sum());
                grad = table.getGradient().toFloatArray();
            } finally {
                table.setRequiresGradient(false);
                PruneKit.noGrad();
            }
            float[] w = net.layer("fc1").weightValues();
            double[] expected = new double[VOCAB * 5];
            for (int i = 0; i < 4; i++) {
                for (int t = 0; t < T; t++) {
                    for (int d = 0; d < 5; d++) {
                        double g = 0;
                        for (int k = 0; k < 3; k++) {
                            g += r[i * 3 + k] * w[k * 5 + d];
                        }
                        expected[(int) ids[i][t] * 5 + d] += g / T;
                    }
                }
            }
            for (int j = 0; j < expected.length; j++) {
                assertEquals(expected[j], grad[j], 1e-5, "gradient of table entry " + j);
            }
        }
    }

    @Test
    void anIdOutsideTheVocabularyIsNamedWithTheVocabularySize() {
        try (Net net = Models.sequential("Bag", T).embedding(VOCAB, 4).timePool().dense(2).build(1);
                NDManager m = net.manager().newSubManager()) {
            for (float bad : new float[] {VOCAB, -1, 1000}) {
                float[][] ids = ids(3, 1);
                ids[2][4] = bad;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> net.forward(batch(m, ids), false));
                assertTrue(e.getMessage().contains("Token id " + (int) bad + " ")
                        && e.getMessage().contains("vocabulary of " + VOCAB), e.getMessage());
            }
        }
    }

    @Test
    void theBuilderSaysWhereTokenLayersGo() {
        IllegalStateException image = assertThrows(IllegalStateException.class,
                () -> Models.sequential("Img", 1, 28, 28).embedding(10, 4));
        assertTrue(image.getMessage().contains("token ids"), image.getMessage());
        IllegalStateException vector = assertThrows(IllegalStateException.class,
                () -> Models.sequential("Vec", 30).dense(8).timePool());
        assertTrue(vector.getMessage().contains("sequences"), vector.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new Embedding(0, 4));
        assertTrue(zero.getMessage().contains("vocabulary"), zero.getMessage());
        IllegalStateException noHead = assertThrows(IllegalStateException.class,
                () -> Models.sequential("Seq", 8).embedding(10, 4).build());
        assertTrue(noHead.getMessage().contains("dense"), noHead.getMessage());
        try (Net lm = Models.sequential("LM", 8).embedding(10, 4).dense(10).build()) {
            assertEquals(10, lm.numClasses(), "a sequence output has its classes on the last axis");
        }

        try (Net net = Models.sequential("Text", T).embedding(VOCAB, 4).dense(8).relu().timeMaxPool().dense(3)
                .build(4)) {
            assertEquals(net.architecture(), Architecture.parse(net.architecture().encode()));
            assertEquals(new Embedding(VOCAB, 4), net.layer("embed").spec());
            assertEquals(new TimePool(true), net.layer("timepool").spec());
            assertEquals("timepool", net.layer("timepool").kind());
            assertEquals(ChannelRole.TIME_POOL, net.layer("timepool").spec().role());
            assertTrue(net.layer("timepool").spec().isChannelwise(), "zero stays zero");
            assertTrue(!net.layer("embed").isPrunable(), "the table is not pruned by default");
        }
    }

    @Test
    void unitsComputedPositionByPositionOnASequenceAreRemovedWithTheSameOutputs() {
        try (Net net = Models.sequential("SeqMLP", T).embedding(VOCAB, 8).dense(16).relu().timePool().dense(12)
                .relu().dense(3).build(6); NDManager m = net.manager().newSubManager()) {
            ChannelGroups groups = net.channelGroups();
            ChannelGroup seq = groups.of("fc1");
            assertEquals(16, seq.channels(), "the units of a dense layer on a sequence are on its last axis");
            assertTrue(seq.isPrunable(), seq.toString());
            assertEquals(List.of("fc2"), seq.consumers());
            assertEquals(List.of("fc1", "fc2"), groups.prunable().stream().map(ChannelGroup::name).toList());
            // the embedding produces its channels, but on their own (no residual stream) they are not pruned
            assertTrue(!groups.of("embed").isPrunable(), groups.of("embed").toString());

            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
            NDArray x = batch(m, ids(6, 5));
            float[] masked = net.forward(x, false).toFloatArray();
            Map<String, Integer> removed = net.removePrunedUnits();
            assertEquals(Map.of("fc1", 8, "fc2", 6), removed);
            assertEquals(new Shape(8, 8), net.layer("fc1").weight().getArray().getShape());
            assertEquals(new Shape(12 - 6, 8), net.layer("fc2").weight().getArray().getShape());
            assertArrayEquals(masked, net.forward(x, false).toFloatArray(), 1e-5f);
        }
    }
}
