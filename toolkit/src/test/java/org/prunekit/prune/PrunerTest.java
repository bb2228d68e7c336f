package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

class PrunerTest {

    private static DataSplit data;

    @BeforeAll
    static void load() {
        data = Datasets.mnist().optLimit(1500).optTestLimit(500).build();
    }

    private static Pruner magnitude(double s, Scope scope) {
        return Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(s).optScope(scope).build();
    }

    @Test
    void layerWisePruningRemovesExactlyTheTargetFromEachLayer() {
        try (Net net = Models.lenet300100()) {
            PruningPlan plan = magnitude(0.7, Scope.LAYER).plan(net);
            assertEquals(List.of("fc1", "fc2", "fc3"), plan.layers().stream().map(LayerPlan::layer).toList());
            assertEquals(Math.round(0.7 * 235200), plan.layers().get(0).prunedAfter());
            assertEquals(0, net.layer("fc1").weight().getArray().eq(0).countNonzero().getLong(), "plan changes nothing");
            SparsityReport r = plan.apply();
            assertEquals(235200 - Math.round(0.7 * 235200), r.row("fc1").nonZero());
            assertEquals(1000 - 700, r.row("fc3").nonZero());
            // the smallest survivors are at least as large as the largest pruned
            NDArray w = net.layer("fc2").weight().getArray();
            NDArray mask = net.masks().get(net.layer("fc2").weight());
            float minKept = w.abs().get(mask.eq(1)).min().getFloat();
            assertTrue(minKept > 0);
            assertTrue(plan.toString().contains("fc1"), plan.toString());
            assertEquals(3 + 1, plan.toTable().rowCount(), "one row per layer and a total row");
            assertThrows(IllegalStateException.class, plan::apply, "a plan applies once");
        }
    }

    @Test
    void masksOwnTheirMemory() {
        try (Net net = Models.lenet300100()) {
            magnitude(0.9, Scope.GLOBAL).plan(net).apply();
            long kept = net.masks().get(net.layer("fc3").weight()).countNonzero().getLong();
            // churn direct buffers and the GC: a mask that aliased a freed Java buffer would change now
            for (int i = 0; i < 300; i++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(1 << 16);
                for (int j = 0; j < b.capacity(); j += 4) {
                    b.putFloat(j, 7f);
                }
                if (i % 50 == 0) {
                    System.gc();
                }
            }
            for (NDArray mask : net.masks().values()) {
                float[] m = mask.toFloatArray();
                for (float v : m) {
                    assertTrue(v == 0f || v == 1f, "mask value " + v);
                }
            }
            assertEquals(kept, net.masks().get(net.layer("fc3").weight()).countNonzero().getLong());
        }
    }

    @Test
    void rePruningOnlyRemovesMore() {
        try (Net net = Models.lenet300100()) {
            magnitude(0.5, Scope.LAYER).plan(net).apply();
            float[] first = net.masks().get(net.layer("fc1").weight()).toFloatArray();
            PruningPlan second = Pruner.builder().setImportance(Importance.random(1)).setSparsity(0.8).build().plan(net);
            assertEquals(Math.round(0.5 * 235200), second.layers().get(0).prunedBefore());
            second.apply();
            float[] after = net.masks().get(net.layer("fc1").weight()).toFloatArray();
            for (int i = 0; i < first.length; i++) {
                assertTrue(first[i] != 0 || after[i] == 0, "a pruned weight came back at " + i);
            }
            assertEquals(0.8, SparsityReport.of(net).row("fc1").sparsity(), 1e-5);
            // a lower target than what is already pruned removes nothing and restores nothing
            SparsityReport r = magnitude(0.3, Scope.LAYER).plan(net).apply();
            assertEquals(0.8, r.row("fc1").sparsity(), 1e-5);
        }
    }

