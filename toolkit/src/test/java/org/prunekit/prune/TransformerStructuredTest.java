package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.ChannelGroups;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.SequenceChannelsTest;
import org.prunekit.model.layers.SelfAttention;
import org.prunekit.train.Agreement;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Structured pruning of transformers by channel groups — attention heads, the MLP's hidden units
 * and the residual stream — on two architectures: the masked and the physically shrunk net give
 * the same outputs within 1e-5, and every member of a group shrinks together (a head's q, k, v
 * rows and out columns; the stream's producers, layer norms, position table and readers).
 * Unstructured masks reach the attention projections and stay through training.
 */
class TransformerStructuredTest {

    private static final int T = 8;
    private static final int C = 5;
    private static final DataSplit DATA = SequenceChannelsTest.split(T, C);
    private static final ImageSet PROBE = DATA.test();

    static Map<String, Supplier<Net>> nets() {
        Map<String, Supplier<Net>> n = new LinkedHashMap<>();
        n.put("causal, 2 blocks of 4 heads, flatten and dense head", () -> Models.sequential("GPT", T, C).dense(16)
                .positionEmbedding(T).transformerBlock(4, 32, true).transformerBlock(4, 32, true).layerNorm()
                .flatten().dense(3).build(3));
        n.put("not causal, blocks of 3 and 2 heads of other widths, per-position dense head", () -> Models
                .sequential("Encoder", T, C).dense(12).positionEmbedding(T + 2).transformerBlock(3, 20, false)
                .transformerBlock(2, 24, false).layerNorm().dense(6).gelu().flatten().dense(3).build(3));
        return n;
    }

    static Stream<Arguments> cases() {
        return PruningChecks.at(nets().keySet(), 0.25, 0.5);
    }

    /** @return the net, trained for two epochs on the sequences */
    private static Net trained(String name) {
        Net net = nets().get(name).get();
        Training.fit(net, DATA, TrainConfig.epochs(2), Progress.none());
        return net;
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cases")
    void headsMlpUnitsAndTheStreamShrinkTogetherAndMaskedEqualsShrunk(String name, double sparsity) throws Exception {
        try (Net net = trained(name)) {
            ChannelGroups groups = net.channelGroups();
            // 2 x heads, 2 x MLP, the stream (and the encoder's per-position head layer)
            assertEquals(name.startsWith("causal") ? 5 : 6, groups.prunable().size(), groups.toString());
            Map<String, SelfAttention> attentionBefore = attentions(net);
            long before = net.parameterCount();
            Importance criterion = sparsity < 0.4 ? Importance.magnitudeL1() : Importance.taylor();
            PruningPlan plan = Pruner.builder().setImportance(criterion).setSparsity(sparsity).optSamples(200)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net, DATA);
            assertEquals(groups.prunable().size(), plan.layers().size());
            Map<String, Integer> removed = PruningChecks.applyAndShrink(net, plan, PROBE);
            assertTrue(net.parameterCount() < before, net.summary());
            for (LayerPlan p : plan.layers()) {
                ChannelGroup g = groups.named(p.layer());
                int kept = g.channels() - p.prunedAfter();
                assertEquals((long) Math.rint(sparsity * g.channels()), p.prunedAfter(), p.layer()); // half to even
                for (String producer : g.producers()) {
                    assertEquals(p.prunedAfter(), removed.getOrDefault(producer, 0), producer);
                    assertEquals((long) kept * g.width(), net.layer(producer).weight().getArray().getShape().get(0),
                            producer);
                }
                for (String consumer : g.consumers()) {
                    Shape w = net.layer(consumer).weight().getArray().getShape();
                    assertEquals(0, w.get(1) % ((long) kept * g.width()), consumer + " reads " + w);
                    assertTrue(w.get(1) < (long) g.channels() * g.width() * (w.get(1) / ((long) kept * g.width()))
                            + 1, consumer + " reads " + w);
                }
                for (String perChannel : g.perChannel()) {
                    Layer l = net.layer(perChannel);
                    if (l.spec() instanceof org.prunekit.model.layers.PositionEmbedding) {
                        assertEquals(kept, l.parameter("table").getArray().getShape().get(1), perChannel);
                    } else {
                        for (String key : List.of("gamma", "beta", "present")) {
                            assertEquals(kept, l.parameter(key).getArray().getShape().get(0), perChannel + " " + key);
                        }
                    }
                }
                if (g.width() > 1) { // heads: the attention layer now has fewer of them, of the same size
                    String attention = g.producers().get(0).substring(0, g.producers().get(0).lastIndexOf('.'));
                    SelfAttention after = attentions(net).get(attention);
                    assertEquals(kept, after.heads(), attention);
                    assertEquals(attentionBefore.get(attention).headSize(), after.headSize(), attention);
                }
                assertEquals(kept, net.channelGroups().named(p.layer()).channels());
            }
            PruningChecks.copiesSavesLoadsAndTrains(net, DATA, PROBE, loaded -> { });
        }
    }

    /** @return each self-attention layer of the net by its full name */
    private static Map<String, SelfAttention> attentions(Net net) {
        Map<String, SelfAttention> out = new LinkedHashMap<>();
        collect(net.architecture().layers(), "", out);
        return out;
    }

    private static void collect(List<org.prunekit.model.Architecture.Entry> entries, String prefix,
            Map<String, SelfAttention> out) {
        for (var e : entries) {
            if (e.spec() instanceof SelfAttention a) {
                out.put(prefix + e.name(), a);
            }
            for (var branch : e.spec().branches()) {
                collect(branch, prefix + e.name() + ".", out);
            }
        }
    }

    @Test
    void headsAloneMlpAloneAndTheStreamAloneCanBeRemoved() {
        for (String[] target : List.of(new String[] {"t1_attn.sa.q", "t2_attn.sa.k"},
                new String[] {"t1_mlp.fc1", "t2_mlp.fc1"}, new String[] {"fc1"})) {
            try (Net net = nets().get("causal, 2 blocks of 4 heads, flatten and dense head").get()) {
                Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
                Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.5).optLayers(target)
                        .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
                try (Net masked = net.copy()) {
                    Map<String, Integer> removed = net.removePrunedUnits();
                    Agreement.of(masked, net, PROBE).requireWithin(1e-5);
                    ChannelGroup g = masked.channelGroups().of(target[0]);
                    assertEquals(g.channels() / 2, removed.get(g.producers().get(0)), List.of(target).toString());
                    assertEquals(g.producers().size() * (target.length == 2 ? 2 : 1), removed.size(),
                            "only the targets shrink: " + removed);
                }
            }
        }
    }

    @Test
    void groupScoresOfHeadsSumTheirRowsAndAverageQKV() {
        try (Net net = nets().get("causal, 2 blocks of 4 heads, flatten and dense head").get()) {
            float[] heads = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().scores(net, null).get("t1_attn.sa.q");
            assertEquals(4, heads.length);
            for (int h = 0; h < 4; h++) {
                double expected = 0;
                for (String p : List.of("q", "k", "v")) {
                    Layer l = net.layer("t1_attn.sa." + p);
                    float[] w = l.weightValues();
                    float[] b = l.biasValues();
                    for (int r = h * 4; r < (h + 1) * 4; r++) {
                        for (int j = 0; j < 16; j++) {
                            expected += Math.abs(w[r * 16 + j]) / 3;
                        }
                    }
                }
                assertEquals(expected, heads[h], 1e-4 * expected, "head " + h);
            }
        }
    }

    @Test
    void unstructuredMasksReachTheProjectionsAndStayThroughTraining() {
        try (Net net = nets().get("not causal, blocks of 3 and 2 heads of other widths, per-position dense head")
                .get()) {
            SparsityReport r = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).build()
                    .plan(net).apply();
            List<String> layers = r.rows().stream().map(SparsityReport.Row::layer).toList();
            assertTrue(layers.containsAll(List.of("t1_attn.sa.q", "t1_attn.sa.k", "t1_attn.sa.v", "t1_attn.sa.out",
                    "t2_mlp.fc2")), layers.toString());
            for (SparsityReport.Row row : r.rows()) {
                assertEquals(0.5, row.sparsity(), 0.02, row.layer());
            }
            try (Net nm = net.copy()) {
                nm.clearMasks();
                Pruner.builder().setImportance(Importance.magnitudeL1()).optGranularity(Granularity.nm(2, 4)).build()
                        .plan(nm).apply();
                float[] q = nm.layer("t2_attn.sa.q").weightValues();
                for (int i = 0; i < q.length; i += 4) {
                    int zeros = 0;
                    for (int j = i; j < i + 4; j++) {
                        zeros += q[j] == 0 ? 1 : 0;
                    }
                    assertTrue(zeros >= 2, "2:4 in the query projection at " + i);
                }
            }
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            for (String layer : List.of("t1_attn.sa.q", "t1_attn.sa.out", "t2_attn.sa.v")) {
                float[] w = net.layer(layer).weightValues();
                float[] m = net.masks().get(net.layer(layer).weight()).toFloatArray();
                int zeros = 0;
                for (int i = 0; i < w.length; i++) {
                    assertTrue(m[i] != 0 || w[i] == 0, layer + " weight " + i + " came back in training");
                    zeros += m[i] == 0 ? 1 : 0;
                }
                assertEquals(w.length / 2, zeros, 1, layer);
            }
        }
    }

    /** Token ids in [0, vocabulary) as floats (T per example), labelled by which of three ids is most frequent. */
    private static ImageSet tokens(int n, long seed, int vocabulary) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n * T];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int[] count = new int[3];
            for (int t = 0; t < T; t++) {
                int id = r.nextInt(vocabulary);
                x[i * T + t] = id;
                if (id < 3) {
                    count[id]++;
                }
            }
            y[i] = count[0] >= count[1] && count[0] >= count[2] ? 0 : count[1] >= count[2] ? 1 : 2;
        }
        return ImageSet.of("tokens " + seed, x, new Shape(T), y, List.of("a", "b", "c"));
    }

    @Test
    void anEmbeddingsColumnsGoWithTheResidualStreamOfATokenTransformer() {
        int vocabulary = 11;
        DataSplit data = DataSplit.of(tokens(300, 1, vocabulary), tokens(80, 2, vocabulary), 50);
        try (Net net = Models.sequential("TokenGPT", T).embedding(vocabulary, 12).positionEmbedding(T)
                .transformerBlock(3, 16, true).layerNorm().timePool().dense(3).build(5)) {
            Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
            ChannelGroup stream = net.channelGroups().of("embed");
            assertEquals(List.of("embed", "t1_attn.sa.out", "t1_mlp.fc2"), stream.producers());
            assertEquals(List.of("pos", "t1_attn.ln", "t1_mlp.ln", "ln1"), stream.perChannel());
            assertTrue(stream.isPrunable(), stream.toString());
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optLayers("t1_attn.sa.out").optGranularity(Granularity.STRUCTURED).build().plan(net);
            Map<String, Integer> removed = PruningChecks.applyAndShrink(net, plan, data.test());
            assertEquals(6, removed.get("embed"));
            assertEquals(new Shape(vocabulary, 6), net.layer("embed").weight().getArray().getShape());
            assertEquals(new Shape(T, 6), net.layer("pos").parameter("table").getArray().getShape());
            assertEquals(new Shape(3, 6), net.layer("fc1").weight().getArray().getShape());
            assertEquals(6, net.channelGroups().of("embed").channels());
        }
        // on its own (no dense producer joins it) an embedding's group is not pruned
        try (Net classifier = Models.sequential("Bag", T).embedding(vocabulary, 8).timePool().dense(6).relu().dense(3)
                .build(5)) {
            ChannelGroup alone = classifier.channelGroups().of("embed");
            assertTrue(!alone.isPrunable() && alone.notPrunableBecause().contains("only from embedding"),
                    alone.toString());
            assertEquals(List.of("fc1"), classifier.channelGroups().prunable().stream().map(ChannelGroup::name)
                    .toList());
        }
    }

    @Test
    void wandaScoresTheOutputProjectionByTheHeadsResults() {
        try (Net net = nets().get("causal, 2 blocks of 4 heads, flatten and dense head").get();
                ai.djl.ndarray.NDManager m = net.manager().newSubManager()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            ImageSet calibration = DATA.train().select(java.util.stream.IntStream.range(0, 16).toArray(), "calib");
            // what q, k and v read (the block's layer norm output), by the net's own layer-by-layer run
            float[] x = net.forwardWithInputs(calibration.batch(m, java.util.stream.IntStream.range(0, 16).toArray(),
                    0, 16, net.inputShape()).get(0), List.of("t1_attn.sa.q")).get("t1_attn.sa.q").toFloatArray();
            double[] in = org.prunekit.model.TransformerLayersTest.toDouble(x);
            double[][] qkv = new double[3][];
            String[] names = {"q", "k", "v"};
            for (int i = 0; i < 3; i++) {
                Layer l = net.layer("t1_attn.sa." + names[i]);
                qkv[i] = org.prunekit.model.TransformerLayersTest.dense(in, 16, l.weightValues(), l.biasValues());
            }
            double[] heads = org.prunekit.model.TransformerLayersTest.attention(qkv[0], qkv[1], qkv[2], 16, T, 4, 4,
                    true);
            double[] norm = new double[16];
            for (int i = 0; i < heads.length; i++) {
                norm[i % 16] += heads[i] * heads[i];
            }
            float[] w = net.layer("t1_attn.sa.out").weightValues();
            Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.5).optLayers("t1_attn.sa.out").build()
                    .plan(net, calibration).apply();
            float[] mask = net.masks().get(net.layer("t1_attn.sa.out").weight()).toFloatArray();
            for (int row = 0; row < 16; row++) {
                double[] score = new double[16];
                for (int j = 0; j < 16; j++) {
                    score[j] = Math.abs(w[row * 16 + j]) * Math.sqrt(norm[j]);
                }
                double[] sorted = score.clone();
                java.util.Arrays.sort(sorted);
                for (int j = 0; j < 16; j++) {
                    assertEquals(score[j] > sorted[7] ? 1f : 0f, mask[row * 16 + j], "row " + row + " column " + j);
                }
            }
        }
    }

    @Test
    void sparseGptReachesEveryProjectionOfBothBlocksAndReconstructsBetterThanMagnitude() {
        try (Net net = nets().get("causal, 2 blocks of 4 heads, flatten and dense head").get()) {
            Training.fit(net, DATA, TrainConfig.epochs(2), Progress.none());
            ImageSet calibration = DATA.train().select(java.util.stream.IntStream.range(0, 64).toArray(), "calib");
            try (Net dense = net.copy()) {
                SparseGptResult r = SparseGpt.builder().setSparsity(0.5).build().prune(net,
                        Calibration.builder().setData(calibration).optExamples(64).build());
                List<String> layers = r.layers().stream().map(SparseGptResult.LayerResult::layer).toList();
                assertTrue(layers.containsAll(List.of("t1_attn.sa.q", "t1_attn.sa.k", "t1_attn.sa.v", "t1_attn.sa.out",
                        "t2_attn.sa.out", "t2_mlp.fc1")), layers.toString());
                double error = r.layers().stream().mapToDouble(SparseGptResult.LayerResult::error).sum();
                double magnitudeError = r.layers().stream().mapToDouble(SparseGptResult.LayerResult::magnitudeError)
                        .sum();
                assertTrue(error < magnitudeError, r.toString());
                float[] q = net.layer("t2_attn.sa.q").weightValues();
                long zeros = java.util.stream.IntStream.range(0, q.length).filter(i -> q[i] == 0).count();
                assertEquals(q.length / 2, zeros, "half of the query projection's weights");
                assertTrue(Double.isFinite(Agreement.of(dense, net, PROBE).maxDifference()));
            }
        }
    }
}
