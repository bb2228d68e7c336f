package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** N:M semi-structured sparsity: the pattern, the choice of weights, the layers that cannot take it. */
class NmSparsityTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(300).optTestLimit(100).build();

    @Test
    void twoOfFourKeepsTheTwoLargestOfEveryFourConsecutiveInputs() {
        try (Net net = Models.lenet300100()) {
            float[][] before = new float[3][];
            for (int i = 0; i < 3; i++) {
                before[i] = net.prunableLayers().get(i).weight().getArray().toFloatArray();
            }
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1())
                    .optGranularity(Granularity.nm(2, 4)).build().plan(net);
            assertEquals(0.5, plan.sparsityAfter(), 1e-12);
            SparsityReport r = plan.apply();
            for (int i = 0; i < 3; i++) {
                Layer l = net.prunableLayers().get(i);
                float[] w = l.weight().getArray().toFloatArray();
                for (int g = 0; g < w.length; g += 4) {
                    // an independent computation: the two largest |w| of the four
                    Integer[] order = {g, g + 1, g + 2, g + 3};
                    float[] b = before[i];
                    Arrays.sort(order, (x, y) -> Float.compare(Math.abs(b[y]), Math.abs(b[x])));
                    for (int j = 0; j < 4; j++) {
                        boolean kept = j < 2;
                        assertEquals(kept ? b[order[j]] : 0f, w[order[j]], 0f, l.name() + " group " + g / 4);
                    }
                }
                assertEquals("2:4", r.row(l.name()).pattern());
                assertEquals("2:4 sparse (sparse tensor cores only)", r.row(l.name()).status());
            }
            // the zeros stay through fine-tuning
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            for (Layer l : net.prunableLayers()) {
                assertTrue(NmPattern.holds(l.weight().getArray().toFloatArray(), l.weight().getArray().getShape(), 2, 4),
                        l.name());
            }
        }
    }

    @Test
    void convolutionsAreGroupedAlongInputChannelsAndLayersThatDoNotFitAreSkippedWithTheReason() {
        try (Net net = Models.smallCnn()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.taylor()).optGranularity(Granularity.nm(1, 4))
                    .build().plan(net, DATA);
            // conv1 reads 1 channel: not a multiple of 4; conv2 (16), fc1 (1568) and fc2 (64) are
            assertEquals(java.util.Set.of("conv1"), plan.skipped().keySet());
            assertTrue(plan.skipped().get("conv1").contains("multiple of M = 4"), plan.skipped().toString());
            assertTrue(plan.toString().contains("skipped conv1"), plan.toString());
            plan.apply();
            Layer conv2 = net.layer("conv2");
            Shape shape = conv2.weight().getArray().getShape();
            float[] w = conv2.weight().getArray().toFloatArray();
            assertTrue(NmPattern.holds(w, shape, 1, 4));
            // one of every four input channels at each kernel position: a quarter of the weights
            assertEquals(w.length / 4, Arrays.stream(toDouble(w)).filter(v -> v != 0).count());
            assertEquals("1:4", SparsityReport.of(net).row("conv2").pattern());
            assertEquals("", SparsityReport.of(net).row("conv1").pattern());
        }
    }

    @Test
    void fourOfEightAfterUnstructuredPruningOnlyRemovesMore() {
        try (Net net = Models.lenet5()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.3).build().plan(net).apply();
            float[] old = net.layer("fc1").weight().getArray().toFloatArray();
            PruningPlan plan = Pruner.builder().setImportance(Importance.random(3)).optGranularity(Granularity.nm(4, 8))
                    .build().plan(net);
            assertTrue(plan.skipped().containsKey("conv1") && plan.skipped().containsKey("conv2")
                    && plan.skipped().containsKey("fc3"), plan.skipped().toString()); // 1, 6 and 84 inputs
            plan.apply();
            float[] now = net.layer("fc1").weight().getArray().toFloatArray();
            for (int i = 0; i < old.length; i++) {
                if (old[i] == 0) {
                    assertTrue(now[i] == 0, "pruned weights stay pruned");
                }
            }
            assertTrue(NmPattern.holds(now, net.layer("fc1").weight().getArray().getShape(), 4, 8));
        }
    }

    @Test
    void badPatternsAndSettingsSayWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> Granularity.nm(4, 4));
        assertThrows(IllegalArgumentException.class, () -> Granularity.nm(0, 4));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> Granularity.nm(5, 4));
        assertTrue(big.getMessage().contains("1 <= N < M"), big.getMessage());
        IllegalStateException sparsity = assertThrows(IllegalStateException.class, () -> Pruner.builder()
                .setImportance(Importance.magnitudeL1()).setSparsity(0.9).optGranularity(Granularity.nm(2, 4)).build());
        assertTrue(sparsity.getMessage().contains("0.5"), sparsity.getMessage());
        assertThrows(IllegalStateException.class, () -> Pruner.builder().setImportance(Importance.magnitudeL1())
                .optGranularity(Granularity.nm(2, 4)).optScope(Scope.GLOBAL).build());
        try (Net net = Models.lenet5()) {
            IllegalArgumentException conv1 = assertThrows(IllegalArgumentException.class, () -> Pruner.builder()
                    .setImportance(Importance.magnitudeL1()).optGranularity(Granularity.nm(2, 4)).optLayers("conv1")
                    .build().plan(net));
            assertTrue(conv1.getMessage().contains("conv1") && conv1.getMessage().contains("multiple of M = 4"),
                    conv1.getMessage());
        }
        assertEquals(Granularity.nm(2, 4), Granularity.nm(2, 4));
        assertEquals("2:4", Granularity.nm(2, 4).toString());
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
