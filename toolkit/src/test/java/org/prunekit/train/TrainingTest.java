package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;

class TrainingTest {

    private static final DataSplit SMALL = Datasets.mnist().optLimit(2000).optTestLimit(1000).build();

    @Test
    void lenet300100LearnsMnistOnASmallSlice() {
        try (Net net = Models.lenet300100()) {
            History h = Training.fit(net, SMALL, TrainConfig.epochs(3), Progress.none());
            assertEquals(3, h.epochs().size());
            assertTrue(h.epochs().get(2).trainLoss() < h.epochs().get(0).trainLoss() * 0.6, h.toString());
            assertTrue(h.finalTestAccuracy() >= 0.88, h.toString());
            assertEquals(h.finalTestAccuracy(), net.accuracy(SMALL.test()), 1e-12);
        }
    }

    @Test
    void lenet300100ReachesNinetySixPercentOnTheFullSplit() {
        DataSplit full = Datasets.mnist().build();
        try (Net net = Models.lenet300100()) {
            TrainConfig config = TrainConfig.builder().optEpochs(16).optLearningRate(2e-3f).optWeightDecay(5e-4f)
                    .optSchedule(LearningRateSchedule.COSINE).build();
            History h = Training.fit(net, full, config, Progress.none());
            assertTrue(h.finalTestAccuracy() >= 0.96, h.toString());
            Evaluation e = net.evaluate(full.test());
            assertTrue(e.macroF1() >= 0.955, e.toString());
        }
    }

    @Test
    void convolutionalNetsTrain() {
        try (Net lenet5 = Models.lenet5(); Net cnn = Models.smallCnn()) {
            assertTrue(Training.fit(lenet5, SMALL, TrainConfig.epochs(2), Progress.none()).finalTestAccuracy() >= 0.85);
            assertTrue(Training.fit(cnn, SMALL, TrainConfig.epochs(2), Progress.none()).finalTestAccuracy() >= 0.85);
        }
    }

    @Test
    void sameSeedGivesTheSameRunToTheLastDigit() {
        History a;
        History b;
        try (Net net = Models.lenet5(3)) {
            a = Training.fit(net, SMALL, TrainConfig.builder().optEpochs(2).optSeed(5).build(), Progress.none());
        }
        try (Net net = Models.lenet5(3)) {
            b = Training.fit(net, SMALL, TrainConfig.builder().optEpochs(2).optSeed(5).build(), Progress.none());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(a.epochs().get(i).trainLoss(), b.epochs().get(i).trainLoss());
            assertEquals(a.epochs().get(i).testAccuracy(), b.epochs().get(i).testAccuracy());
        }
    }

    @Test
    void maskedWeightsStayExactlyZeroDuringTraining() {
        try (Net net = Models.lenet300100()) {
            Parameter w = net.layer("fc1").weight();
            NDArray mask = w.getArray().abs().gt(0.05f); // keeps roughly half
            long kept = mask.countNonzero().getLong();
            net.addMask(w, mask);
            Training.fit(net, SMALL, TrainConfig.epochs(1), Progress.none());
            assertEquals(kept, w.getArray().countNonzero().getLong());
        }
    }

    @Test
    void l1RegularisationShrinksWeights() {
        double plain;
        double l1;
        try (Net net = Models.lenet300100()) {
            Training.fit(net, SMALL, TrainConfig.epochs(1), Progress.none());
            plain = net.layer("fc1").weight().getArray().abs().mean().getFloat();
        }
        try (Net net = Models.lenet300100()) {
            Training.fit(net, SMALL, TrainConfig.builder().optEpochs(1).optL1(1e-4f).build(), Progress.none());
            l1 = net.layer("fc1").weight().getArray().abs().mean().getFloat();
        }
        assertTrue(l1 < plain * 0.8, "mean |w| with L1 " + l1 + " vs without " + plain);
    }

    @Test
    void progressPrintsOneLinePerEpoch() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Net net = Models.mlp(32)) {
            Training.fit(net, SMALL, TrainConfig.epochs(2), Progress.console(new PrintStream(out, true,
                    StandardCharsets.UTF_8)));
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(2, text.lines().count(), text);
        assertTrue(text.contains("MLP-784-32-10  epoch 2/2"), text);
    }

    @Test
    void badSettingsAreRejectedWithReasons() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().optLearningRate(-1).build())
                .getMessage().contains("Learning rate"));
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().optLearningRate(Float.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.epochs(-2));
        assertThrows(IllegalArgumentException.class, () -> Models.mlp());
        try (Net net = Models.lenet300100()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.layer("fc9"));
            assertTrue(e.getMessage().contains("[fc1, relu1, fc2, relu2, fc3]"), e.getMessage());
        }
    }
}
