package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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
import org.prunekit.data.ImageSet;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.ChannelGroups;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.layers.Recurrent;
import org.prunekit.train.Agreement;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Structured pruning of LSTM and GRU hidden units, as channel groups: a unit goes with every
 * gate row of both weights and both biases, its column of the recurrent weight and the inputs
 * that read it downstream (the next recurrent layer's input columns, a dense layer's columns on
 * the sequence or, behind a flatten, its features {@code t·H + u}); a recurrent layer also lets
 * the layer before it lose channels. Masked and physically shrunk nets give the same outputs.
 */
class RecurrentGroupsTest {

    private static final DataSplit DATA = SequenceTask.split(8, 4, 400, 100, 9);
    private static final ImageSet PROBE = DATA.test().select(IntStream.range(0, 64).toArray(), "sequence probe");

    static Map<String, Supplier<Net>> nets() {
        Map<String, Supplier<Net>> n = new LinkedHashMap<>();
        n.put("dense, lstm, lstm, flatten, dense", () -> Models.sequential("DLL", 8, 4).dense(10).relu().lstm(12)
                .lstm(8).flatten().dense(4).build(4));
        n.put("gru, dense on the sequence, tanh, flatten, dense", () -> Models.sequential("GRU-D", 8, 4).gru(10)
                .dense(6).tanh().flatten().dense(4).build(4));
        n.put("lstm, gru, time pool, dense", () -> Models.sequential("LGP", 8, 4).lstm(10).gru(6).timePool().dense(4)
                .build(4));
        n.put("lstm, gru of another width, flatten, dense, relu, dense", () -> Models.sequential("LG", 8, 4).lstm(6)
                .gru(9).flatten().dense(16).relu().dense(4).build(4));
        return n;
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cases")
    void maskedAndShrunkNetsAgreeAndEveryGateRowGoesWithItsUnit(String name, double sparsity) throws Exception {
        try (Net net = nets().get(name).get()) {
            var shrunk = PruningChecks.trainPlanAndShrink(net, DATA, PROBE, sparsity);
            shrunk.plan().layers().forEach(p -> assertEquals(p.prunedAfter(), shrunk.removed().get(p.layer())));
            Map<String, Long> asBuilt = new LinkedHashMap<>();
            try (Net fresh = nets().get(name).get()) {
                fresh.prunableLayers().forEach(l -> asBuilt.put(l.name(), l.weight().getArray().size()));
            }
            assertEquals(asBuilt, net.originalWeights(), "the weights as built, the reference of compression");
            for (LayerPlan p : shrunk.plan().layers()) {
                ChannelGroup g = shrunk.groups().named(p.layer());
                int kept = g.channels() - p.prunedAfter();
                assertEquals(Math.round(sparsity * g.channels()), p.prunedAfter(), p.layer());
                Layer producer = net.layer(g.producers().get(0));
                if (producer.spec() instanceof Recurrent r) {
                    int gates = r.gates();
                    assertEquals(kept, r.units(), producer.name());
                    Shape in = net.inputShapeOf(producer.name());
                    assertEquals(new Shape(gates * kept, in.get(2)), producer.parameter("l_0_i2h_WEIGHT").getArray()
                            .getShape());
                    assertEquals(new Shape(gates * kept, kept), producer.parameter("l_0_h2h_WEIGHT").getArray()
                            .getShape());
                    assertEquals(new Shape(gates * kept), producer.parameter("l_0_h2h_BIAS").getArray().getShape());
                } else {
                    assertEquals(kept, producer.weight().getArray().getShape().get(0), producer.name());
                }
                for (String consumer : g.consumers()) {
                    Shape in = net.inputShapeOf(consumer);
                    long features = in.get(in.dimension() - 1);
                    assertTrue(features % kept == 0 && features < g.channels() * (features / kept) + 1,
                            consumer + " reads " + in);
                }
            }
            PruningChecks.copiesSavesLoadsAndTrains(net, DATA, PROBE, loaded -> assertEquals(asBuilt,
                    loaded.originalWeights()));
        }
    }

    static Stream<Arguments> cases() {
        return PruningChecks.atTwoSparsities(nets().keySet());
    }

    @Test
    void onTokensAnLstmAfterAnEmbeddingLosesUnitsThroughAMaxOverTime() {
        DataSplit tokens = SequenceTask.tokens(7, 13, 3, 300, 64, 2);
        try (Net net = Models.sequential("Tok", 7).embedding(13, 6).lstm(10).timeMaxPool().dense(3).build(2)) {
            Training.fit(net, tokens, TrainConfig.epochs(1), Progress.none());
            assertEquals(List.of("fc1"), net.channelGroups().of("lstm1").consumers());
            Pruner.builder().setImportance(Importance.taylor()).setSparsity(0.5).optGranularity(Granularity.STRUCTURED)
                    .optLayers("lstm1").build().plan(net, tokens).apply();
            try (Net masked = net.copy()) {
                assertEquals(Map.of("lstm1", 5), net.removePrunedUnits());
                Agreement.of(masked, net, tokens.test()).requireWithin(1e-5);
                assertEquals(new Shape(20, 6), net.layer("lstm1").parameter("l_0_i2h_WEIGHT").getArray().getShape());
                assertEquals(new Shape(3, 5), net.layer("fc1").weight().getArray().getShape());
            }
        }
    }

    @Test
    void aRecurrentLayerProducesItsUnitsAndReadsThoseOfTheLayerBefore() {
        try (Net net = nets().get("dense, lstm, lstm, flatten, dense").get()) {
            ChannelGroups g = net.channelGroups();
            assertEquals(List.of("lstm1"), g.of("fc1").consumers());
            assertEquals(List.of("lstm2"), g.of("lstm1").consumers());
            assertEquals(List.of("fc2"), g.of("lstm2").consumers());
            assertEquals(List.of("fc1", "lstm1", "lstm2"), g.prunable().stream().map(ChannelGroup::name).toList());
            assertEquals(12, g.of("lstm1").channels());
        }
    }

    @Test
    void aUnitIsRemovedOnlyWhenEveryGateRowOfItIsZero() {
        try (Net net = Models.sequential("L", 5, 3).lstm(4).flatten().dense(2).build(1)) {
            Layer lstm = net.layer("lstm1");
            // unit 1: every gate row of both weights and biases; unit 2: all but the forget gate's recurrent row
            zeroRows(net, lstm, 1, 4, 4, List.of(0, 1, 2, 3), true);
            zeroRows(net, lstm, 2, 4, 4, List.of(0, 2, 3), true);
            zeroRows(net, lstm, 2, 4, 4, List.of(1), false);
            try (Net before = net.copy()) {
                assertEquals(Map.of("lstm1", 1), net.removePrunedUnits());
                Agreement.of(before, net, PROBE_5x3).requireWithin(1e-5);
                assertEquals(new Shape(12, 3), net.layer("lstm1").parameter("l_0_i2h_WEIGHT").getArray().getShape());
            }
        }
    }

    private static final ImageSet PROBE_5x3 = SequenceTask.split(5, 3, 10, 20, 3).test();

    /** Zeroes the rows {@code k·units + unit} of the given gates: of every parameter, or all but the recurrent weight. */
    private static void zeroRows(Net net, Layer lstm, int unit, int units, int gatesTotal, List<Integer> gates,
            boolean recurrentToo) {
        for (String key : List.of("l_0_i2h_WEIGHT", "l_0_h2h_WEIGHT", "l_0_i2h_BIAS", "l_0_h2h_BIAS")) {
            if (!recurrentToo && !key.equals("l_0_i2h_WEIGHT") && !key.contains("BIAS")) {
                continue;
            }
            Parameter p = lstm.parameter(key);
            Shape s = p.getArray().getShape();
            int per = (int) (s.size() / (gatesTotal * units));
            float[] mask = new float[(int) s.size()];
            java.util.Arrays.fill(mask, 1f);
            for (int k : gates) {
                java.util.Arrays.fill(mask, (k * units + unit) * per, (k * units + unit + 1) * per, 0f);
            }
            try (NDArray m = net.manager().create(mask, s)) {
                net.addMask(p, m);
            }
        }
    }

    @Test
    void everyCriterionRemovesRecurrentUnitsGloballyAndLayerWise() {
        try (Net net = nets().get("lstm, gru of another width, flatten, dense, relu, dense").get()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            for (Importance i : Stream.concat(GroupStructuredTest.CRITERIA.stream(), Stream.of(Importance.wanda()))
                    .toList()) {
                for (Scope scope : List.of(Scope.LAYER, Scope.GLOBAL)) { // ROW: per weight only
                    PruningChecks.shrinksAsMasked(net, DATA, PROBE, i, scope);
                }
            }
        }
    }

    @Test
    void namingARecurrentLayerPrunesItsUnitsAndNamingAPartSaysWhatToName() {
        try (Net net = nets().get("lstm, gru of another width, flatten, dense, relu, dense").get()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).optLayers("gru1").build().plan(net);
            assertEquals(List.of("gru1"), plan.layers().stream().map(LayerPlan::layer).toList());
            IllegalArgumentException part = assertThrows(IllegalArgumentException.class, () -> Pruner.builder()
                    .setImportance(Importance.magnitudeL1()).setSparsity(0.5).optGranularity(Granularity.STRUCTURED)
                    .optLayers("gru1/recurrent").build().plan(net));
            assertTrue(part.getMessage().contains("optLayers(\"gru1\")"), part.getMessage());
        }
    }
}
