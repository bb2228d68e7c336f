package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.train.Agreement;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Sequences {@code (T, C)} carry their channels on the last axis: a dense layer reads and writes
 * them position by position (checked against a plain-Java reference), the channel groups follow
 * them through per-channel layers, residual sums and a flatten (channel {@code c} becomes the
 * features {@code t·C + c}), and structured removal gives the masked net's outputs.
 */
class SequenceChannelsTest {

    static final int T = 6;
    static final int C = 5;

    /**
     * @param n examples
     * @param seed the seed
     * @param t positions
     * @param c channels
     * @return random sequences of shape (t, c), labelled by the sign pattern of two sums (3 classes)
     */
    static ImageSet sequences(int n, long seed, int t, int c) {
        Random r = new Random(seed);
        float[] x = new float[n * t * c];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double a = 0;
            double b = 0;
            for (int j = 0; j < t * c; j++) {
                float v = (float) r.nextGaussian();
                x[i * t * c + j] = v;
                if (j % c == 0) {
                    a += v;
                }
                if (j / c == t / 2) {
                    b += v;
                }
            }
            y[i] = a > 0 ? 0 : b > 0 ? 1 : 2;
        }
        return ImageSet.of("sequences " + seed, x, new Shape(t, c), y, List.of("a", "b", "c"));
    }

    static DataSplit split(int t, int c) {
        return DataSplit.of(sequences(400, 1, t, c), sequences(100, 2, t, c), 50);
    }

    @Test
    void aDenseLayerActsOnTheLastAxisOfASequencePositionByPosition() {
        try (Net net = Models.sequential("Seq", T, C).dense(4).flatten().dense(3).build(7);
                NDManager m = net.manager().newSubManager()) {
            assertEquals(new Shape(1, T, 4), net.outputShapes().get(0));
            float[] w = net.layer("fc1").weightValues();
            float[] b = net.layer("fc1").biasValues();
            float[] x = sequences(2, 3, T, C).batch(m, new int[] {0, 1}, 0, 2, net.inputShape()).get(0).toFloatArray();
            NDArray in = m.create(x, new Shape(2, T, C));
            float[] got = net.forwardWithActivations(in, List.of("fc1")).get("fc1").toFloatArray();
            for (int s = 0; s < 2; s++) {
                for (int t = 0; t < T; t++) {
                    for (int u = 0; u < 4; u++) {
                        double ref = b[u];
                        for (int c = 0; c < C; c++) {
                            ref += (double) w[u * C + c] * x[(s * T + t) * C + c];
                        }
                        assertEquals(ref, got[(s * T + t) * 4 + u], 1e-5, "sample " + s + " position " + t);
                    }
                }
            }
        }
    }

    @Test
    void channelGroupsFollowTheLastAxisThroughResidualSumsAndAFlatten() {
        try (Net net = Models.sequential("SeqRes", T, C).dense(8).relu().residual(m -> m.dense(16).gelu().dense(8))
                .flatten().dense(3).build(7)) {
            ChannelGroups g = net.channelGroups();
            ChannelGroup stream = g.of("fc1");
            assertEquals(8, stream.channels());
            assertEquals(List.of("fc1", "res1.fc2"), stream.producers());
            assertEquals(List.of("res1.fc1", "fc2"), stream.consumers());
            assertTrue(stream.isPrunable(), stream.toString());
            assertEquals(16, g.of("res1.fc1").channels());
            assertTrue(g.of("res1.fc1").isPrunable());
            assertEquals(2, g.prunable().size());
        }
        IllegalStateException bn = assertThrows(IllegalStateException.class,
                () -> Models.sequential("SeqBn", T, C).dense(8).batchNorm());
        assertTrue(bn.getMessage().contains("positions of a sequence"), bn.getMessage());
    }

    @Test
    void flattenedSequenceChannelsAreInterleaved() {
        int[] f = Graph.features(new int[] {0, 2}, 3, 1, 4, true);
        assertEquals(List.of(0, 2, 3, 5, 6, 8, 9, 11), java.util.Arrays.stream(f).boxed().toList());
        int[] image = Graph.features(new int[] {1}, 3, 1, 4, false);
        assertEquals(List.of(4, 5, 6, 7), java.util.Arrays.stream(image).boxed().toList());
        int[] heads = Graph.features(new int[] {1}, 2, 3, 1, false);
        assertEquals(List.of(3, 4, 5), java.util.Arrays.stream(heads).boxed().toList());
    }

    @Test
    void maskedAndShrunkSequenceNetsAgree() throws Exception {
        DataSplit data = split(T, C);
        for (Net net : List.of(
                Models.sequential("SeqMLP", T, C).dense(12).tanh().dense(10).relu().flatten().dense(3).build(3),
                Models.sequential("SeqRes", T, C).dense(8).relu().residual(m -> m.dense(16).gelu().dense(8))
                        .dropout(0.1).flatten().dense(3).build(3))) {
            try (net) {
                Training.fit(net, data, TrainConfig.epochs(2), Progress.none());
                long before = net.parameterCount();
                // a criterion without data, and one that reads the activations (pooled over positions)
                Importance criterion = net.name().equals("SeqMLP") ? Importance.magnitudeL1() : Importance.apoz();
                Pruner.builder().setImportance(criterion).setSparsity(0.5).optSamples(100)
                        .optGranularity(Granularity.STRUCTURED).build().plan(net, data).apply();
                try (Net masked = net.copy()) {
                    var removed = net.removePrunedUnits();
                    assertTrue(!removed.isEmpty(), net.name());
                    Agreement.of(masked, net, data.test()).requireWithin(1e-5);
                }
                assertTrue(net.parameterCount() < before, net.summary());
                Shape last = net.inputShapeOf(net.prunableLayers().get(net.prunableLayers().size() - 1).name());
                assertEquals(0, last.get(1) % T, "the head reads whole positions: " + last);
                assertEquals(net.originalWeights().get("fc1"), (long) C * (net.name().equals("SeqMLP") ? 12 : 8),
                        "a dense layer on a sequence has C inputs per unit");
            }
        }
    }
}
