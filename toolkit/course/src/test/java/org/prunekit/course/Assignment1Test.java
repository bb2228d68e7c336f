package org.prunekit.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.LayerStats;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparsityReport;
import org.prunekit.train.LearningRateSchedule;
import org.prunekit.train.TrainConfig;

/** Correct answers to assignment 1 pass; the known wrong answers fail, each with its hint. */
class Assignment1Test {

    private static Start start;
    private static DataSplit data;

    @BeforeAll
    static void setUp() {
        start = Assignment1.setUp(3000, 1000, 3);
        data = start.data();
    }

    @AfterAll
    static void close() {
        start.trained().close();
    }

    private static TrainConfig fineTune() {
        return TrainConfig.builder().optEpochs(2).optLearningRate(1e-3f).optSchedule(LearningRateSchedule.COSINE)
                .optSeed(42).build();
    }

    private static AssertionError fails(Runnable check) {
        return assertThrows(AssertionError.class, check::run);
    }

    @Test
    void exercise1() {
        try (Net net1 = Assignment1.pruneForExercise1(start.trained())) {
            SparsityReport r = SparsityReport.of(net1);
            long zeros = 0;
            long all = 0;
            for (Layer l : net1.prunableLayers()) {
                for (float w : l.weight().getArray().toFloatArray()) {
                    zeros += w == 0f ? 1 : 0;
                    all++;
                }
            }
            Grade g = Assignment1.check1(r.row("fc2").sparsity(), zeros / (double) all);
            assertEquals(20, g.points());
            double mean = r.rows().stream().mapToDouble(SparsityReport.Row::sparsity).average().orElse(0);
            AssertionError e = fails(() -> Assignment1.check1(r.row("fc2").sparsity(), mean));
            assertTrue(e.getMessage().startsWith("FAIL exercise 1 (0/20 points)"), e.getMessage());
            assertTrue(e.getMessage().contains("averaged"), e.getMessage());
            e = fails(() -> Assignment1.check1(Double.NaN, Double.NaN));
            assertTrue(e.getMessage().contains("not done yet"), e.getMessage());
            e = fails(() -> Assignment1.check1(1 - r.row("fc2").sparsity(), r.sparsity()));
            assertTrue(e.getMessage().contains("density"), e.getMessage());
            assertEquals(0, Gradebook.of(Assignment1.NAME).rows().get(0).points(), "the latest check counts");
        }
    }

    private static Net pruned(Importance importance, Scope scope) {
        Net n = start.trained().copy();
        Pruner.builder().setImportance(importance).setSparsity(0.8).optScope(scope).build().plan(n, data).apply();
        n.fit(data, fineTune());
        return n;
    }

    @Test
    void exercise2() {
        try (Net taylor = pruned(Importance.taylor(), Scope.GLOBAL);
                Net magnitude = pruned(Importance.magnitudeL1(), Scope.GLOBAL);
                Net perLayer = pruned(Importance.taylor(), Scope.LAYER)) {
            assertEquals(30, Assignment1.check2(taylor).points());
            AssertionError e = fails(() -> Assignment1.check2(magnitude));
            assertTrue(e.getMessage().contains("magnitude pruning better than Taylor"), e.getMessage());
            e = fails(() -> Assignment1.check2(perLayer));
            assertTrue(e.getMessage().contains("Scope.LAYER does"), e.getMessage());
            e = fails(() -> Assignment1.check2(start.trained()));
            assertTrue(e.getMessage().contains("not done yet"), e.getMessage());
        }
    }

    private static Net structured(String... layers) {
        Net n = start.trained().copy();
        Pruner.Builder b = Pruner.builder().setImportance(Importance.taylor()).setSparsity(0.5)
                .optGranularity(Granularity.STRUCTURED);
        if (layers.length > 0) {
            b.optLayers(layers);
        }
        b.build().plan(n, data).apply();
        n.removePrunedUnits();
        n.fit(data, fineTune());
        return n;
    }

    @Test
    void exercise3() {
        try (Net half = structured(); Net fc1Only = structured("fc1"); Net masked = start.trained().copy()) {
            Grade g = Assignment1.check3(half);
            assertEquals(30, g.points());
            assertTrue(g.toString().contains("reported, not graded"), g.toString());
            AssertionError e = fails(() -> Assignment1.check3(fc1Only));
            assertTrue(e.getMessage().contains("fc2 has 100 units"), e.getMessage());
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(masked).apply();
            e = fails(() -> Assignment1.check3(masked));
            assertTrue(e.getMessage().contains("removePrunedUnits"), e.getMessage());
            try (Net dense = start.trained().copy()) {
                e = fails(() -> Assignment1.check3(dense));
                assertTrue(e.getMessage().contains("not done yet"), e.getMessage());
            }
        }
    }

    private abstract static class Criterion implements Importance {
        public String name() {
            return "test";
        }

        public boolean needsData() {
            return true;
        }

        public float[] unitScores(LayerStats s) {
            return s.sumPerUnit(weightScores(s));
        }
    }

    @Test
    void exercise4() {
        Importance right = new Criterion() {
            public float[] weightScores(LayerStats s) {
                float[] mean = new float[s.units()];
                for (float[] sample : s.activations()) {
                    for (int u = 0; u < s.units(); u++) {
                        mean[u] += sample[u] / s.activations().length;
                    }
                }
                float[] out = new float[s.weight().length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.abs(s.weight()[i]) * Math.abs(mean[i / s.perUnit()]);
                }
                return out;
            }
        };
        assertEquals(20, Assignment1.check4(right).points());
        Importance index = new Criterion() {
            public float[] weightScores(LayerStats s) {
                float[] out = new float[s.weight().length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = i;
                }
                return out;
            }
        };
        AssertionError e = fails(() -> Assignment1.check4(index));
        assertTrue(e.getMessage().contains("positions"), e.getMessage());
        Importance magnitude = new Criterion() {
            public float[] weightScores(LayerStats s) {
                return Importance.magnitudeL1().weightScores(s);
            }
        };
        e = fails(() -> Assignment1.check4(magnitude));
        assertTrue(e.getMessage().contains("plain magnitude"), e.getMessage());
        e = fails(() -> Assignment1.check4(null));
        assertTrue(e.getMessage().contains("not done yet"), e.getMessage());
        Gradebook book = Gradebook.of(Assignment1.NAME);
        assertEquals(0, book.rows().get(3).points());
        assertTrue(book.toString().contains("not done yet"), book.toString());
    }
}
