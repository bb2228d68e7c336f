package org.prunekit.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.model.Quantization;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** Symmetric per-channel quantization, its file format, and the deep-compression table. */
class QuantizationTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(1000).optTestLimit(300).build();

    @Test
    void roundingMatchesAHandComputation() {
        float[] w = {1f, -0.5f, 0.25f, 0f, 0.1f, 0.2f, -0.4f, 0f};
        // 3 bits: codes -3..3; unit 0 scale 1/3, unit 1 scale 0.4/3
        float s0 = 1f / 3;
        float s1 = 0.4f / 3;
        assertArrayEquals(new float[] {s0, s1}, Quantization.scales(w, 2, 3), 1e-7f);
        assertArrayEquals(new float[] {3 * s0, -1 * s0, 1 * s0, 0, 1 * s1, 2 * s1, -3 * s1, 0},
                Quantization.roundTrip(w, 2, 3), 1e-7f);
        assertEquals(127, Quantization.levels(8));
        assertEquals(1, Quantization.levels(2));
        float[] once = Quantization.roundTrip(w, 2, 3);
        assertArrayEquals(once, Quantization.roundTrip(once, 2, 3), 0f, "quantized values are on the grid");
    }

    @Test
    void aQuantizedNetKeepsItsZerosAndAtMost2PowBValuesPerUnit(@TempDir Path dir) {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.9).optScope(Scope.GLOBAL).build()
                    .plan(net).apply();
            double before = net.accuracy(DATA.test());
            long sparse = NetIO.save(net, dir.resolve("sparse.pk"), NetIO.Format.SPARSE);
            QuantizationReport r = Quantizer.perChannel(4).apply(net);
            assertEquals(3, r.rows().size());
            assertTrue(r.row("fc1").relativeError() < 0.2, r.toString());
            for (Layer l : net.prunableLayers()) {
                float[] w = l.weight().getArray().toFloatArray();
                int units = (int) l.weight().getArray().getShape().get(0);
                int per = w.length / units;
                for (int u = 0; u < units; u++) {
                    Set<Float> distinct = new HashSet<>();
                    for (int j = u * per; j < (u + 1) * per; j++) {
                        distinct.add(w[j]);
                    }
                    assertTrue(distinct.size() <= 15, l.name() + " unit " + u + ": " + distinct.size());
                }
            }
            assertEquals(0.9, org.prunekit.prune.SparsityReport.of(net).sparsity(), 1e-3, "zeros stay zero");
            assertTrue(Math.abs(net.accuracy(DATA.test()) - before) < 0.05);
            // the file holds exactly these values, in fewer bytes
            long quantized = NetIO.saveQuantized(net, dir.resolve("q4.pk"), 4);
            assertTrue(quantized < sparse * 0.6, quantized + " vs " + sparse);
            try (Net back = NetIO.load(dir.resolve("q4.pk"))) {
                for (int i = 0; i < net.prunableLayers().size(); i++) {
                    assertArrayEquals(net.prunableLayers().get(i).weight().getArray().toFloatArray(),
                            back.prunableLayers().get(i).weight().getArray().toFloatArray(), 0f);
                }
                assertArrayEquals(net.layer("fc1").bias().getArray().toFloatArray(),
                        back.layer("fc1").bias().getArray().toFloatArray(), 0f, "biases stay 32-bit");
                assertEquals(net.masks().size(), back.masks().size());
                assertEquals(net.accuracy(DATA.test()), back.accuracy(DATA.test()));
            }
        }
    }

    @Test
    void convolutionsAndBatchNormsQuantizeAndLoad(@TempDir Path dir) {
        try (Net net = Models.resNet8()) {
            Quantizer.perChannel(8).apply(net);
            NetIO.saveQuantized(net, dir.resolve("r8.pk"), 8);
            try (Net back = NetIO.load(dir.resolve("r8.pk"))) {
                assertArrayEquals(net.logits(DATA.test())[0], back.logits(DATA.test())[0], 0f);
            }
        }
    }

    @Test
    void deepCompressionMeasuresSizeAndAccuracyForEverySparsityAndBitWidth() {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            DeepCompression.Result r = DeepCompression.builder().setSparsities(0, 0.9).setBits(32, 8, 4)
                    .optFineTune(TrainConfig.epochs(0)).optProgress(Progress.none()).build()
                    .run(net, DATA);
            assertEquals(6, r.points().size());
            assertTrue(r.point(0.9, 4).bytes() < r.point(0.9, 8).bytes());
            assertTrue(r.point(0.9, 8).bytes() < r.point(0.9, 32).bytes());
            assertTrue(r.point(0.9, 32).bytes() < r.point(0, 32).bytes());
            assertTrue(r.denseBytes() / (double) r.point(0.9, 4).bytes() > 20, r.toString());
            assertEquals(r.denseAccuracy(), r.point(0, 32).accuracy(), 0);
            assertEquals(6, r.toTable().rowCount());
        }
    }

    @Test
    void badBitWidthsAreRefused(@TempDir Path dir) throws Exception {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> Quantizer.perChannel(1));
        assertTrue(one.getMessage().contains("2 to 16"), one.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quantizer.perChannel(17));
        try (Net net = Models.mlp(8)) {
            assertThrows(IllegalArgumentException.class, () -> NetIO.saveQuantized(net, dir.resolve("x.pk"), 0));
            // save(..., QUANTIZED) means 8 bits
            NetIO.save(net, dir.resolve("q.pk"), NetIO.Format.QUANTIZED);
            NetIO.saveQuantized(net, dir.resolve("q8.pk"), 8);
            assertEquals(java.nio.file.Files.size(dir.resolve("q8.pk")), java.nio.file.Files.size(dir.resolve("q.pk")));
        }
        assertThrows(IllegalArgumentException.class, () -> DeepCompression.builder().setBits(8, 20));
        assertThrows(IllegalArgumentException.class, () -> DeepCompression.builder().setSparsities(1.0));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> DeepCompression.builder().setBits(8).build());
        assertTrue(missing.getMessage().contains("setSparsities"), missing.getMessage());
        assertThrows(NullPointerException.class, () -> DeepCompression.builder().optFineTune(null));
    }
}