    @Test
    void globalPruningRanksAcrossLayersAndKeepsTheMinimumDensity() {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
            Pruner pruner = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.9)
                    .optScope(Scope.GLOBAL).build();
            SparsityReport r = pruner.plan(net).apply();
            assertEquals(Math.round(0.9 * r.weights()), r.weights() - r.nonZero(), "exact global count");
            // one threshold for all layers: the big first layer is pruned hardest (Han et al. 2015)
            assertTrue(r.row("fc1").sparsity() > r.row("fc2").sparsity(), r.toString());
            assertTrue(r.row("fc2").sparsity() > r.row("fc3").sparsity(), r.toString());
        }
        try (Net net = Models.lenet300100()) {
            // 98 % with at least 5 % of every layer is more than the guard allows: every layer stops at its floor
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.98)
                    .optScope(Scope.GLOBAL).optMinDensity(0.05).build().plan(net);
            SparsityReport r = plan.apply();
            for (SparsityReport.Row row : r.rows()) {
                assertEquals((long) Math.ceil(0.05 * row.weights()), row.nonZero(), row.toString());
            }
            assertTrue(plan.toString().contains("capped by the minimum density"), plan.toString());
        }
    }

    @Test
    void dataDrivenCriteriaMeasureOnSamplesAndLeaveTheModelUntouched() {
        try (Net net = Models.smallCnn()) {
            Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
            float[] before = net.layer("bn1").parameter("runningMean").getArray().toFloatArray();
            float[] w = net.layer("conv2").weight().getArray().toFloatArray();
            for (Importance imp : List.of(Importance.gradient(), Importance.gradientSquared(), Importance.taylor(),
                    Importance.hessianDiagonal(), Importance.entropy(), Importance.apoz())) {
                for (Granularity g : Granularity.values()) {
                    PruningPlan plan = Pruner.builder().setImportance(imp).setSparsity(0.5).optGranularity(g)
                            .optSamples(200).build().plan(net, data);
                    assertEquals(0.5, plan.sparsityAfter(), 0.01, imp.name() + " " + g);
                }
            }
            assertArrayEquals(before, net.layer("bn1").parameter("runningMean").getArray().toFloatArray());
            assertArrayEquals(w, net.layer("conv2").weight().getArray().toFloatArray());
        }
    }

    @Test
    void scoresAndStatisticsAreThoseThePlanRanks() {
        try (Net net = Models.mlp(32)) {
            Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
            Pruner p = Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.25)
                    .optGranularity(Granularity.STRUCTURED).build();
            float[] scores = p.scores(net, data).get("fc1");
            assertEquals(32, scores.length);
            float[] w = net.layer("fc1").weight().getArray().toFloatArray();
            double first = 0;
            for (int j = 0; j < 784; j++) {
                first += w[j] * w[j];
            }
            assertEquals(first, scores[0], 1e-4);
            // the plan removes exactly the 8 lowest-scoring units
            float[] mask = p.plan(net).layers().get(0).mask();
            boolean[] low = Selection.lowest(scores, 8);
            for (int u = 0; u < 32; u++) {
                assertEquals(low[u] ? 0f : 1f, mask[u]);
            }
            LayerStats taylor = Pruner.builder().setImportance(Importance.taylor()).setSparsity(0.5).optSamples(128)
                    .build().statistics(net, data).get("fc1");
            assertEquals(1, taylor.batches(), "128 samples in batches of 128");
            assertEquals(128, taylor.activations().length);
            assertEquals(32 * 784, taylor.gradMean().length);
        }
    }

    @Test
    void badInputsAreClearErrorsAndChangeNothing() {
        try (Net net = Models.lenet300100()) {
            for (double s : new double[] {-0.1, 1.0, Double.NaN, 1.5}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Pruner.builder().setSparsity(s));
                assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
            }
            assertTrue(assertThrows(IllegalStateException.class,
                    () -> Pruner.builder().setSparsity(0.5).build()).getMessage().contains("setImportance"));
            Pruner taylor = Pruner.builder().setImportance(Importance.taylor()).setSparsity(0.5).build();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> taylor.plan(net))
                    .getMessage().contains("needs sample data"));
            Pruner unknown = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optLayers("fc1", "conv9").build();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> unknown.plan(net))
                    .getMessage().contains("no layer 'conv9'"));
            Pruner twice = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optLayers("fc1", "fc1").build();
            assertThrows(IllegalArgumentException.class, () -> twice.plan(net));
            Pruner relu = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optLayers("relu1").build();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> relu.plan(net))
                    .getMessage().contains("no weights to prune"));
            Pruner output = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).optLayers("fc3").build();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> output.plan(net))
                    .getMessage().contains("output layer"));
            // a NaN weight: a clear error, and the net keeps all its weights
            NDArray w = net.layer("fc2").weight().getArray();
            w.set(new ai.djl.ndarray.index.NDIndex("0, 0"), Float.NaN);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> magnitude(0.5, Scope.GLOBAL).plan(net));
            assertTrue(e.getMessage().contains("fc2"), e.getMessage());
            assertTrue(net.masks().isEmpty());
            assertEquals(0.0, SparsityReport.of(net).row("fc1").sparsity());
        }
    }
}
