package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.prunekit.data.Datasets;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.train.Progress;

/** Compression of a shrunk net is measured against the net as built (or a reference), not against itself. */
class CompressionTest {

    private static final Map<String, Supplier<Net>> MODELS = Map.of("lenet300100", Models::lenet300100, "lenet5",
            Models::lenet5, "resNet8", Models::resNet8);

    private static void removeUnits(Net net, double share) {
        Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(share)
                .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
        net.removePrunedUnits();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet300100", "lenet5", "resNet8"})
    void aShrunkNetIsComparedWithItsWeightsAsBuilt(String model, @TempDir Path dir) {
        try (Net dense = MODELS.get(model).get(); Net shrunk = dense.copy()) {
            SparsityReport before = SparsityReport.of(dense);
            assertEquals(before.weights(), before.originalWeights());
            assertEquals(before.weights() / (double) before.nonZero(), before.compression(), 1e-12);

            removeUnits(shrunk, 0.75);
            SparsityReport after = SparsityReport.of(shrunk);
            assertTrue(after.weights() < before.weights() / 3, after.toString());
            assertEquals(after.weights(), after.nonZero(), "removal leaves no zeros behind: " + after);
            // every layer's weights as built are the dense net's, although its shapes changed
            for (SparsityReport.Row r : before.rows()) {
                assertEquals(r.weights(), after.row(r.layer()).originalWeights(), r.layer());
            }
            assertEquals(before.weights(), after.originalWeights());
            assertEquals(before.weights(), after.referenceWeights());
            assertEquals(before.weights() / (double) after.nonZero(), after.compression(), 1e-9);
            assertTrue(after.compression() > 3, "75 % of the units removed: " + after.compression());
            assertTrue(after.toTable().stringColumn("status").get(after.rows().size())
                    .startsWith(String.format("%.1fx fewer non-zero weights than %s as built", after.compression(),
                            shrunk.name())), after.toTable().print());

            // against the dense net explicitly: the same factor
            SparsityReport against = SparsityReport.of(shrunk, dense);
            assertEquals(dense.name(), against.reference());
            assertEquals(after.compression(), against.compression(), 1e-12);

            // a saved and loaded shrunk net still knows its weights as built
            NetIO.save(shrunk, dir.resolve("shrunk.pk"));
            try (Net loaded = NetIO.load(dir.resolve("shrunk.pk"))) {
                assertEquals(after.compression(), SparsityReport.of(loaded).compression(), 1e-12);
            }
        }
    }

    @Test
    void maskingThenRemovingMultipliesTheFactors() {
        try (Net net = Models.lenet300100()) {
            long dense = SparsityReport.of(net).weights();
            removeUnits(net, 0.5);
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.8).build().plan(net).apply();
            SparsityReport r = SparsityReport.of(net);
            assertEquals(dense / (double) r.nonZero(), r.compression(), 1e-9);
            assertTrue(r.compression() > 2 * 4, r.toString());
        }
    }

    @Test
    void comparisonMeasuresEveryNetAgainstTheFirst() {
        ImageSet test = Datasets.mnist().optLimit(100).optTestLimit(100).build().test();
        try (Net dense = Models.lenet300100(); Net masked = dense.copy(); Net shrunk = dense.copy()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.9).build().plan(masked).apply();
            removeUnits(shrunk, 0.75);
            Map<String, Net> nets = new LinkedHashMap<>();
            nets.put("dense", dense);
            nets.put("masked", masked);
            nets.put("shrunk", shrunk);
            Comparison c = NetComparison.builder().optBatchSize(100).optProgress(Progress.none()).build()
                    .run(nets, test);
            assertEquals(1.0, c.row("dense").compression(), 1e-12);
            assertEquals(SparsityReport.of(masked).compression(), c.row("masked").compression(), 1e-9);
            assertEquals(SparsityReport.of(shrunk, dense).compression(), c.row("shrunk").compression(), 1e-9);
            assertTrue(c.row("shrunk").compression() > 3, c.toString());
            assertEquals("compression vs dense (x)", c.toTable().column(3).name());
            // a batch larger than the test set times the whole set, and the table says how many images that was
            Comparison all = NetComparison.builder().optBatchSize(1000).optProgress(Progress.none()).build()
                    .run(Map.of("dense", dense), test);
            assertEquals(100, all.batchSize());
            assertTrue(all.toTable().columnNames().contains("ms per 100 images"), all.toString());
        }
    }
}
