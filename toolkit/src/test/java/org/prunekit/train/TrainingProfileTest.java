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
