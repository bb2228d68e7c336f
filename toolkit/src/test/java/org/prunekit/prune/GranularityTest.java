package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;

/**
 * Each granularity's own behaviour, on its own: what it scores, how it normalises scores for a
 * global ranking, how it turns a budget into a mask and how it registers masks — on an MLP, a
 * CNN with batch norms and a net with a residual connection.
 */
class GranularityTest {

    private static final Targets ALL = new Targets(null);

    /** An MLP, a CNN with batch norms, and a CNN whose shortcut ties two layers' channels together. */
    static Stream<Supplier<Net>> nets() {
        return Stream.of(
                () -> Models.mlp("MLP", 3, 24, 16),
                () -> Models.sequential("CNN", 1, 12, 12).conv(8, 3, 1, 1).batchNorm().relu().maxPool(2).conv(12, 3)
                        .relu().flatten().dense(16).relu().dense(10).build(3),
                () -> Models.sequential("Res", 1, 12, 12).conv(8, 3, 1, 1).batchNorm().relu().residual(8, 1)
                        .globalAvgPool().dense(10).build(3));
    }

    private static float[] weights(Net net, String layer) {
        return net.layer(layer).weight().getArray().toFloatArray();
    }

    /** Σ|w| over each output unit's weights, computed here from the raw weights. */
    private static double[] unitL1(Net net, String layer) {
        float[] w = weights(net, layer);
        int units = (int) net.layer(layer).weight().getArray().getShape().get(0);
        double[] out = new double[units];
        for (int i = 0; i < w.length; i++) {
            out[i / (w.length / units)] += Math.abs(w[i]);
        }
        return out;
    }

    private static Ranking.Ranked ranked(float[] scores, float[] alive, Shape shape) {
        return new Ranking.Ranked("x", shape, scores, alive, List.of("x"));
    }

    // ---------------------------------------------------------------- unstructured

