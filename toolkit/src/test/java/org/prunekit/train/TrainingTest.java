package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
    void notebookProgressEndsAsTheTrainingSummary() {
        ProgressTest.FakeDisplay display = new ProgressTest.FakeDisplay();
        History h;
        long start = System.nanoTime();
        try (Net net = Models.mlp(32)) {
            h = Training.fit(net, SMALL, TrainConfig.epochs(2), Progress.notebook(display));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, display.shown.size(), "one display for the whole run");
        // throttled to 4 updates a second (plus the final one), not one per batch (64)
        assertTrue(display.updates.size() <= 4 * seconds + 2, display.updates.size() + " updates in " + seconds + " s");
        assertTrue(display.text.startsWith(String.format(java.util.Locale.ROOT,
                "MLP-784-32-10: 2 epochs, loss %.4f, test accuracy %.4f", h.epochs().get(1).trainLoss(),
                h.finalTestAccuracy())), display.text);
        assertTrue(display.html.contains("data-state=\"done\"") && display.html.contains("MLP-784-32-10  epoch 2/2"),
                display.html);
    }

    /** The weights of every parameter, in order, as Java arrays. */
    private static List<float[]> weights(Net net) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static void assertSameFiniteWeights(List<float[]> expected, Net net) {
        List<float[]> actual = weights(net);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), 0f, "parameter " + i + " was not restored");
            for (float v : actual.get(i)) {
                assertTrue(Float.isFinite(v), "parameter " + i + " holds " + v);
            }
        }
    }

    static Stream<Arguments> mlpAndCnn() {
        return Stream.of(Arguments.of("LeNet-300-100", (Supplier<Net>) Models::lenet300100, List.of("fc1", "fc2")),
                Arguments.of("LeNet-5", (Supplier<Net>) Models::lenet5, List.of("conv1", "conv2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mlpAndCnn")
    void anAbsurdLearningRateStopsTrainingAndRestoresTheWeights(String name, Supplier<Net> model, List<String> big) {
        try (Net net = model.get()) {
            List<float[]> start = weights(net);
            TrainConfig absurd = TrainConfig.builder().optEpochs(3).optLearningRate(1e30f).build();
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> Training.fit(net, SMALL, absurd, Progress.none()));
            assertSameFiniteWeights(start, net);
            assertEquals(1, e.epoch());
            assertTrue(e.batch() >= 2, "the first batch runs on the initial weights: " + e.getMessage());
            assertTrue(!Double.isFinite(e.loss()), e.getMessage());
            assertTrue(e.completed().epochs().isEmpty());
            for (String part : List.of("Training " + name + " diverged: batch " + e.batch() + " of 32 in epoch 1 of 3",
                    "gave a loss of " + e.loss(), "restored to the weights it had when fit was called",
                    "learning rate is too high (1.0E30", "PruneKit.init() prints a notice if the engine failed")) {
                assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
            }
            // the restored net still trains normally
            assertTrue(Training.fit(net, SMALL, TrainConfig.epochs(1), Progress.none()).finalTestAccuracy() > 0.5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mlpAndCnn")
    void aLaterEpochThatDivergesGivesBackTheWeightsOfItsStart(String name, Supplier<Net> model, List<String> big) {
        try (Net net = model.get()) {
            List<List<float[]>> atEpochEnd = new ArrayList<>();
            // after epoch 1, two layers are scaled by 1e20: finite weights whose activations overflow in epoch 2
            int[] epochsLogged = {0};
            Progress blowUp = (label, total, unit) -> new Progress.Task() {
                @Override
                public void advance(long done, String status) {
                }

                @Override
                public void log(String epochLine) {
                    if (++epochsLogged[0] == 1) {
                        big.forEach(l -> net.layer(l).weight().getArray().muli(1e20f));
                    }
                    atEpochEnd.add(weights(net));
                }

                @Override
                public void done(String summary) {
                }

                @Override
                public void close() {
                }
            };
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> Training.fit(net, SMALL, TrainConfig.epochs(3), blowUp));
            assertEquals(2, e.epoch(), e.getMessage());
            assertEquals(1, e.batch(), e.getMessage());
            assertEquals(1, e.completed().epochs().size());
            assertTrue(e.getMessage().contains("restored to the weights it had after epoch 1 (loss "), e.getMessage());
            assertSameFiniteWeights(atEpochEnd.get(0), net);
        }
    }

    /** A Trainable that hands every call to a net (the records below change one or two). */
    private interface Wrapping extends Trainable {
        Net net();

        default String name() {
            return net().name();
        }

        default Shape inputShape() {
            return net().inputShape();
        }

        default int numClasses() {
            return net().numClasses();
        }

        default NDManager manager() {
            return net().manager();
        }

        default NDArray forward(NDArray x, boolean training) {
            return net().forward(x, training);
        }

        default Block block() {
            return net().block();
        }

        default List<Parameter> prunableWeights() {
            return net().prunableWeights();
        }

        default Map<Parameter, NDArray> masks() {
            return net().masks();
        }

        default void applyMasks() {
            net().applyMasks();
        }
    }

    /**
     * A net whose mask re-application after optimizer step {@code poisonStep} writes a NaN into
     * a weight: an optimizer step gone wrong (an engine fault) that no loss of the epoch shows.
     */
    private record PoisonedAfterStep(Net net, int poisonStep, int[] steps) implements Wrapping {
        @Override
        public void applyMasks() {
            net.applyMasks();
            if (++steps[0] == poisonStep) {
                net.layer("fc2").weight().getArray().set(new NDIndex("3, 4"), Float.NaN);
            }
        }
    }

    @Test
    void weightsTurnedNonFiniteByTheLastStepOfAnEpochAreCaughtToo() {
        try (Net net = Models.lenet300100()) {
            List<float[]> start = weights(net);
            // 2,000 images in batches of 64: step 32 is the last of epoch 1
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Training.fit(
                    new PoisonedAfterStep(net, 32, new int[1]), SMALL, TrainConfig.epochs(2), Progress.none()));
            assertEquals(1, e.epoch(), e.getMessage());
            assertEquals(32, e.batch());
            assertTrue(Double.isFinite(e.loss()), e.getMessage());
            assertTrue(e.getMessage().contains("batch 32 of 32 in epoch 1 of 2 left parameter "), e.getMessage());
            assertTrue(e.getMessage().contains("with a value of NaN after the optimizer step"), e.getMessage());
            assertSameFiniteWeights(start, net);
        }
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

    /**
     * The masks applied inside Adam's update give the same weights, bit for bit, as the old order
     * (Adam's step, then every mask multiplied into its parameter): a net hidden behind a wrapper
     * that shows Training no masks and re-applies them in {@code applyMasks()} trains the old way.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("maskedNets")
    void masksInsideTheOptimizerStepTrainAsMaskingAfterIt(String name, Supplier<Net> factory) {
        try (Net fused = factory.get()) {
            org.prunekit.prune.Pruner.builder().setImportance(org.prunekit.prune.Importance.magnitudeL1())
                    .setSparsity(0.8).optScope(org.prunekit.prune.Scope.GLOBAL).build().plan(fused).apply();
            try (Net old = fused.copy()) {
                assertEquals(fused.masks().size(), old.masks().size());
                // both on the engine (a wrapped net trains there): the same float operations in the same order
                TrainConfig engine = TrainConfig.builder().optEpochs(1).optKernels(TrainConfig.Kernels.ENGINE).build();
                Training.fit(fused, SMALL, engine, Progress.none());
                Training.fit(new MasksAfterStep(old), SMALL, engine, Progress.none());
                List<float[]> expected = weights(old);
                List<float[]> actual = weights(fused);
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i), actual.get(i), 0f, name + " parameter " + i);
                }
                for (Map.Entry<Parameter, NDArray> e : fused.masks().entrySet()) {
                    float[] w = e.getKey().getArray().toFloatArray();
                    float[] m = e.getValue().toFloatArray();
                    for (int j = 0; j < w.length; j++) {
                        assertTrue(m[j] != 0 || w[j] == 0, "a masked weight of " + name + " is " + w[j]);
                    }
                }
            }
        }
    }

    /**
     * The Java kernels train as the engine does: the same epochs' losses and accuracies within float rounding
     * (the gradients of one step are compared value by value in {@code JavaPassTest}), masked weights stay
     * exactly zero, and they are the default for the nets they take.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("javaNets")
    void javaKernelsTrainAsTheEngineDoes(String name, Supplier<Net> factory) {
        try (Net onJava = factory.get(); Net onEngine = factory.get()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(org.prunekit.sparse.JavaPass.unsupported(onJava) == null,
                    "the Vector API is not available in this JVM");
            for (Net n : List.of(onJava, onEngine)) {
                org.prunekit.prune.Pruner.builder().setImportance(org.prunekit.prune.Importance.magnitudeL1())
                        .setSparsity(0.7).optScope(org.prunekit.prune.Scope.GLOBAL).build().plan(n).apply();
            }
            TrainConfig config = TrainConfig.builder().optEpochs(2).optWeightDecay(1e-4f).build();
            assertEquals("Java kernels", Training.kernels(onJava, SMALL, config));
            History java = Training.fit(onJava, SMALL, config, Progress.none());
            History engine = Training.fit(onEngine, SMALL, TrainConfig.builder().optEpochs(2).optWeightDecay(1e-4f)
                    .optKernels(TrainConfig.Kernels.ENGINE).build(), Progress.none());
            for (int e = 0; e < 2; e++) {
                EpochStats j = java.epochs().get(e);
                EpochStats g = engine.epochs().get(e);
                assertEquals(g.trainLoss(), j.trainLoss(), 2e-3 * g.trainLoss(), name + " epoch " + (e + 1) + " loss");
                assertEquals(g.trainAccuracy(), j.trainAccuracy(), 0.005, name + " epoch " + (e + 1) + " accuracy");
                assertEquals(g.testAccuracy(), j.testAccuracy(), 0.01, name + " epoch " + (e + 1) + " test accuracy");
            }
            assertTrue(java.finalTestAccuracy() >= 0.7, java.toString());
            for (Map.Entry<Parameter, NDArray> e : onJava.masks().entrySet()) {
                float[] w = e.getKey().getArray().toFloatArray();
                float[] m = e.getValue().toFloatArray();
                for (int j = 0; j < w.length; j++) {
                    assertTrue(m[j] != 0 || w[j] == 0, "a masked weight of " + name + " is " + w[j]);
                }
            }
        }
    }

    @Test
    void javaKernelsAskedForANetTheyDoNotTakeSayWhy() {
        try (Net cnn = Models.sequential("Strided", 1, 28, 28).conv(4, 3, 2, 1).relu().flatten().dense(10).build(1)) {
            assertTrue(Training.kernels(cnn, SMALL, TrainConfig.epochs(1)).startsWith("engine (for Strided: layer conv1"),
                    Training.kernels(cnn, SMALL, TrainConfig.epochs(1)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Training.fit(cnn, SMALL,
                    TrainConfig.builder().optEpochs(1).optKernels(TrainConfig.Kernels.JAVA).build(), Progress.none()));
            assertTrue(e.getMessage().contains("asks for the Java kernels"), e.getMessage());
            assertTrue(e.getMessage().contains("ENGINE"), e.getMessage());
        }
    }

    static Stream<Arguments> javaNets() {
        return Stream.of(Arguments.of("LeNet-300-100", (Supplier<Net>) Models::lenet300100),
                Arguments.of("LeNet-5", (Supplier<Net>) Models::lenet5),
                Arguments.of("SmallCNN", (Supplier<Net>) Models::smallCnn));
    }

    static Stream<Arguments> maskedNets() {
        return Stream.of(Arguments.of("LeNet-300-100", (Supplier<Net>) Models::lenet300100),
                Arguments.of("LeNet-5", (Supplier<Net>) Models::lenet5));
    }

    /** A net that shows Training no masks and re-applies them all after every step: the order before the fusion. */
    private record MasksAfterStep(Net net) implements Wrapping {
        @Override
        public Map<Parameter, NDArray> masks() {
            return Map.of();
        }
    }
}
