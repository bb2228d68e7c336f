package org.prunekit.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prunekit.PruneKit;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparsityReport;

/**
 * Sparse inference against the masked dense net it came from (the engine's forward pass): on an
 * MLP, LeNet-5, the small CNN with batch norms, ResNet-8 and a net with a depthwise convolution,
 * at batch 1 and 9, every layer forced sparse and as measured. The kernels themselves are checked
 * against plain loops in {@link SparseKernelTest}.
 */
class SparseInferenceTest {

    /** Prunes 90 % globally by magnitude and gives the batch norms running statistics other than 0 and 1. */
    private static Net pruned(Supplier<Net> make, double sparsity) {
        Net net = make.get();
        Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(sparsity).optScope(Scope.GLOBAL).build()
                .plan(net).apply();
        Random r = new Random(5);
        for (Layer l : net.layers()) {
            if (l.isBatchNorm()) {
                for (String key : List.of("gamma", "beta", "runningMean", "runningVar")) {
                    NDArray a = l.parameter(key).getArray();
                    float[] v = a.toFloatArray();
                    for (int i = 0; i < v.length; i++) {
                        v[i] = key.equals("runningVar") ? 0.5f + r.nextFloat() : (float) r.nextGaussian() * 0.5f
                                + (key.equals("gamma") ? 1 : 0);
                    }
                    a.set(v);
                }
            }
        }
        return net;
    }

