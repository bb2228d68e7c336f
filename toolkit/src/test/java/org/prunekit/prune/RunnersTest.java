package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.BeforeAll;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prunekit.RunProvenance;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** Iterative pruning, lottery-ticket rewinding, sensitivity analysis and sweeps on small data. */
class RunnersTest {

    private static DataSplit data;

    @BeforeAll
    static void load() {
        data = Datasets.mnist().optLimit(1500).optTestLimit(400).build();
    }

    private static Pruner globalMagnitude() {
        return Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).optScope(Scope.GLOBAL).build();
    }

    @Test
    void iterativePruningFollowsTheScheduleAndFineTunes() {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, data, TrainConfig.epochs(2), Progress.none());
            PruningHistory h = IterativePruning.builder().setPruner(globalMagnitude())
                    .setSchedule(Schedule.iterative(0.9, 3)).optFineTune(TrainConfig.epochs(1)).optProgress(Progress.none())
                    .build().run(net, data);
            assertEquals(3, h.steps().size());
            for (PruningHistory.Step s : h.steps()) {
                assertEquals(s.target(), s.sparsity(), 1e-4);
            }
            assertTrue(h.last().accuracy() > 0.8, h.toString());
            assertEquals(0.9, SparsityReport.of(net).sparsity(), 1e-4, "masks survived the fine-tuning");
            assertEquals(3, h.toTable().rowCount());
        }
    }

    @Test
    void lotteryTicketRewindsSurvivorsToTheirInitialValues() {
        try (Net net = Models.lenet300100(); Snapshot init = Snapshot.of(net)) {
            float[] w0 = net.layer("fc2").weight().getArray().toFloatArray();
            Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
            PruningHistory h = IterativePruning.builder().setPruner(globalMagnitude())
                    .setSchedule(Schedule.oneShot(0.8)).optFineTune(TrainConfig.epochs(0)).optRewindTo(init)
                    .optProgress(Progress.none()).build().run(net, data);
            float[] w = net.layer("fc2").weight().getArray().toFloatArray();
            NDArray mask = net.masks().get(net.layer("fc2").weight());
            float[] m = mask.toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertEquals(m[i] == 0 ? 0f : w0[i], w[i], 0f, "weight " + i);
            }
            assertEquals(1, h.steps().size());
        }
    }

    @Test
    void sensitivityPrunesOneLayerAtATimeAndLeavesTheNetAlone() {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, data, TrainConfig.epochs(2), Progress.none());
            float[] before = net.layer("fc1").weight().getArray().toFloatArray();
            Sensitivity s = SensitivityScan.builder().setImportance(Importance.magnitudeL1()).setSparsities(0.5, 0.95)
                    .optProgress(Progress.none()).build().run(net, data);
            assertEquals(List.of("fc1", "fc2", "fc3"), s.layers());
            assertEquals(6, s.points().size());
            // fc1 holds 88 % of the weights yet tolerates 50 % pruning almost for free
            assertTrue(s.of("fc1").get(0).accuracy() > s.baseline() - 0.02, s.toString());
            assertTrue(s.of("fc3").get(1).accuracy() < s.of("fc3").get(0).accuracy(), s.toString());
            assertArrayEquals(before, net.layer("fc1").weight().getArray().toFloatArray());
            assertTrue(net.masks().isEmpty());
            assertThrows(IllegalArgumentException.class, () -> SensitivityScan.builder().setSparsities(1.0));
            assertEquals(Importance.magnitudeL1(), s.provenance().get("criterion", Importance.class));
            assertEquals(List.of(0.5, 0.95), s.provenance().get("sparsities"));
            assertTrue(s.toText().contains("Made by SensitivityScan on LeNet-300-100"), s.toText());
        }
    }

    @Test
    void sweepComparesCriteriaAndStructuredPointsGetFaster() {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, data, TrainConfig.epochs(2), Progress.none());
            Sweep sweep = SparsitySweep.builder().setCriteria(Importance.magnitudeL1(), Importance.random(1))
                    .setSparsities(0.9).optFineTune(TrainConfig.epochs(0)).optProgress(Progress.none()).build()
                    .run(net, data);
            assertEquals(2, sweep.points().size());
            Sweep.Point magnitude = sweep.of(Importance.magnitudeL1()).get(0);
            Sweep.Point random = sweep.at(Importance.random(1), 0.9);
            assertTrue(magnitude.accuracyPruned() > random.accuracyPruned() + 0.1, sweep.toString());
            assertTrue(magnitude.latencyMs() > 0, "timed by default: " + magnitude);
            assertTrue(sweep.toTable().columnNames().contains("latency ms"), sweep.toString());
            Sweep structured = SparsitySweep.builder().setCriteria(Importance.magnitudeL2()).setSparsities(0.75)
                    .optGranularity(Granularity.STRUCTURED).optFineTune(TrainConfig.epochs(0)).optLatency(false)
                    .optProgress(Progress.none()).build().run(net, data);
            assertTrue(structured.points().get(0).parameters() < net.parameterCount() * 0.35);
            assertTrue(Double.isNaN(structured.points().get(0).latencyMs()), structured.toString());
            assertFalse(structured.toTable().columnNames().contains("latency ms"), structured.toString());
            assertEquals("not measured", structured.provenance().get("latency"));
            assertTrue(net.masks().isEmpty(), "the swept net is untouched");
        }
    }

    @Test
    void criteriaThatShareANameAreTwoCurvesAndTwoRankingRows() {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
            Sweep sweep = SparsitySweep.builder()
                    .setCriteria(Importance.random(1), Importance.random(2), Importance.entropy(8),
                            Importance.entropy(32))
                    .setSparsities(0.5).optGranularity(Granularity.STRUCTURED).optFineTune(TrainConfig.epochs(0))
                    .optProgress(Progress.none()).build().run(net, data);
            assertEquals(List.of(Importance.random(1), Importance.random(2), Importance.entropy(8),
                    Importance.entropy(32)), sweep.importances());
            assertEquals(List.of("random (seed 1)", "random (seed 2)", "entropy (8 bins)", "entropy (32 bins)"),
                    sweep.labels());
            assertEquals(1, sweep.of(Importance.random(2)).size());
            assertEquals(4, sweep.ranking(0.01).rowCount(), "one ranking row per criterion");
            assertEquals(sweep.labels(), sweep.toTable().stringColumn("criterion").asList());
            assertTrue(sweep.at(Importance.random(1), 0.5).accuracyPruned()
                    != sweep.at(Importance.random(2), 0.5).accuracyPruned(), "two seeds prune differently: "
                    + sweep);
            // and two curves in the sweep's chart, each with its own criterion's points
            org.knowm.xchart.XYChart chart = org.prunekit.viz.Charts.accuracyVsSparsityChart(sweep, true);
            for (Importance criterion : sweep.importances()) {
                org.knowm.xchart.XYSeries curve = chart.getSeriesMap().get(sweep.label(criterion));
                assertTrue(curve != null, "a curve for " + sweep.label(criterion) + ": " + chart.getSeriesMap().keySet());
                assertEquals(100 * sweep.at(criterion, 0.5).accuracyPruned(), curve.getYData()[0], 1e-9);
            }
            assertEquals(800, sweep.plot().getWidth());
        }
    }

    @Test
    void aSweepRecordsHowItWasMade() {
        try (Net net = Models.mlp(16)) {
            TrainConfig fineTune = TrainConfig.epochs(1).withSeed(7);
            Sweep sweep = SparsitySweep.builder().setCriteria(Importance.magnitudeL1(), Importance.random(3))
                    .setSparsities(0.5).optScope(Scope.LAYER).optFineTune(fineTune).optProgress(Progress.none())
                    .build().run(net, data);
            RunProvenance p = sweep.provenance();
            assertEquals("SparsitySweep", p.runner());
            assertEquals(net.name(), p.net());
            assertTrue(p.data().contains("train 1,500, test 400"), p.data());
            assertEquals(List.of(Importance.magnitudeL1(), Importance.random(3)), p.get("criteria"));
            assertEquals(List.of(0.5), p.get("sparsities"));
            assertEquals(Scope.LAYER, p.get("scope", Scope.class));
            assertEquals(Granularity.UNSTRUCTURED, p.get("granularity", Granularity.class));
            assertEquals(fineTune, p.get("fine-tune", TrainConfig.class));
            assertThrows(IllegalArgumentException.class, () -> p.get("seed"));
            assertThrows(IllegalArgumentException.class, () -> p.get("scope", Granularity.class));
            assertEquals(p.notes(), sweep.notes());
            assertTrue(sweep.toText().contains("criteria magnitude-L1, random (seed 3); sparsities 0.5; scope layer"),
                    sweep.toText());
            assertEquals(sweep.toText(), sweep.toString());
        }
    }

    @Test
    void buildersSayWhichRequiredSettingIsMissing() {
        String sweep = assertThrows(IllegalStateException.class,
                () -> SparsitySweep.builder().setSparsities(0.5).build()).getMessage();
        assertTrue(sweep.contains("SparsitySweep needs setCriteria"), sweep);
        String sparsities = assertThrows(IllegalStateException.class,
                () -> SparsitySweep.builder().setCriteria(Importance.taylor()).build()).getMessage();
        assertTrue(sparsities.contains("setSparsities"), sparsities);
        String scan = assertThrows(IllegalStateException.class,
                () -> SensitivityScan.builder().setSparsities(0.5).build()).getMessage();
        assertTrue(scan.contains("SensitivityScan needs setImportance"), scan);
        String iterative = assertThrows(IllegalStateException.class,
                () -> IterativePruning.builder().setSchedule(Schedule.oneShot(0.5)).build()).getMessage();
        assertTrue(iterative.contains("IterativePruning needs setPruner"), iterative);
        String schedule = assertThrows(IllegalStateException.class,
                () -> IterativePruning.builder().setPruner(globalMagnitude()).build()).getMessage();
        assertTrue(schedule.contains("setSchedule"), schedule);
        String twice = assertThrows(IllegalArgumentException.class,
                () -> SparsitySweep.builder().setCriteria(Importance.random(1), Importance.random(1))).getMessage();
        assertTrue(twice.contains("given twice"), twice);
        assertThrows(NullPointerException.class, () -> SparsitySweep.builder().optFineTune(null));
        assertThrows(NullPointerException.class, () -> IterativePruning.builder().optProgress(null));
        assertThrows(IllegalArgumentException.class, () -> NetComparison.builder().optBatchSize(0));
    }

    @Test
    void criteriaAreEqualWhenTheyScoreAlike() {
        assertEquals(Importance.random(1), Importance.random(1));
        assertEquals(Importance.random(1).hashCode(), Importance.random(1).hashCode());
        assertTrue(!Importance.random(1).equals(Importance.random(2)));
        assertEquals(Importance.entropy(), Importance.entropy(32));
        assertTrue(!Importance.entropy(8).equals(Importance.entropy(32)));
        assertEquals(Importance.taylor().negated(), Importance.taylor().negated());
        assertTrue(!Importance.random(1).named("a").equals(Importance.random(1).named("b")));
        assertEquals(Importance.fixed("s", java.util.Map.of("fc1", new float[] {1, 2})),
                Importance.fixed("s", java.util.Map.of("fc1", new float[] {1, 2})));
        assertTrue(!Importance.fixed("s", java.util.Map.of("fc1", new float[] {1, 2}))
                .equals(Importance.fixed("s", java.util.Map.of("fc1", new float[] {2, 1}))));
        assertEquals(Importance.reported("PyTorch L1"), Importance.reported("PyTorch L1"));
    }
}
