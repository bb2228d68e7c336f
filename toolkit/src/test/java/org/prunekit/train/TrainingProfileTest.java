package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import ai.djl.ndarray.NDList;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;

class TrainingProfileTest {

    private static final DataSplit SMALL = Datasets.mnist().optLimit(640).optTestLimit(200).build();

    @Test
    void profilesEveryPhaseOnDenseAndConvolutionalNets() {
        for (Net net : new Net[] {Models.lenet300100(1), Models.lenet5(1)}) {
            try (net) {
                float[] before = net.weightValues();
                TrainingProfile p = Training.profile(net, SMALL, TrainConfig.builder().build(), 2, 5);
                assertEquals(5, p.batches());
                assertEquals(TrainingProfile.PHASES.size(), p.micros().length);
                for (String phase : TrainingProfile.PHASES) {
                    assertTrue(p.micros(phase) >= 0, phase);
                }
                for (String phase : new String[] {"forward", "backward", "optimizer"}) {
                    assertTrue(p.micros(phase) > 0, phase + " was not timed");
                }
                assertTrue(p.toString().contains("optimizer"), p.toString());
                // the profile trains the net: 7 Adam steps moved the weights
                assertTrue(!java.util.Arrays.equals(before, net.weightValues()));
            }
        }
    }

    /**
     * Each phase's time lands under its own name: re-applying masks costs next to nothing on a net
     * without masks and clearly more with 90 % of the weights masked, while the optimizer step
     * costs the same either way. A profile that filed the optimizer's time (or any other phase's)
     * under "masks" fails here.
     */
    @Test
    void theMasksPhaseTimesTheMasksAndNothingElse() {
        try (Net dense = Models.lenet300100(1); Net masked = Models.lenet300100(1)) {
            org.prunekit.prune.Pruner.builder().setImportance(org.prunekit.prune.Importance.magnitudeL1())
                    .setSparsity(0.9).optScope(org.prunekit.prune.Scope.GLOBAL).build().plan(masked).apply();
            TrainingProfile d = Training.profile(dense, SMALL, TrainConfig.builder().build(), 3, 8);
            TrainingProfile m = Training.profile(masked, SMALL, TrainConfig.builder().build(), 3, 8);
            assertTrue(d.micros("masks") < d.micros("optimizer") / 5, "no masks, no mask time: " + d);
            assertTrue(m.micros("masks") > d.micros("masks") + 20, "three masks re-applied every step: " + m
                    + "\nagainst\n" + d);
            assertEquals(Math.round(d.totalMicros()), d.toTable().longColumn("µs per batch")
                    .get(TrainingProfile.PHASES.size()), "the table's total row");
            for (int i = 0; i < TrainingProfile.PHASES.size(); i++) {
                assertEquals(TrainingProfile.PHASES.get(i), d.toTable().stringColumn("phase").get(i));
                assertEquals(Math.round(d.micros()[i]), d.toTable().longColumn("µs per batch").get(i));
                assertEquals(d.micros()[i] / d.totalMicros(), d.toTable().doubleColumn("share").get(i), 1e-12);
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        try (Net net = Models.lenet300100(1)) {
            assertThrows(IllegalArgumentException.class, () -> Training.profile(net, SMALL, TrainConfig.builder().build(), 0, 0));
            assertThrows(IllegalArgumentException.class, () -> Training.profile(net, SMALL, TrainConfig.builder().build(), -1, 3));
        }
        TrainingProfile p = new TrainingProfile("x", 1, 1, new double[TrainingProfile.PHASES.size()]);
        assertThrows(IllegalArgumentException.class, () -> p.micros("nonsense"));
        assertThrows(IllegalArgumentException.class, () -> new TrainingProfile("x", 1, 1, new double[2]));
    }

    @Test
    void crossEntropyEqualsDjlsLoss() {
        PruneKit.init();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(7, 10));
            NDArray labels = m.create(new long[] {0, 3, 9, 2, 2, 5, 1});
            float ours = Training.crossEntropy(logits, labels).getFloat();
            float djl = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), new NDList(logits)).getFloat();
            assertEquals(djl, ours, 1e-6f);
        }
    }
}
