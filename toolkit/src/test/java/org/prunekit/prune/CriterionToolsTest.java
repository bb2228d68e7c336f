package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prunekit.RunProvenance;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;

/** Fixed, renamed and negated criteria; rank correlation; merging sweeps; the loss of a net. */
class CriterionToolsTest {

    private static final float[] W = {1f, -2f, 0.5f, 0f, 3f, -1f};
    private static final LayerStats S = new LayerStats("fc1", new Shape(2, 3), W, null, new float[] {1, 1, 1, 1, 1, 1},
            null, null, null, null, null, 0);

    @Test
    void fixedScoresPerWeightOrPerUnit() {
        Importance perWeight = Importance.fixed("by hand", Map.of("fc1", new float[] {6, 5, 4, 3, 2, 1}));
        assertArrayEquals(new float[] {6, 5, 4, 3, 2, 1}, perWeight.weightScores(S));
        assertArrayEquals(new float[] {15, 6}, perWeight.unitScores(S));
        Importance perUnit = Importance.fixed("units", Map.of("fc1", new float[] {0.5f, 2f}));
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 2f, 2f, 2f}, perUnit.weightScores(S));
        assertArrayEquals(new float[] {0.5f, 2f}, perUnit.unitScores(S));
        assertEquals(false, perWeight.needsData());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Importance.fixed("x", Map.of("fc2", new float[6])).weightScores(S));
        assertTrue(missing.getMessage().contains("no scores for layer fc1"), missing.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> Importance.fixed("x", Map.of("fc1", new float[4])).weightScores(S));
        assertTrue(length.getMessage().contains("6 weights and 2 units"), length.getMessage());
    }

    @Test
    void namedAndNegatedKeepOrFlipTheRanking() {
        Importance l1 = Importance.magnitudeL1();
        assertEquals("|w|", l1.named("|w|").name());
        assertArrayEquals(l1.weightScores(S), l1.named("|w|").weightScores(S));
        float[] neg = l1.negated().weightScores(S);
        for (int i = 0; i < W.length; i++) {
            assertEquals(-Math.abs(W[i]), neg[i]);
        }
        assertEquals("negated magnitude-L1", l1.negated().name());
        assertEquals(true, Importance.taylor().negated().needsData());
        try (Net net = Models.lenet300100()) {
            // the negation prunes the largest weights: the kept ones are the smallest
            Pruner.builder().setImportance(l1.negated()).setSparsity(0.5).optLayers("fc3").build().plan(net).apply();
            float[] kept = net.layer("fc3").weight().getArray().toFloatArray();
            float maxKept = 0;
            for (float v : kept) {
                maxKept = Math.max(maxKept, Math.abs(v));
            }
            assertTrue(maxKept < 0.2f, "largest surviving |w| " + maxKept);
        }
    }

    @Test
    void spearmanMatchesAHandComputationWithTies() {
        assertEquals(1.0, Ranks.spearman(new float[] {1, 2, 3, 4}, new float[] {10, 20, 30, 40}), 1e-12);
        assertEquals(-1.0, Ranks.spearman(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}), 1e-12);
        assertArrayEquals(new double[] {1.5, 1.5, 3, 4}, Ranks.of(new float[] {5, 5, 7, 9}));
        // ranks (1.5, 1.5, 3, 4) vs (1, 2, 4, 3): Pearson of the ranks = 3.5 / sqrt(4.5 * 5)
        assertEquals(3.5 / Math.sqrt(4.5 * 5), Ranks.spearman(new float[] {5, 5, 7, 9}, new float[] {1, 2, 4, 3}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Ranks.spearman(new float[3], new float[4]));
        assertArrayEquals(new int[] {1, 3, 0, 2}, Ranks.ascending(new float[] {5, 1, 7, 1}));
        assertEquals(1.0, Ranks.spearman(Map.of("a", new float[] {1, 2}, "b", new float[] {3}),
                Map.of("a", new float[] {2, 4}, "b", new float[] {6})), 1e-12);
    }

    @Test
    void sweepsMergeOnlyWhenTheyCountTheSameThing() {
        Sweep a = new Sweep(RunProvenance.given("n", "d", "s"), Granularity.UNSTRUCTURED, 0.9, List.of());
        Sweep b = new Sweep(RunProvenance.given("n", "d", "t"), Granularity.UNSTRUCTURED, 0.9, List.of());
        assertEquals(List.of(a.provenance(), b.provenance()), a.merge(b).provenance().parts());
        assertEquals(2, a.merge(b).notes().size(), "both records are shown");
        assertEquals(a.provenance(), a.merge(a).provenance(), "the same record is kept once");
        Sweep units = new Sweep(RunProvenance.given("n", "d", "t"), Granularity.STRUCTURED, 0.9, List.of());
        assertThrows(IllegalArgumentException.class, () -> a.merge(units));
    }

    @Test
    void criteriaOfOneNameKeepTheirOwnPointsAndLabels() {
        List<Sweep.Point> ps = new java.util.ArrayList<>();
        for (Importance c : List.of(Importance.random(1), Importance.random(2), Importance.magnitudeL1())) {
            for (double s : new double[] {0.5, 0.9}) {
                ps.add(new Sweep.Point(c, s, s, s, 0, 0, 0));
            }
        }
        Sweep sweep = new Sweep(RunProvenance.given("n", "d", "by hand"), Granularity.UNSTRUCTURED, 0.9, ps);
        assertEquals(3, sweep.importances().size(), "random(1) and random(2) are two criteria");
        assertEquals(List.of("random (seed 1)", "random (seed 2)", "magnitude-L1"), sweep.labels());
        assertEquals(2, sweep.of(Importance.random(1)).size());
        assertEquals("random (seed 2)", sweep.label(Importance.random(2)));
        assertThrows(IllegalArgumentException.class, () -> sweep.label(Importance.random(3)));
        assertThrows(IllegalArgumentException.class, () -> sweep.at(Importance.random(1), 0.7));
        // what a chart of the sweep draws: one curve per label, each with its own points
        for (Importance criterion : sweep.importances()) {
            assertEquals(2, sweep.of(criterion).size(), sweep.label(criterion));
        }
        Importance a = Importance.taylor().named("same");
        Importance b = Importance.gradient().named("same");
        Sweep twins = new Sweep(RunProvenance.given("n", "d", "by hand"), Granularity.UNSTRUCTURED, 0.9,
                List.of(new Sweep.Point(a, 0.5, 0, 0, 0, 0, 0), new Sweep.Point(b, 0.5, 0, 0, 0, 0, 0)));
        assertEquals(List.of("same #1", "same #2"), twins.labels());
    }

    @Test
    void aSweepRanksItsCriteria() {
        Importance a = Importance.reported("a");
        Importance b = Importance.reported("b");
        List<Sweep.Point> ps = List.of(new Sweep.Point(a, 0.5, 0.90, 0.95, 0, 0, 0),
                new Sweep.Point(a, 0.9, 0.50, 0.95, 0, 0, 0), new Sweep.Point(b, 0.7 - 0.2, 0.80, 0.96, 0, 0, 0),   // 0.5 up to rounding
                new Sweep.Point(b, 0.9, 0.60, 0.90, 0, 0, 0));
        var t = new Sweep(RunProvenance.given("n", "d", "s"), Granularity.UNSTRUCTURED, 0.955, ps).ranking(0.01);
        assertEquals(List.of("a", "b"), t.stringColumn("criterion").asList(), "sorted by mean accuracy pruned");
        assertEquals(0.70, t.doubleColumn("mean acc pruned").get(0), 1e-12);
        assertEquals(1, t.intColumn("best (pruned)").get(0));
        assertEquals(0.9, t.doubleColumn(2 + 3).get(0), 1e-12, "a stays within 1 pp up to 0.9");
        assertEquals(0.5, t.doubleColumn(2 + 3).get(1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new Sweep(RunProvenance.given("n", "d", "s"),
                Granularity.UNSTRUCTURED, 0.9, ps).ranking(-0.1));
    }

    @Test
    void aComparisonMeasuresEveryAxis() {
        DataSplit data = Datasets.mnist().optLimit(10).optTestLimit(200).build();
        try (Net dense = Models.lenet300100(); Net slim = dense.copy()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(slim).apply();
            slim.removePrunedUnits();
            Map<String, Net> nets = new java.util.LinkedHashMap<>();
            nets.put("dense", dense);
            nets.put("half the units", slim);
            Comparison c = NetComparison.builder().optBatchSize(100).optProgress(Progress.none()).build()
                    .run(nets, data);
            assertEquals(List.of("dense", "half the units"), c.provenance().get("nets", List.class));
            assertTrue(c.notes().get(0).contains("batch size 100"), c.notes().toString());
            assertEquals(2, c.toTable().rowCount());
            assertEquals(dense.parameterCount(), c.row("dense").parameters());
            assertTrue(c.row("half the units").macs() < c.row("dense").macs() * 0.6);
            assertTrue(c.row("half the units").fileBytes() < c.row("dense").fileBytes());
            assertEquals(dense.accuracy(data.test()), c.row("dense").accuracy(), 0);
            assertTrue(c.row("dense").medianMillis() > 0);
            assertThrows(IllegalArgumentException.class, () -> c.row("other"));
        }
    }

    @Test
    void theLossIsTheMeanCrossEntropyOfTheProbabilities() {
        DataSplit data = Datasets.mnist().optLimit(10).optTestLimit(123).build();
        try (Net net = Models.mlp(16)) {
            float[][] p = net.probabilities(data.test());
            double expected = 0;
            for (int i = 0; i < p.length; i++) {
                expected -= Math.log(p[i][data.test().label(i)]);
            }
            assertEquals(expected / p.length, net.loss(data.test()), 1e-5);
            assertTrue(net.loss(data.test()) > 1.5, "an untrained net is near ln 10");
        }
    }
}
