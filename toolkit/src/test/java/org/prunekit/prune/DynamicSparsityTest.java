package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** {@link DynamicSparsity}: SET's drop-and-regrow keeps the counts, drops the smallest, regrows where inactive. */
class DynamicSparsityTest {

    private static Net smallNet() {
        return Models.sequential("t", 20).dense(16).relu().dense(4).build(7);
    }

    private static int active(float[] mask) {
        int n = 0;
        for (float v : mask) {
            n += v != 0f ? 1 : 0;
        }
        return n;
    }

    @Test
    void dropsTheSmallestActiveWeightsAndRegrowsAsManyAtInactivePositionsAtZero() {
        try (Net net = smallNet()) {
            TorchPrune.randomUnstructured(net, "fc1.weight", 240, 1);   // 320 weights, 80 active
            TorchPrune.randomUnstructured(net, "fc2.weight", 32, 2);    // 64 weights, 32 active
            TorchPrune.l1Unstructured(net, "fc1.bias", 4);              // a bias mask, to be kept as it is
            float[] biasMask = TorchPrune.mask(net, "fc1.bias");
            float[] maskBefore = TorchPrune.mask(net, "fc1.weight");
            float[] w = net.layer("fc1").weight().getArray().toFloatArray();

            DynamicSparsity.Update u = DynamicSparsity.set(0.3, 42).update(net);

            float[] maskAfter = TorchPrune.mask(net, "fc1.weight");
            float[] wAfter = net.layer("fc1").weight().getArray().toFloatArray();
            assertEquals(80, active(maskAfter), "as many active weights as before");
            assertEquals(32, active(TorchPrune.mask(net, "fc2.weight")));
            assertEquals(24, u.rows().get(0).dropped(), "round(0.3 * 80)");
            assertEquals(10, u.rows().get(1).dropped(), "round(0.3 * 32)");
            assertEquals(112, u.activeAfter());
            assertEquals(1 - 112 / 384.0, u.sparsity(), 1e-12);

            float largestDropped = 0;
            float smallestSurvivor = Float.MAX_VALUE;
            int regrown = 0;
            for (int i = 0; i < w.length; i++) {
                if (maskBefore[i] == 1f && maskAfter[i] == 0f) {
                    largestDropped = Math.max(largestDropped, Math.abs(w[i]));
                    assertEquals(0f, Math.abs(wAfter[i]), "a dropped weight is zero");
                } else if (maskBefore[i] == 1f) {
                    smallestSurvivor = Math.min(smallestSurvivor, Math.abs(w[i]));
                    assertEquals(w[i], wAfter[i], "a surviving weight keeps its value");
                } else if (maskAfter[i] == 1f) {
                    regrown++;
                    assertEquals(0f, Math.abs(wAfter[i]), "a regrown weight starts at zero");
                }
            }
            assertTrue(largestDropped <= smallestSurvivor, "the dropped ones are the smallest |w| among the active");
            assertEquals(24, regrown, "regrown only where the mask was 0 before the update");
            assertArrayEquals(biasMask, TorchPrune.mask(net, "fc1.bias"), "other masks are kept");
        }
    }

    @Test
    void theSameSeedGivesTheSameMasksAndTrainingKeepsThemAndMovesTheRegrownWeights() {
        DataSplit data = Datasets.mnist().optLimit(256).optTestLimit(64).optBatchSize(64).build();
        try (Net a = Models.lenet300100(); Net b = Models.lenet300100()) {
            for (Net n : new Net[] {a, b}) {
                Pruner.builder().setImportance(Importance.random(3)).setSparsity(0.9).optScope(Scope.GLOBAL).build()
                        .plan(n).apply();
            }
            long before = SparsityReport.of(a).nonZero();
            DynamicSparsity set = DynamicSparsity.set(0.3, 5);
            DynamicSparsity.Update u = set.update(a);
            DynamicSparsity.set(0.3, 5).update(b);
            assertArrayEquals(TorchPrune.mask(a, "fc1.weight"), TorchPrune.mask(b, "fc1.weight"));
            assertEquals(before, u.activeAfter());
            assertTrue(SparsityReport.of(a).nonZero() < before, "the regrown weights are still zero");

            Training.fit(a, data, TrainConfig.epochs(1), Progress.none());
            float[] mask = TorchPrune.mask(a, "fc1.weight");
            float[] w = a.layer("fc1").weight().getArray().toFloatArray();
            int outside = 0;
            for (int i = 0; i < w.length; i++) {
                outside += mask[i] == 0f && w[i] != 0f ? 1 : 0;
            }
            assertEquals(0, outside, "training keeps masked weights at zero");
            assertTrue(SparsityReport.of(a).nonZero() > u.activeAfter() - u.moved(), "training moves regrown weights off zero");
            DynamicSparsity.Update second = set.update(a);
            assertEquals(before, second.activeAfter());
            assertFalse(Arrays.equals(mask, TorchPrune.mask(a, "fc1.weight")), "the mask moved");
        }
    }

    @Test
    void refusesANetWithoutMasksAndAFractionOutsideZeroToOne() {
        try (Net net = smallNet()) {
            String message = assertThrows(IllegalArgumentException.class, () -> DynamicSparsity.set(0.3, 1).update(net))
                    .getMessage();
            assertTrue(message.contains("prune it first"), message);
        }
        assertThrows(IllegalArgumentException.class, () -> DynamicSparsity.set(1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> DynamicSparsity.set(Double.NaN, 1));
    }
}
