package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
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
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;

/** Two nets computing the same outputs, or not: masked vs shrunk nets, different nets, NaN outputs. */
class AgreementTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(500).optTestLimit(1200).optBatchSize(50).build();

    static Stream<Arguments> cnns() {
        return Stream.of(Arguments.of("LeNet-5", (Supplier<Net>) Models::lenet5),
                Arguments.of("ResNet-8", (Supplier<Net>) Models::resNet8));
    }

    private static int arrays(NDManager m) {
        return ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cnns")
    void aMaskedNetAndItsShrunkCopyAgree(String name, Supplier<Net> model) {
        try (Net net = model.get()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.3)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
            try (Net masked = net.copy()) {
                long before = net.parameterCount();
                assertTrue(!net.removePrunedUnits().isEmpty());
                assertTrue(net.parameterCount() < before, net.summary());
                int[] arraysBefore = {arrays(net.manager()), arrays(masked.manager())};
                // 1,200 images: three batches, the last one partial
                Agreement a = Agreement.of(masked, net, DATA.test());
                assertEquals(arraysBefore[0], arrays(net.manager()), "native arrays left behind");
                assertEquals(arraysBefore[1], arrays(masked.manager()), "native arrays left behind");
                assertTrue(a.requireWithin(1e-5) == a);
                assertTrue(a.isWithin(1e-5) && a.maxDifference() >= 0, a.toString());
                assertEquals(1200, a.images());
                assertEquals(1200, a.samePredictions());
                assertEquals(1.0, a.samePredictionFraction());
                assertTrue(a.toString().startsWith("two " + name + " nets on 1,200 images of MNIST"), a.toString());
                assertTrue(a.toString().contains("): largest logit difference "), a.toString());
                assertTrue(a.toString().endsWith("same prediction for 1,200 (100.00 %)"), a.toString());
            }
        }
    }

    @Test
    void differentNetsFailTheCheckWithTheNumbersAndTheLikelyCause() {
        try (Net a = Models.lenet5(1); Net b = Models.lenet5(2)) {
            Agreement agreement = Agreement.of(a, b, DATA.test());
            assertTrue(agreement.maxDifference() > 1e-3, agreement.toString());
            assertTrue(agreement.samePredictionFraction() < 1, agreement.toString());
            assertTrue(!agreement.isWithin(1e-5));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> agreement.requireWithin(1e-5));
            for (String part : List.of("The two LeNet-5 nets do not compute the same outputs on MNIST",
                    String.format("over 1,200 images is %.3g (image ", agreement.maxDifference()),
                    "above the tolerance 1e-05", "same class for " + String.format("%,d", agreement.samePredictions()),
                    "Removing masked-out units (removePrunedUnits()) must not change what a net computes",
                    "fault of the engine (PruneKit.init() prints a notice", "or of the surgery")) {
                assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
            }
            // a tolerance as large as the difference accepts it
            assertTrue(agreement.isWithin(agreement.maxDifference()));
        }
    }

    @Test
    void aNaNOutputNeverAgrees() {
        try (Net net = Models.lenet300100(); Net broken = net.copy()) {
            broken.layer("fc3").weight().getArray().set(new NDIndex("4, 7"), Float.NaN);
            Agreement a = Agreement.of(net, broken, DATA.test());
            assertTrue(Double.isNaN(a.maxDifference()), a.toString());
            assertTrue(!a.isWithin(1e6));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.requireWithin(1e-5));
            assertTrue(e.getMessage().contains("largest logit difference over 1,200 images is NaN (image 0, class 4: "),
                    e.getMessage());
        }
    }

    @Test
    void netsOfOtherShapesAndBadTolerancesAreRefused() {
        try (Net mlp = Models.lenet300100(); Net cnn = Models.lenet5()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Agreement.of(mlp, cnn, DATA.test()));
            assertTrue(e.getMessage().contains("must take the same inputs"), e.getMessage());
            Agreement same = Agreement.of(cnn, cnn, DATA.test());
            assertEquals(0.0, same.maxDifference());
            try (Net other = Models.smallCnn()) {
                String text = Agreement.of(cnn, other, DATA.test()).toString();
                assertTrue(text.startsWith("LeNet-5 and SmallCNN on 1,200 images of MNIST"), text);
            }
            for (double t : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
                assertThrows(IllegalArgumentException.class, () -> same.requireWithin(t));
            }
        }
    }
}
