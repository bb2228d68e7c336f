package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * {@link TorchPrune}'s API beyond what torch itself checks (that is the benchmark module's
 * {@code org.prunekit.bench.TorchConformanceTest}): parameter names, errors, and masks that stay
 * put during fine-tuning.
 */
class TorchPruneTest {

    private static String error(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    private static int zeros(float[] mask) {
        int z = 0;
        for (float v : mask) {
            z += v == 0f ? 1 : 0;
        }
        return z;
    }

    /** @return how many columns (dim 1) of a rows x cols mask are entirely pruned */
    private static int emptyColumns(float[] mask, int rows, int cols) {
        int n = 0;
        for (int c = 0; c < cols; c++) {
            boolean empty = true;
            for (int r = 0; r < rows; r++) {
                empty &= mask[r * cols + c] == 0f;
            }
            n += empty ? 1 : 0;
        }
        return n;
    }

    @Test
    void parametersAreNamedAfterTheLayers() {
        try (Net net = Models.sequential("t", 1, 6, 6).conv(4, 3).relu().flatten().dense(8, false).relu().dense(2)
                .build()) {
            assertEquals(List.of("conv1.weight", "conv1.bias", "fc1.weight", "fc2.weight", "fc2.bias"),
                    TorchPrune.parameters(net));
            assertEquals(36, TorchPrune.mask(net, "conv1.weight").length);
            assertEquals(0, zeros(TorchPrune.mask(net, "conv1.weight")), "no mask yet: all ones");
            assertTrue(net.masks().isEmpty(), "asking for a mask registers none");
        }
    }

    @Test
    void theReadmeExampleRunsOnLeNet5() {
        try (Net net = Models.lenet5()) {
            TorchPrune.l1Unstructured(net, "fc1.weight", 0.5);
            TorchPrune.lnStructured(net, "conv2.weight", 0.25, 2, 1);
            TorchPrune.globalUnstructured(net, List.of("fc1.weight", "fc1.bias", "fc2.weight"), 0.9);
            int firstStep = 120 * 400 / 2; // fc1.weight (120, 400) at 0.5
            int unpruned = 120 * 400 - firstStep + 120 + 84 * 120; // then fc1.bias (120) and fc2.weight (84, 120)
            int globalStep = zeros(TorchPrune.mask(net, "fc1.weight")) - firstStep
                    + zeros(TorchPrune.mask(net, "fc1.bias")) + zeros(TorchPrune.mask(net, "fc2.weight"));
            assertEquals(Selection.count(0.9, unpruned), globalStep, "0.9 of the entries still unpruned");
            assertEquals(16 * 2 * 25, zeros(TorchPrune.mask(net, "conv2.weight")), "round(1.5) = 2 of 6 input channels");
        }
    }

    @Test
    void unknownParametersAreClearErrorsListingTheValidOnes() {
        try (Net net = Models.sequential("t", 4).dense(3, false).relu().dense(2).build()) {
            String valid = "[fc1.weight, fc2.weight, fc2.bias]";
            String e = error(() -> TorchPrune.l1Unstructured(net, "fc9.weight", 0.5));
            assertTrue(e.contains("has no layer 'fc9'") && e.contains(valid), e);
            e = error(() -> TorchPrune.l1Unstructured(net, "fc1", 0.5));
            assertTrue(e.contains("write layer.weight or layer.bias, e.g. fc1.weight") && e.contains(valid), e);
            e = error(() -> TorchPrune.l1Unstructured(net, "relu1.weight", 0.5));
            assertTrue(e.contains("Layer relu1 is a relu") && e.contains(valid), e);
            e = error(() -> TorchPrune.l1Unstructured(net, "fc1.bias", 0.5));
            assertTrue(e.contains("fc1 has no parameter 'bias' (it was built without a bias)"), e);
            e = error(() -> TorchPrune.l1Unstructured(net, "fc2.gamma", 0.5));
            assertTrue(e.contains("no parameter 'gamma'"), e);
            assertTrue(net.masks().isEmpty());
        }
    }

    @Test
    void badArgumentsAreClearErrorsAndChangeNothing() {
        try (Net net = Models.sequential("t", 4).dense(3).relu().dense(2).build()) {
            assertTrue(error(() -> TorchPrune.l1Unstructured(net, "fc1.weight", -0.1)).contains("not a fraction in [0, 1]"));
            assertTrue(error(() -> TorchPrune.l1Unstructured(net, "fc1.weight", Double.NaN)).contains("[0, 1]"));
            assertTrue(error(() -> TorchPrune.l1Unstructured(net, "fc1.weight", -1)).contains("is negative"));
            assertTrue(error(() -> TorchPrune.l1Unstructured(net, "fc1.weight", 13))
                    .contains("amount=13 is more than the 12 entries of fc1.weight that are still unpruned"));
            assertTrue(error(() -> TorchPrune.l1Unstructured(net, "fc1.weight", 0.5, new float[5]))
                    .contains("have 5 values, but fc1.weight has shape (3, 4) = 12 entries"));
            assertTrue(error(() -> TorchPrune.lnStructured(net, "fc1.weight", 0.5, 0, 0))
                    .contains("n must be a positive number"));
            assertTrue(error(() -> TorchPrune.lnStructured(net, "fc1.weight", 0.5, 2, -3)).contains("dim=-3"));
            assertTrue(error(() -> TorchPrune.lnStructured(net, "fc1.bias", 0.5, 2, 0)).contains("two or more axes"));
            assertTrue(error(() -> TorchPrune.randomStructured(net, "fc1.weight", 4, 0, 1))
                    .contains("amount=4 is more than the 3 channels along dim 0 of fc1.weight"));
            assertTrue(error(() -> TorchPrune.globalUnstructured(net, List.of(), 0.5)).contains("no parameters"));
            assertTrue(error(() -> TorchPrune.globalUnstructured(net, List.of("fc1.weight", "fc1.weight"), 0.5))
                    .contains("listed twice"));
            assertTrue(error(() -> TorchPrune.globalUnstructured(net, List.of("fc1.weight"), 0.5,
                    Map.of("fc2.weight", new float[6]))).contains("not among the parameters to prune [fc1.weight]"));
            assertTrue(error(() -> TorchPrune.customFromMask(net, "fc2.bias", new float[] {1, 0.5f}))
                    .contains("only 0 (prune) and 1 (keep)"));
            assertTrue(net.masks().isEmpty(), "nothing was registered");
            float[] nan = new float[12];
            nan[3] = Float.NaN;
            assertTrue(assertThrows(IllegalStateException.class, () -> TorchPrune.l1Unstructured(net, "fc1.weight", 0.5,
                    nan)).getMessage().contains("non-finite"));
        }
    }

    @Test
    void customMasksAndRandomMethodsCombineWithTheMaskThere() {
        try (Net net = Models.sequential("t", 10).dense(8).relu().dense(2).build()) {
            TorchPrune.customFromMask(net, "fc2.bias", new float[] {0, 1});
            assertArrayEquals(new float[] {0, 1}, TorchPrune.mask(net, "fc2.bias"));
            TorchPrune.customFromMask(net, "fc2.bias", new float[] {1, 1});
            assertArrayEquals(new float[] {0, 1}, TorchPrune.mask(net, "fc2.bias"), "a pruned entry stays pruned");
            assertEquals(0f, net.layer("fc2").bias().getArray().getFloat(0));
            TorchPrune.randomUnstructured(net, "fc1.weight", 0.25, 3);
            TorchPrune.randomUnstructured(net, "fc1.weight", 20, 4);
            assertEquals(20 + 20, zeros(TorchPrune.mask(net, "fc1.weight")), "0.25 of 80, then 20 of the 60 left");
            TorchPrune.randomStructured(net, "fc1.weight", 0.5, 1, 5);
            int emptyColumns = emptyColumns(TorchPrune.mask(net, "fc1.weight"), 8, 10);
            assertTrue(emptyColumns >= 5, "half of the 10 input columns, and any emptied before: " + emptyColumns);
        }
    }

    @Test
    void masksStayPutDuringFineTuningWeightsAndBiases() {
        DataSplit data = Datasets.mnist().optLimit(512).optTestLimit(64).build();
        try (Net net = Models.lenet300100()) {
            TorchPrune.globalUnstructured(net, List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc3.weight"), 0.8);
            TorchPrune.lnStructured(net, "fc2.weight", 0.5, 2, 1);
            TorchPrune.l1Unstructured(net, "fc3.bias", 3);
            Map<String, float[]> masks = new java.util.LinkedHashMap<>();
            for (String p : TorchPrune.parameters(net)) {
                masks.put(p, TorchPrune.mask(net, p));
            }
            Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
            int checked = 0;
            for (String p : TorchPrune.parameters(net)) {
                String layer = p.substring(0, p.lastIndexOf('.'));
                float[] v = (p.endsWith(".bias") ? net.layer(layer).bias() : net.layer(layer).weight()).getArray()
                        .toFloatArray();
                float[] m = masks.get(p);
                for (int i = 0; i < v.length; i++) {
                    if (m[i] == 0f) {
                        assertTrue(v[i] == 0f, p + "[" + i + "] was pruned and must stay zero, is " + v[i]);
                        checked++;
                    }
                }
            }
            assertTrue(checked > 200_000, "pruned entries checked: " + checked);
            assertTrue(zeros(masks.get("fc1.bias")) > 0, "the bias took part in the global ranking");
            assertEquals(3, zeros(masks.get("fc3.bias")));
            int emptyColumns = emptyColumns(TorchPrune.mask(net, "fc2.weight"), 100, 300); // dim 1: the 300 inputs
            assertTrue(emptyColumns >= 150, "half of the input columns: " + emptyColumns);
            SparsityReport r = SparsityReport.of(net);
            assertTrue(r.row("fc1").sparsity() > 0.7, r.toString());
        }
    }
}
