package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Gradients of embedding tables added up by {@link EmbeddingGradients} are libtorch's, bit for
 * bit, on three text architectures (a classifier pooling over time, a transformer and an LSTM
 * language model), with token ids that repeat within and across sequences; so are the gradients
 * of every other parameter. Outside a scope the layers record their tables as before.
 */
class EmbeddingGradientsTest {

    private static final int VOCABULARY = 12;
    private static final int LENGTH = 8;

    @Test
    void aScopeGivesLibtorchsGradientsBitForBitOnThreeArchitectures() {
        check(() -> Models.textClassifier(VOCABULARY, LENGTH, 3, 5));
        check(() -> Models.tinyTransformerLm(VOCABULARY, LENGTH, 6));
        check(() -> Models.lstmLm(VOCABULARY, LENGTH, 7));
    }

    @Test
    void addToTakesATablesRowsAndFlushLeavesNothingTwice() {
        try (Net net = Models.textClassifier(VOCABULARY, LENGTH, 3, 5); NDManager m = net.manager().newSubManager()) {
            attachGradients(net);
            NDArray table = table(net);
            Map<String, float[]> plain = gradients(net, m, false);
            zeroGradients(net);
            float[] taken = new float[Math.toIntExact(table.size())];
            try (EmbeddingGradients rows = EmbeddingGradients.open()) {
                assertSame(rows, EmbeddingGradients.current());
                backward(net, m, t -> {
                    assertFalse(rows.addTo(m.zeros(new Shape(1)), new float[1]), "a table without lookups");
                    assertTrue(rows.addTo(t, taken));
                    assertFalse(rows.addTo(t, new float[taken.length]), "taken once");
                    rows.flush(); // nothing left: the table's libtorch gradient stays zero
                    assertArrayEquals(new float[taken.length], t.getGradient().toFloatArray());
                });
            }
            assertNull(EmbeddingGradients.current(), "closing restores the scope before it");
            assertArrayEquals(plain.get(tableName(net)), taken);
        }
    }

    @Test
    void aLookupWhoseOutputDoesNotMatchTheIdsIsRefused() {
        try (NDManager m = NDManager.newBaseManager(); EmbeddingGradients rows = EmbeddingGradients.open()) {
            NDArray table = m.zeros(new Shape(5, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rows.record(new int[] {1, 2}, m.zeros(new Shape(2, 4)), table));
            assertTrue(e.getMessage().contains("(5, 3)"), e.getMessage());
        }
    }

    private static void check(Supplier<Net> make) {
        try (Net plainNet = make.get(); Net scopedNet = make.get();
                NDManager m = plainNet.manager().newSubManager()) {
            attachGradients(plainNet);
            attachGradients(scopedNet);
            Map<String, float[]> plain = gradients(plainNet, m, false);
            Map<String, float[]> scoped = gradients(scopedNet, m, true);
            assertEquals(plain.keySet(), scoped.keySet());
            boolean tableSeen = false;
            for (String name : plain.keySet()) {
                assertArrayEquals(plain.get(name), scoped.get(name), plainNet.name() + ": gradient of " + name);
                tableSeen |= name.equals(tableName(plainNet));
            }
            assertTrue(tableSeen, plainNet.name() + " has an embedding table");
            float[] table = plain.get(tableName(plainNet));
            long nonZeroRows = 0;
            for (int r = 0; r < VOCABULARY; r++) {
                int width = table.length / VOCABULARY;
                for (int j = 0; j < width; j++) {
                    if (table[r * width + j] != 0) {
                        nonZeroRows++;
                        break;
                    }
                }
            }
            assertTrue(nonZeroRows >= VOCABULARY - 1, plainNet.name() + ": rows with a gradient " + nonZeroRows);
        }
    }

    /** Every parameter's gradient after one backward pass of a weighted sum of the outputs. */
    private static Map<String, float[]> gradients(Net net, NDManager m, boolean scope) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (EmbeddingGradients rows = scope ? EmbeddingGradients.open() : null) {
            backward(net, m, rows == null ? null : table -> rows.flush());
        }
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            try (NDArray g = p.getValue().getArray().getGradient()) {
                out.put(p.getKey(), g.toFloatArray());
            }
        }
        return out;
    }

    /** One backward pass; {@code afterwards} (if any) runs before the pass's arrays are closed. */
    private static void backward(Net net, NDManager m, java.util.function.Consumer<NDArray> afterwards) {
        try (NDManager pass = m.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            Random random = new Random(11);
            float[] ids = new float[4 * LENGTH];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(VOCABULARY); // 32 ids from 12: every id repeats
            }
            NDArray out = net.forward(pass.create(ids, new Shape(4, LENGTH)), true);
            float[] w = new float[Math.toIntExact(out.size())];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian();
            }
            NDArray weights = pass.create(w, out.getShape());
            collector.backward(out.mul(weights).sum());
            if (afterwards != null) {
                afterwards.accept(table(net));
            }
        }
    }

    private static void attachGradients(Net net) {
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            p.getValue().getArray().setRequiresGradient(true);
        }
    }

    private static void zeroGradients(Net net) {
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p.getValue().getArray());
        }
    }

    private static String tableName(Net net) {
        return net.block().getParameters().stream().filter(p -> p.getValue().getArray().getShape().get(0) == VOCABULARY
                && p.getKey().contains("Embedding")).map(Pair::getKey).findFirst().orElseThrow();
    }

    private static NDArray table(Net net) {
        return net.block().getParameters().get(tableName(net)).getArray();
    }
}
