package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A layer's values as arrays, on an MLP and a CNN: copies of the live parameters, in their order. */
class LayerValuesTest {

    static Stream<Supplier<Net>> nets() {
        return Stream.of(() -> Models.mlp(16), Models::lenet5);
    }

    @ParameterizedTest
    @MethodSource("nets")
    void valuesAreCopiesOfTheParametersInTheirOrder(Supplier<Net> make) {
        try (Net net = make.get()) {
            for (Layer l : net.prunableLayers()) {
                float[] w = l.weightValues();
                assertEquals(l.weight().getArray().getShape().size(), w.length, l.name());
                assertArrayEquals(l.weight().getArray().toFloatArray(), w, l.name());
                w[0] += 1;
                assertTrue(l.weight().getArray().toFloatArray()[0] != w[0], "a copy, not the live array: " + l.name());
                assertArrayEquals(l.bias().getArray().toFloatArray(), l.biasValues(), l.name());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("nets")
    void aLayerWithoutWeightsSaysSo(Supplier<Net> make) {
        try (Net net = make.get()) {
            Layer relu = net.layers().stream().filter(l -> !l.isPrunable() && !l.isBatchNorm()).findFirst()
                    .orElseThrow();
            String m = assertThrows(IllegalStateException.class, relu::biasValues).getMessage();
            assertTrue(m.contains(relu.name()) && m.contains("no bias"), m);
            assertThrows(IllegalStateException.class, relu::weightValues);
        }
    }
}
