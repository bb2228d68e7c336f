package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ImageSet;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.ChannelGroups;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Structured pruning by channel groups on every layer kind and on residual nets: masked and
 * physically shrunk nets compute the same outputs, every member of a group shrinks together.
 */
class GroupStructuredTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(500).optTestLimit(200).optBatchSize(50).build();
    /** The images on which nets are compared. */
    private static final ImageSet PROBE = DATA.test().select(IntStream.range(0, 64).toArray(), "MNIST probe");

    /** Architectures covering every layer kind the builder offers, residual forms, the catalogue and an import. */
    static Map<String, Supplier<Net>> nets() {
        Map<String, Supplier<Net>> n = new LinkedHashMap<>();
        n.put("mlp: dense, batch norm, tanh, gelu, leaky relu, dropout", () -> Models.sequential("MLP", 784)
                .dense(64).batchNorm().tanh().dropout(0.2).dense(32).gelu().dense(24).leakyRelu(0.05f).dense(10)
                .build(3));
        n.put("cnn: conv, batch norm, max and average pooling, flatten", () -> Models.sequential("CNN", 1, 28, 28)
                .conv(8, 3, 1, 1).batchNorm().relu().maxPool(2).conv(12, 3).gelu().avgPool(2).flatten().dense(32)
                .relu().dense(10).build(3));
        n.put("cnn: strided conv, global average pooling", () -> Models.sequential("GAP", 1, 28, 28)
                .conv(8, 5).relu().conv(16, 3, 2, 1).batchNorm().relu().globalAvgPool().dense(10).build(3));
        n.put("residual: identity and projection shortcuts", () -> Models.sequential("Res", 1, 28, 28)
                .conv(8, 3, 1, 1).batchNorm().relu().maxPool(2).residual(8, 1).residual(16, 2).globalAvgPool()
                .dense(10).build(3));
        n.put("residual: dense blocks, batch norm inside, dense shortcut", () -> Models.sequential("ResMLP", 784)
                .dense(32).relu().residual(m -> m.dense(32).batchNorm().relu().dense(32)).relu()
                .residual(m -> m.dense(16).relu(), s -> s.dense(16)).relu().dense(10).build(3));
        n.put("depthwise separable (MobileNet style), depthwise in a residual block", () -> Models.sequential("DW",
                1, 28, 28).conv(16, 3, 1, 1).batchNorm().relu().depthwiseConv(3, 1, 1).batchNorm().relu().conv(24, 1, 1, 0)
                .relu().maxPool(2).residual(m -> m.depthwiseConv(3, 1, 1).relu().conv(24, 1, 1, 0).batchNorm()).relu()
                .depthwiseConv(3, 2, 1).relu().globalAvgPool().dense(10).build(3));
        n.put("catalogue: ResNet-8", Models::resNet8);
        n.put("catalogue: LeNet-5", Models::lenet5);
        n.put("catalogue: SmallCNN", Models::smallCnn);
        n.put("catalogue: LeNet-300-100", Models::lenet300100);
        n.put("import: DJL ResNetV1 (relu after the sum)", () -> Net.of(ResNetV1.builder()
                .setImageShape(new Shape(1, 28, 28)).setNumLayers(8).setOutSize(10).build(), new Shape(1, 28, 28), 10));
        return n;
    }

    static Stream<Arguments> cases() {
        return PruningChecks.atTwoSparsities(nets().keySet());
    }


    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cases")
    void maskedAndShrunkNetsAgreeAndEveryGroupMemberShrinks(String name, double sparsity) throws Exception {
        try (Net net = nets().get(name).get()) {
            PruningChecks.Shrunk shrunk = PruningChecks.trainPlanAndShrink(net, DATA, PROBE, sparsity);
            ChannelGroups groups = shrunk.groups();
            PruningPlan plan = shrunk.plan();
            Map<String, Integer> removed = shrunk.removed();
            for (LayerPlan p : plan.layers()) {
                ChannelGroup g = groups.named(p.layer());
                assertEquals(Math.round(sparsity * g.channels()), p.prunedAfter(), p.layer());
                int kept = g.channels() - p.prunedAfter();
                for (String producer : g.producers()) {
                    assertEquals(p.prunedAfter(), removed.get(producer), producer);
                    assertEquals(kept, net.layer(producer).weight().getArray().getShape().get(0), producer);
                }
                for (String perChannel : g.perChannel()) {
                    // a batch norm's scale (features) or a depthwise convolution's filters: first axis per channel
                    long features = net.layer(perChannel).block().getParameters().valueAt(0).getArray().getShape()
                            .get(0);
                    assertEquals(0, features % kept, perChannel);
                    assertTrue(features < g.channels() * (features / kept), perChannel);
                }
                for (String consumer : g.consumers()) {
                    Shape in = net.inputShapeOf(consumer);
                    assertTrue(in.get(1) % kept == 0 && in.get(1) < g.channels() * (in.get(1) / kept) + 1,
                            consumer + " reads " + in);
                }
                assertEquals(kept, net.channelGroups().named(p.layer()).channels());
            }
            PruningChecks.copiesSavesLoadsAndTrains(net, DATA, PROBE, loaded -> { });
        }
    }

    @Test
    void anIdentityShortcutTiesTheStemToTheBlockAndSkipConnectionsChainGroups() {
        try (Net net = Models.resNet8()) {
            ChannelGroups g = net.channelGroups();
            ChannelGroup stem = g.of("conv1");
            assertEquals(List.of("conv1", "res1.conv2"), stem.producers());
            assertEquals(List.of("bn1", "res1.bn2"), stem.perChannel());
            assertEquals(List.of("res1.conv1", "res2.conv1", "res2.sc_conv1"), stem.consumers());
            assertTrue(stem.isCoupled());
            assertEquals(List.of("res2.conv2", "res2.sc_conv1"), g.of("res2.sc_conv1").producers());
            assertEquals(List.of("res1.conv1"), g.of("res1.conv1").producers());
            assertEquals(List.of("fc1"), g.of("res3.conv2").consumers());
            assertTrue(!g.of("fc1").isPrunable() && g.of("fc1").notPrunableBecause().contains("output"));
            assertEquals(6, g.prunable().size());
        }
        // two identity blocks in a row: one group through both
        try (Net net = Models.sequential("Chain", 1, 28, 28).conv(8, 3, 1, 1).residual(8, 1).residual(8, 1)
                .globalAvgPool().dense(10).build()) {
            assertEquals(List.of("conv1", "res1.conv2", "res2.conv2"), net.channelGroups().of("conv1").producers());
        }
    }

    @Test
    void groupScoresAreTheMeanOfTheProducersScores() {
        try (Net net = Models.resNet8()) {
            Pruner pruner = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build();
            float[] group = pruner.scores(net, null).get("conv1");
            float[] stem = l1PerUnit(net.layer("conv1"));
            float[] block = l1PerUnit(net.layer("res1.conv2"));
            for (int c = 0; c < group.length; c++) {
                assertEquals((stem[c] + block[c]) / 2, group[c], 1e-5f);
            }
        }
    }

    private static float[] l1PerUnit(Layer l) {
        float[] w = l.weight().getArray().toFloatArray();
        int units = (int) l.weight().getArray().getShape().get(0);
        float[] out = new float[units];
        for (int i = 0; i < w.length; i++) {
            out[i / (w.length / units)] += Math.abs(w[i]);
        }
        return out;
    }

    static final List<Importance> CRITERIA = List.of(Importance.magnitudeL1(), Importance.magnitudeL2(),
            Importance.random(1), Importance.gradient(), Importance.gradientSquared(), Importance.taylor(),
            Importance.hessianDiagonal(), Importance.entropy(), Importance.apoz(), Importance.fpgm(), Importance.lamp());

    @ParameterizedTest(name = "{0}")
    @MethodSource("netNames")
    void everyCriterionPrunesEveryKindPerWeightAndPerGroupGloballyAndLayerWise(String name) {
        try (Net net = nets().get(name).get()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            for (Importance i : CRITERIA) {
                for (Scope scope : List.of(Scope.LAYER, Scope.GLOBAL)) { // ROW: per weight only
                    PruningChecks.prunesPerWeight(net, DATA, i, scope);
                    PruningChecks.shrinksAsMasked(net, DATA, PROBE, i, scope);
                }
            }
        }
    }

    static Stream<String> netNames() {
        return nets().keySet().stream();
    }

    @Test
    void unstructuredPruningReachesEveryWeightLayerOfEveryKind() {
        for (Map.Entry<String, Supplier<Net>> e : nets().entrySet()) {
            try (Net net = e.getValue().get()) {
                SparsityReport r = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.7)
                        .optScope(Scope.GLOBAL).build().plan(net).apply();
                assertEquals(0.7, r.sparsity(), 1e-3, e.getKey());
                assertEquals(net.prunableLayers().size(), r.rows().size(), e.getKey());
            }
        }
    }

    @Test
    void layersWhoseChannelsCannotBeRemovedSayWhy() {
        try (Net net = Models.sequential("Sig", 784).dense(16).sigmoid().dense(16).relu().dense(10).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pruner.builder()
                    .setImportance(Importance.magnitudeL1()).setSparsity(0.5).optGranularity(Granularity.STRUCTURED)
                    .optLayers("fc1").build().plan(net));
            assertTrue(e.getMessage().contains("sigmoid1"), e.getMessage());
            // the other hidden layer still prunes by units
            assertEquals(1, Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net).layers().size());
            IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> Pruner.builder()
                    .setImportance(Importance.magnitudeL1()).setSparsity(0.5).optGranularity(Granularity.STRUCTURED)
                    .optLayers("fc3").build().plan(net));
            assertTrue(out.getMessage().contains("output layer"), out.getMessage());
        }
        try (Net net = Models.resNet8()) {
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> Pruner.builder()
                    .setImportance(Importance.magnitudeL1()).setSparsity(0.5).optGranularity(Granularity.STRUCTURED)
                    .optLayers("conv1", "res1.conv2").build().plan(net));
            assertTrue(twice.getMessage().contains("channel group"), twice.getMessage());
        }
    }
}