    @ParameterizedTest
    @MethodSource("nets")
    void unstructuredScoresEveryWeightOfEveryPrunableLayer(Supplier<Net> make) {
        try (Net net = make.get()) {
            Ranking r = Granularity.UNSTRUCTURED.rank(net, Importance.magnitudeL1(), ALL, null, 128);
            assertEquals(net.prunableLayers().stream().map(Layer::name).toList(),
                    r.ranked().stream().map(Ranking.Ranked::name).toList());
            assertTrue(r.skipped().isEmpty());
            for (Ranking.Ranked u : r.ranked()) {
                float[] w = weights(net, u.name());
                assertEquals(net.layer(u.name()).weight().getArray().getShape(), u.shape());
                assertEquals(List.of(u.name()), u.members());
                assertEquals(w.length, u.scores().length);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(Math.abs(w[i]), u.scores()[i], 0f, u.name() + " weight " + i);
                    assertEquals(1f, u.alive()[i]);
                }
            }
        }
    }

    @Test
    void unstructuredRanksScoresAsTheyAreAndMasksTheLowestAlreadyPrunedFirst() {
        float[] s = {5, -1, 4, 2, 3};
        assertSame(s, Granularity.UNSTRUCTURED.normalise(s, Importance.magnitudeL1()));
        Ranking.Ranked r = ranked(s, new float[] {1, 1, 1, 1, 0}, new Shape(5));
        // the pruned entry counts towards the budget: 2 means one more, the lowest alive (-1)
        assertArrayEquals(new float[] {1, 0, 1, 1, 0}, Granularity.UNSTRUCTURED.mask(r, 2));
        assertArrayEquals(new float[] {1, 0, 1, 0, 0}, Granularity.UNSTRUCTURED.mask(r, 3));
        // a budget below what is pruned restores nothing
        assertArrayEquals(new float[] {1, 1, 1, 1, 0}, Granularity.UNSTRUCTURED.mask(r, 0));
        // equal scores go in index order
        assertArrayEquals(new float[] {0, 0, 1, 1}, Granularity.UNSTRUCTURED.mask(
                ranked(new float[] {1, 1, 1, 2}, new float[] {1, 1, 1, 1}, new Shape(4)), 2));
    }

    @ParameterizedTest
    @MethodSource("nets")
    void unstructuredMasksOnlyTheWeightsOfEachLayer(Supplier<Net> make) {
        try (Net net = make.get()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).build()
                    .plan(net);
            plan.apply();
            for (LayerPlan p : plan.layers()) {
                Layer l = net.layer(p.layer());
                assertArrayEquals(p.mask(), net.masks().get(l.weight()).toFloatArray(), p.layer());
                assertEquals(Selection.count(0.5, p.total()), p.prunedAfter());
                assertFalse(l.bias() != null && net.masks().containsKey(l.bias()), "biases are not masked");
            }
        }
    }

    // ---------------------------------------------------------------- structured

    @ParameterizedTest
    @MethodSource("nets")
    void structuredScoresEachChannelOfAGroupByTheMeanOfItsProducers(Supplier<Net> make) {
        try (Net net = make.get()) {
            Ranking r = Granularity.STRUCTURED.rank(net, Importance.magnitudeL1(), ALL, null, 128);
            List<ChannelGroup> groups = net.channelGroups().prunable();
            assertEquals(groups.stream().map(ChannelGroup::name).toList(),
                    r.ranked().stream().map(Ranking.Ranked::name).toList());
            String output = net.prunableLayers().get(net.prunableLayers().size() - 1).name();
            assertTrue(r.ranked().stream().noneMatch(u -> u.members().contains(output) && u.name().equals(output)));
            for (int g = 0; g < groups.size(); g++) {
                ChannelGroup group = groups.get(g);
                Ranking.Ranked u = r.ranked().get(g);
                assertEquals(group.members(), u.members());
                assertEquals(new Shape(group.channels()), u.shape());
                double[] mean = new double[group.channels()];
                for (String p : group.producers()) {
                    double[] l1 = unitL1(net, p);
                    for (int c = 0; c < mean.length; c++) {
                        mean[c] += l1[c] / group.producers().size();
                    }
                }
                for (int c = 0; c < mean.length; c++) {
                    assertEquals(mean[c], u.scores()[c], 1e-4 * mean[c], group.name() + " channel " + c);
                    assertEquals(1f, u.alive()[c]);
                }
            }
        }
    }

    @Test
    void aResidualGroupHasMoreThanOneProducer() {
        try (Net net = nets().toList().get(2).get()) {
            assertTrue(net.channelGroups().prunable().stream().anyMatch(g -> g.producers().size() > 1),
                    net.channelGroups().toString());
        }
    }

    @Test
    void structuredNormalisesByTheMeanAbsoluteScoreUnlessTheCriterionIsComparable() {
        float[] s = {1, -3, 2};
        assertArrayEquals(new float[] {0.5f, -1.5f, 1f}, Granularity.STRUCTURED.normalise(s, Importance.magnitudeL1()));
        assertArrayEquals(new float[] {1, -3, 2}, s, "the scores given are not changed");
        assertSame(s, Granularity.STRUCTURED.normalise(s, Importance.lamp()));
        assertArrayEquals(new float[] {0, 0}, Granularity.STRUCTURED.normalise(new float[] {0, 0},
                Importance.magnitudeL1()));
        // a budget of channels: the lowest go, pruned channels first
        Ranking.Ranked r = ranked(new float[] {3, 1, 2, 4}, new float[] {1, 1, 1, 0}, new Shape(4));
        assertArrayEquals(new float[] {1, 0, 1, 0}, Granularity.STRUCTURED.mask(r, 2));
    }

    @ParameterizedTest
    @MethodSource("nets")
    void structuredMasksAPrunedChannelInEveryMemberOfItsGroup(Supplier<Net> make) {
        try (Net net = make.get()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net);
            plan.apply();
            for (LayerPlan p : plan.layers()) {
                ChannelGroup g = net.channelGroups().named(p.layer());
                int[] kept = p.keptUnits();
                assertEquals(p.total() - p.prunedAfter(), kept.length);
                for (String producer : g.producers()) {
                    Layer l = net.layer(producer);
                    float[] w = weights(net, producer);
                    int per = w.length / p.total();
                    for (int c = 0; c < p.total(); c++) {
                        boolean pruned = p.mask()[c] == 0;
                        for (int j = c * per; j < (c + 1) * per; j++) {
                            if (pruned) {
                                assertEquals(0f, w[j], 0f, producer + " channel " + c);
                            }
                        }
                        if (l.bias() != null && pruned) {
                            assertEquals(0f, l.bias().getArray().toFloatArray()[c], 0f, producer + " bias " + c);
                        }
                    }
                }
                for (String member : g.perChannel()) {
                    Layer l = net.layer(member);
                    if (l.isBatchNorm()) {
                        float[] gamma = l.parameter("gamma").getArray().toFloatArray();
                        for (int c = 0; c < p.total(); c++) {
                            assertEquals(p.mask()[c] == 0, gamma[c] == 0, member + " gamma " + c);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- N:M

    @ParameterizedTest
    @MethodSource("nets")
    void semiStructuredScoresPerWeightAndSkipsLayersWhoseInputsMDoesNotDivide(Supplier<Net> make) {
        try (Net net = make.get()) {
            Granularity nm = Granularity.nm(2, 4);
            Ranking r = nm.rank(net, Importance.magnitudeL1(), ALL, null, 128);
            for (Layer l : net.prunableLayers()) {
                long inputs = l.weight().getArray().getShape().get(1);
                boolean fits = inputs % 4 == 0;
                assertEquals(!fits, r.skipped().containsKey(l.name()), l.name() + " with " + inputs + " inputs");
                r.ranked().stream().filter(u -> u.name().equals(l.name())).forEach(u -> {
                    float[] w = weights(net, l.name());
                    for (int i = 0; i < w.length; i++) {
                        assertEquals(Math.abs(w[i]), u.scores()[i], 0f);
                    }
                });
            }
            assertEquals(net.prunableLayers().size(), r.ranked().size() + r.skipped().size());
            float[] s = {3, 1, 2};
            assertSame(s, nm.normalise(s, Importance.magnitudeL1()));
        }
    }

    @Test
    void semiStructuredKeepsTheBestNOfEveryMWhateverTheBudget() {
        Granularity nm = Granularity.nm(2, 4);
        // one unit of 8 inputs: two groups of four; entry 0 is already pruned and stays so
        Ranking.Ranked r = ranked(new float[] {4, 1, 3, 2, 1, 2, 3, 4}, new float[] {0, 1, 1, 1, 1, 1, 1, 1},
                new Shape(1, 8));
        float[] expected = {0, 0, 1, 1, 0, 0, 1, 1};
        assertArrayEquals(expected, nm.mask(r, 0));
        assertArrayEquals(expected, nm.mask(r, 7));
        // a convolution (2 outputs, 4 input channels, 1x2 kernel): groups run along the input channels
        float[] scores = new float[16];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i % 2 == 0 ? i : -i; // position 0 of the kernel prefers later channels, position 1 earlier
        }
        float[] ones = new float[16];
        java.util.Arrays.fill(ones, 1f);
        float[] mask = Granularity.nm(1, 4).mask(ranked(scores, ones, new Shape(2, 4, 1, 2)), 0);
        float[] conv = {0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0};
        assertArrayEquals(conv, mask);
    }

    @ParameterizedTest
    @MethodSource("nets")
    void semiStructuredPlansHoldThePatternInEveryLayerItPrunes(Supplier<Net> make) {
        try (Net net = make.get()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1())
                    .optGranularity(Granularity.nm(2, 4)).build().plan(net);
            assertTrue(plan.notes().isEmpty(), "the pattern needs no budget: " + plan.notes());
            plan.apply();
            for (LayerPlan p : plan.layers()) {
                Layer l = net.layer(p.layer());
                assertTrue(NmPattern.holds(weights(net, p.layer()), l.weight().getArray().getShape(), 2, 4));
                assertEquals(p.total() / 2, p.prunedAfter(), p.layer());
            }
        }
    }

    // ---------------------------------------------------------------- the type itself

    @Test
    void eachGranularitySaysWhatItCountsAndHowItIsNamed() {
        assertEquals("weights", Granularity.UNSTRUCTURED.unit());
        assertEquals("units", Granularity.STRUCTURED.unit());
        assertEquals("weights", Granularity.nm(2, 4).unit());
        assertTrue(Granularity.STRUCTURED.removesUnits());
        assertFalse(Granularity.UNSTRUCTURED.removesUnits() || Granularity.nm(2, 4).removesUnits());
        assertEquals(List.of("UNSTRUCTURED", "STRUCTURED", "1:4"), Stream.of(Granularity.UNSTRUCTURED,
                Granularity.STRUCTURED, Granularity.nm(1, 4)).map(Object::toString).toList());
        assertEquals(List.of("unstructured", "structured", "4:8"), Stream.of(Granularity.UNSTRUCTURED,
                Granularity.STRUCTURED, Granularity.nm(4, 8)).map(Granularity::displayName).toList());
        assertEquals(0.75, Granularity.nm(1, 4).fixedSparsity().getAsDouble(), 1e-12);
        assertTrue(Granularity.STRUCTURED.fixedSparsity().isEmpty());
        assertEquals(Granularity.nm(2, 4), Granularity.nm(2, 4));
        assertEquals(Granularity.nm(2, 4).hashCode(), Granularity.nm(2, 4).hashCode());
        assertNotEquals(Granularity.nm(2, 4), Granularity.nm(2, 8));
        assertNotEquals(Granularity.UNSTRUCTURED, Granularity.nm(2, 4));
        assertEquals(List.of(Granularity.UNSTRUCTURED, Granularity.STRUCTURED), Granularity.values());
    }

    @Test
    void aGranularityChecksThePrunersSettings() {
        assertEquals(0.9, Granularity.STRUCTURED.sparsity(0.9, Scope.GLOBAL));
        assertEquals(0.5, Granularity.nm(2, 4).sparsity(Double.NaN, Scope.LAYER));
        assertEquals(0.5, Granularity.nm(2, 4).sparsity(0.5, Scope.LAYER));
        assertThrows(IllegalStateException.class, () -> Granularity.nm(2, 4).sparsity(0.9, Scope.LAYER));
        assertThrows(IllegalStateException.class, () -> Granularity.nm(2, 4).sparsity(Double.NaN, Scope.GLOBAL));
        Map<String, String> labels = Map.of(
                "magnitude-L1, layer-wise 50 %", Pruner.builder().setImportance(Importance.magnitudeL1())
                        .setSparsity(0.5).build().label(),
                "magnitude-L1, global structured 50 %", Pruner.builder().setImportance(Importance.magnitudeL1())
                        .setSparsity(0.5).optScope(Scope.GLOBAL).optGranularity(Granularity.STRUCTURED).build()
                        .label(),
                "magnitude-L1, layer-wise 2:4 50 %", Pruner.builder().setImportance(Importance.magnitudeL1())
                        .optGranularity(Granularity.nm(2, 4)).build().label());
        labels.forEach((expected, actual) -> assertEquals(expected, actual));
    }
}