    private static void assertSameOutputs(Net net, SparseInference sparse, int batch) {
        PruneKit.noGrad();
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = m.randomNormal(new Shape(batch).addAll(net.inputShape()));
            float[] expected = net.forward(x, false).toFloatArray();
            float[] actual = sparse.forward(x.toFloatArray(), batch);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), net.name() + " output "
                        + i + " at batch " + batch);
            }
            NDArray y = sparse.forward(x);
            assertEquals(new Shape(batch, net.numClasses()), y.getShape());
            assertArrayEquals(actual, y.toFloatArray(), 0f, "an engine batch computes what its values do");
            assertArrayEquals(actual, sparse.forward(x).toFloatArray(), 0f, "again, through the reused buffers");
        }
    }

    /** Every layer forced sparse at batch 1 and 9, and all dense; {@code measured}: also as measured. */
    private static void check(Supplier<Net> make, int expectedSparse, boolean measured) {
        try (Net net = pruned(make, 0.9)) {
            for (int batch : new int[] {1, 9}) {
                SparseInference all = SparseInference.of(net, batch, SparseInference.Choice.SPARSE);
                assertEquals(expectedSparse, all.plan().sparseLayers().size(), all.plan().toString());
                assertSameOutputs(net, all, batch);
                all.close();
                float[] none = new float[Math.toIntExact(net.inputShape().size()) * batch];
                assertThrows(IllegalStateException.class, () -> all.forward(none, batch), "closed");
                if (!measured) {
                    continue;
                }
                SparseInference timed = SparseInference.of(net, batch);
                assertSameOutputs(net, timed, batch);
                boolean wholeDense = timed.plan().overall().endsWith("the whole net runs dense");
                if (!timed.plan().rows().stream().allMatch(row -> row.sparseMicros() >= row.denseMicros())) {
                    // some layer measured faster sparse, so the whole net was timed both ways
                    double speedUp = timed.plan().speedUp();
                    assertEquals(wholeDense ? 1.0 : timed.plan().denseNetMicros() / timed.plan().sparseNetMicros(),
                            speedUp, 1e-12, timed.plan().toString());
                    assertTrue(speedUp >= 1, "the form chosen is the faster one: " + timed.plan());
                }
                for (SparsePlan.Row row : timed.plan().rows()) {
                    assertFalse(Double.isNaN(row.denseMicros()), row.toString());
                    // every layer with zeros was also timed on its kernel without them: the gain of the zeros alone
                    assertTrue(row.javaDenseMicros() > 0 && Double.isFinite(row.javaDenseMicros()), row.toString());
                    if (row.density() == 1) {
                        assertEquals(1.0, row.zerosGain(), 0, row.toString());
                    }
                    SparsityReport.Row status = SparsityReport.of(net).withInference(timed.plan()).rows().stream()
                            .filter(x -> x.layer().equals(row.layer())).findFirst().orElseThrow();
                    assertEquals(row.sparse(), status.runsSparse(), status.inference());
                    assertEquals(row.sparse(), status.inference().contains(String.format(java.util.Locale.ROOT,
                            "the zeros alone %.2fx", row.zerosGain())), status.inference());
                    // the fastest of the engine, the sparse kernel and (for a layer with zeros) the dense Java kernel runs
                    double java = Math.min(row.sparseMicros(), row.javaDenseMicros());
                    assertEquals(!wholeDense && java < row.denseMicros(), row.java(), row.toString());
                    assertEquals(row.java() && row.javaDenseMicros() < row.sparseMicros(),
                            row.form() == SparsePlan.Form.JAVA_DENSE, row.toString());
                }
            }
            SparseInference dense = SparseInference.of(net, 1, SparseInference.Choice.DENSE);
            assertTrue(dense.plan().sparseLayers().isEmpty());
            assertTrue(Double.isNaN(dense.plan().speedUp()), "not measured");
            assertSameOutputs(net, dense, 3);
        }
    }

    @Test
    void mlpEqualsMaskedDense() {
        check(() -> Models.mlp("MLP", 3, 64, 32), 3, true);
    }

    @Test
    void lenet5EqualsMaskedDense() {
        check(Models::lenet5, 5, true);
    }

    @Test
    void smallCnnWithBatchNormsEqualsMaskedDense() {
        check(Models::smallCnn, 4, false);
    }

    @Test
    void residualNetEqualsMaskedDense() {
        check(Models::resNet8, 10, false);
    }

    @Test
    void depthwiseAndStridedConvolutionsEqualMaskedDense() {
        check(() -> Models.sequential("DW", 3, 13, 11).conv(8, 3, 2, 1).relu().depthwiseConv(3, 1, 1).batchNorm()
                .relu().conv(6, 1).maxPool(3, 2).flatten().dropout(0.2).dense(10).build(4), 4, false);
    }

    @Test
    void layersWithoutZerosCompeteToo() {
        // at batch 1 a Java kernel can beat the engine's cost per call even without zeros: every layer is timed
        for (Supplier<Net> make : List.<Supplier<Net>>of(Models::lenet5, () -> Models.mlp("MLP", 3, 64, 32))) {
            try (Net net = make.get()) {
                SparseInference s = SparseInference.of(net, 1);
                assertSameOutputs(net, s, 1);
                for (SparsePlan.Row row : s.plan().rows()) {
                    assertEquals(1.0, row.density(), row.toString());
                    assertFalse(Double.isNaN(row.denseMicros()) || Double.isNaN(row.sparseMicros()), row.toString());
                    assertTrue(row.reason().startsWith("no zero weights; sparse kernel measured"), row.toString());
                }
            }
        }
    }

    @Test
    void layersThatReadAReluAreTimedOnInputsWithItsZeros() {
        // one vector with many zeros runs another path (column by column): the plan times each layer on the inputs
        // it will meet, with a ReLU's zeros where one comes before it (through pooling, flattening, dropout)
        try (Net mlp = pruned(Models::lenet300100, 0.9); Net cnn = pruned(Models::lenet5, 0.9);
                Net res = pruned(Models::resNet8, 0.5)) {
            Map<String, Boolean> expected = new LinkedHashMap<>();
            expected.put("LeNet-300-100/fc1", false);   // the image
            expected.put("LeNet-300-100/fc2", true);
            expected.put("LeNet-300-100/fc3", true);
            expected.put("LeNet-5/conv1", false);
            expected.put("LeNet-5/conv2", true);   // after ReLU and max pooling
            expected.put("LeNet-5/fc1", true);     // after ReLU, pooling and flattening
            expected.put("ResNet-8/conv1", false);
            expected.put("ResNet-8/res1.conv1", true);      // after the stem's ReLU and pooling
            expected.put("ResNet-8/res1.conv2", true);      // after the block's batch normalisation and ReLU
            expected.put("ResNet-8/res2.sc_conv1", true);   // the shortcut reads the block's input
            expected.put("ResNet-8/fc1", false);            // after global average pooling
            for (Net net : List.of(mlp, cnn, res)) {
                SparseInference s = SparseInference.of(net, 1);
                assertSameOutputs(net, s, 1);
                for (SparsePlan.Row row : s.plan().rows()) {
                    Boolean reads = expected.get(net.name() + "/" + row.layer());
                    if (reads != null) {
                        assertEquals(reads, row.reason().endsWith("(inputs with a ReLU's zeros)"),
                                net.name() + " " + row);
                    }
                }
            }
        }
    }

    @Test
    void netsWithUnitsRemovedRunOnTheKernelsToo() {
        // structured pruning leaves odd channel counts (a ResNet-8 at 30 %: 11/22/45) that no kernel was tuned for
        for (Supplier<Net> make : List.<Supplier<Net>>of(Models::lenet5, Models::resNet8, Models::smallCnn)) {
            try (Net net = make.get()) {
                long before = net.parameterCount();
                Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.3)
                        .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
                net.removePrunedUnits();
                assertTrue(net.parameterCount() < before, net.name() + " lost no units");
                for (int batch : new int[] {1, 9}) {
                    SparseInference s = SparseInference.of(net, batch, SparseInference.Choice.SPARSE);
                    assertEquals(s.plan().rows().size(), s.plan().sparseLayers().size(), s.plan().toString());
                    assertSameOutputs(net, s, batch);
                }
            }
        }
    }

    @Test
    void planSaysWhyALayerStaysDense() {
        try (Net net = pruned(() -> Models.sequential("Seq", 6, 5).lstm(8).timePool().dense(4).build(2), 0.5)) {
            SparseInference s = SparseInference.of(net, 1, SparseInference.Choice.SPARSE);
            String plan = s.plan().toString();
            assertTrue(plan.contains("no sparse kernel"), plan);
            assertTrue(s.plan().row("lstm1/input").isPresent() || plan.contains("lstm"), plan);
            assertSameOutputsAnyShape(net, s, 2);
        }
        assertThrows(NullPointerException.class, () -> SparseInference.of(null));
        try (Net net = Models.mlp(8)) {
            assertThrows(IllegalArgumentException.class, () -> SparseInference.of(net, 0));
        }
    }

    @Test
    void loadsASavedNetStraightIntoTheSparseFormWithLessMemory(@TempDir Path dir) {
        Path file = dir.resolve("lenet.net");
        try (Net net = pruned(Models::lenet300100, 0.9)) {
            NetIO.save(net, file, NetIO.Format.SPARSE);
            try (SparseInference s = SparseInference.load(file, 1, SparseInference.Choice.SPARSE)) {
                assertSameOutputs(net, s, 4);
                assertTrue(s.plan().row("fc1").orElseThrow().sparse(), s.plan().toString());
                long held = s.bytes() + s.engineBytes();
                assertEquals(4 * net.parameterCount(), s.denseBytes());
                assertTrue(held < 0.25 * s.denseBytes(), held + " bytes held of " + s.denseBytes() + "\n" + s);
                SparsityReport r = SparsityReport.of(net).withInference(SparseInference.of(net).plan());
                // measured: whichever form was faster here, the report says which runs
                String status = r.row("fc1").status();
                assertTrue(status.startsWith("runs sparse") || status.startsWith("masked, runs dense: sparse kernel ")
                        || status.startsWith("masked, runs on PruneKit's dense kernel"), r.toString());
                r = SparsityReport.of(net).withInference(s.plan());
                assertEquals("runs sparse", r.row("fc1").status());
                assertTrue(r.row("fc1").runsSparse());
                assertTrue(r.toString().contains("computed from their non-zero weights by SparseInference"), r.toString());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SparseInference.load(dir.resolve("missing.net"), 1));
    }

    private static void assertSameOutputsAnyShape(Net net, SparseInference sparse, int batch) {
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = m.randomNormal(new Shape(batch).addAll(net.inputShape()));
            float[] expected = net.forward(x, false).toFloatArray();
            float[] actual = sparse.forward(x.toFloatArray(), batch);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])));
            }
        }
    }

    @Test
    void theDenseKernelOfALayerWithZerosComputesWhatItsSparseKernelDoes() {
        // the dense form a measured plan may run instead of the sparse one (zeros multiplied): equal outputs, at
        // densities below the fixed threshold, for dense layers and convolutions, at batch 1 and with a batch
        Random r = new Random(11);
        for (int trial = 0; trial < 8; trial++) {
            int batch = trial % 2 == 0 ? 1 : 5 + r.nextInt(70);
            float[] w = new float[24 * 60];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextDouble() < 0.2 ? (float) r.nextGaussian() : 0f;
            }
            float[] x = new float[60 * batch];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            Steps.SparseDense sparse = new Steps.SparseDense(w, 24, 60, null, false);
            Steps.SparseDense dense = new Steps.SparseDense(w, 24, 60, null, true);
            assertFalse(sparse.holdsDense());
            assertTrue(dense.holdsDense());
            assertArrayEquals(sparse.run(x, batch).clone(), dense.run(x, batch), 1e-4f, "dense layer, batch " + batch);
            // a 3x3 convolution from 4 to 6 channels over 5x7 images, padding 1
            float[] cw = java.util.Arrays.copyOf(w, 6 * 4 * 9);
            float[] cx = new float[4 * 5 * 7 * batch];
            for (int i = 0; i < cx.length; i++) {
                cx[i] = (float) r.nextGaussian();
            }
            int[] geometry = {3, 3, 1, 1, 1, 1, 1, 1};
            SparseConv a = new SparseConv(cw, null, new int[] {4, 5, 7}, geometry, false);
            SparseConv b = new SparseConv(cw, null, new int[] {4, 5, 7}, geometry, true);
            assertTrue(b.holdsDense());
            float[] ya = new float[6 * 5 * 7 * batch];
            float[] yb = new float[ya.length];
            a.forward(cx, batch, ya);
            b.forward(cx, batch, yb);
            assertArrayEquals(ya, yb, 1e-4f, "convolution, batch " + batch);
        }
    }
}
