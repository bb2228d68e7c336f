package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
                    .setSchedule(Schedule.iterative(0.9, 3)).optFineTune(TrainConfig.epochs(1)).optProgress(null)
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
                    .optProgress(null).build().run(net, data);
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
            Sensitivity s = Sensitivity.measure(net, data, Importance.magnitudeL1(), Granularity.UNSTRUCTURED, 0.5, 0.95);
            assertEquals(java.util.List.of("fc1", "fc2", "fc3"), s.layers());
            assertEquals(6, s.points().size());
            // fc1 holds 88 % of the weights yet tolerates 50 % pruning almost for free
            assertTrue(s.of("fc1").get(0).accuracy() > s.baseline() - 0.02, s.toString());
            assertTrue(s.of("fc3").get(1).accuracy() < s.of("fc3").get(0).accuracy(), s.toString());
            assertArrayEquals(before, net.layer("fc1").weight().getArray().toFloatArray());
            assertTrue(net.masks().isEmpty());
            assertThrows(IllegalArgumentException.class,
                    () -> Sensitivity.measure(net, data, Importance.magnitudeL1(), Granularity.UNSTRUCTURED, 1.0));
        }
    }

    @Test
    void sweepComparesCriteriaAndStructuredPointsGetFaster() {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, data, TrainConfig.epochs(2), Progress.none());
            Sweep sweep = Sweep.builder().setCriteria(Importance.magnitudeL1(), Importance.random(1))
                    .setSparsities(0.9).optFineTune(TrainConfig.epochs(0)).optProgress(null).run(net, data);
            assertEquals(2, sweep.points().size());
            Sweep.Point magnitude = sweep.of("magnitude-L1").get(0);
            Sweep.Point random = sweep.of("random").get(0);
            assertTrue(magnitude.accuracyPruned() > random.accuracyPruned() + 0.1, sweep.toString());
            Sweep structured = Sweep.builder().setCriteria(Importance.magnitudeL2()).setSparsities(0.75)
                    .optGranularity(Granularity.STRUCTURED).optFineTune(TrainConfig.epochs(0)).optProgress(null)
                    .run(net, data);
            assertTrue(structured.points().get(0).parameters() < net.parameterCount() * 0.35);
            assertTrue(net.masks().isEmpty(), "the swept net is untouched");
        }
    }
}
