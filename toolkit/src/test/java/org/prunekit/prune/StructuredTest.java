package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Agreement;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** Masked and physically shrunk nets compute the same outputs. */
class StructuredTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(1000).optTestLimit(300).build();

    /** The images on which masked and shrunk nets are compared. */
    private static final ImageSet PROBE = DATA.test().select(IntStream.range(0, 64).toArray(), "MNIST probe");

    @ParameterizedTest
    @ValueSource(strings = {"lenet300100", "lenet5", "smallCnn"})
    void removingMaskedUnitsKeepsOutputsAndShrinksTheNet(String model) {
        Map<String, Supplier<Net>> factory = Map.of("lenet300100", Models::lenet300100, "lenet5", Models::lenet5,
                "smallCnn", Models::smallCnn);
        try (Net net = factory.get(model).get()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            long paramsBefore = net.parameterCount();
            Pruner pruner = Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build();
            PruningPlan plan = pruner.plan(net);
            plan.apply();
            Map<String, Integer> removed;
            try (Net masked = net.copy()) {
                removed = net.removePrunedUnits();
                Agreement.of(masked, net, PROBE).requireWithin(1e-5);
            }
            assertTrue(net.parameterCount() < paramsBefore * 0.6, net.summary());
            for (LayerPlan p : plan.layers()) {
                assertEquals(p.prunedAfter(), removed.get(p.layer()));
                long units = net.layer(p.layer()).weight().getArray().getShape().get(0);
                assertEquals(p.total() - p.prunedAfter(), units);
                assertEquals("units removed", SparsityReport.of(net).row(p.layer()).status());
            }
            // the shrunk net still trains (fine-tuning) and the other layers are untouched in shape
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            assertEquals(new Shape(10), new Shape(net.layer(net.prunableLayers().get(net.prunableLayers().size() - 1)
                    .name()).weight().getArray().getShape().get(0)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep-masks"})
    void unstructuredMasksSurviveStructuredRemoval(String ignored) {
        try (Net net = Models.lenet300100()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).build().plan(net).apply();
            Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.25)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
            try (Net masked = net.copy()) {
                net.removePrunedUnits();
                Agreement.of(masked, net, PROBE).requireWithin(1e-5);
            }
            NDArray fc1 = net.layer("fc1").weight().getArray();
            assertEquals(new Shape(225, 784), fc1.getShape());
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            // zeros stay zero after fine-tuning the shrunk net: the sliced masks are still applied
            NDArray mask = net.masks().get(net.layer("fc1").weight());
            assertEquals(mask.countNonzero().getLong(), fc1.countNonzero().getLong());
        }
    }
}
