package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Models;
import org.prunekit.model.Net;

/**
 * {@link Pruner.Builder#optRoundTo}: every channel group keeps a multiple of the given count (the
 * count a plan without rounding keeps, rounded up, at most the whole group), on plain, batch-normed
 * and residual nets, layer-wise and global; the masked and the physically shrunk nets still agree.
 */
class RoundToTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(200).optTestLimit(64).build();
    private static final ImageSet PROBE = DATA.test().select(IntStream.range(0, 32).toArray(), "MNIST probe");

    static Map<String, Supplier<Net>> nets() {
        Map<String, Supplier<Net>> n = new LinkedHashMap<>();
        n.put("ResNet-8", Models::resNet8);
        n.put("SmallCNN", Models::smallCnn);
        n.put("LeNet-300-100", Models::lenet300100);
        n.put("LeNet-5 (a group of 6, below 8)", Models::lenet5);
        return n;
    }

    static List<String> names() {
        return List.copyOf(nets().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void everyGroupKeepsAMultipleAndMaskedEqualsShrunk(String name) {
        for (int roundTo : new int[] {8, 16}) {
            for (Scope scope : List.of(Scope.LAYER, Scope.GLOBAL)) {
                try (Net net = nets().get(name).get()) {
                    Pruner plain = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.3)
                            .optGranularity(Granularity.STRUCTURED).optScope(scope).build();
                    Pruner rounded = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.3)
                            .optGranularity(Granularity.STRUCTURED).optScope(scope).optRoundTo(roundTo).build();
                    assertEquals(roundTo, rounded.roundTo());
                    assertTrue(rounded.label().contains("round to " + roundTo), rounded.label());
                    Map<String, Integer> keptWithout = new LinkedHashMap<>();
                    plain.plan(net).layers().forEach(p -> keptWithout.put(p.layer(), p.total() - p.prunedAfter()));
                    PruningPlan plan = rounded.plan(net);
                    Map<String, Integer> kept = new LinkedHashMap<>();
                    for (LayerPlan p : plan.layers()) {
                        int k = p.total() - p.prunedAfter();
                        int up = (keptWithout.get(p.layer()) + roundTo - 1) / roundTo * roundTo;
                        String where = name + " " + scope + " round to " + roundTo + ": " + p.layer();
                        assertEquals(Math.min(p.total(), up), k, where);
                        assertTrue(k % roundTo == 0 || k == p.total(), where + " keeps " + k);
                        kept.put(p.layer(), k);
                    }
                    PruningChecks.applyAndShrink(net, plan, PROBE); // masked and shrunk agree within 1e-5
                    kept.forEach((group, k) -> assertEquals(k, net.channelGroups().named(group).channels(), group));
                }
            }
        }
    }

    @Test
    void aGroupThatReachesAMultipleIsRoundedAndSaysSo() {
        try (Net net = Models.resNet8()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.3)
                    .optGranularity(Granularity.STRUCTURED).optRoundTo(8).build().plan(net);
            // 30 % of 16, 32, 64 channels keeps 11, 22, 45 without rounding: 16, 24, 48 with it
            assertEquals(List.of(16, 16, 24, 24, 48, 48), plan.layers().stream()
                    .map(p -> p.total() - p.prunedAfter()).toList());
            assertTrue(plan.toString().contains("optRoundTo(8)"), plan.toString());
        }
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Pruner.builder().optRoundTo(0));
        assertTrue(zero.getMessage().contains("at least 1"), zero.getMessage());
        IllegalStateException perWeight = assertThrows(IllegalStateException.class, () -> Pruner.builder()
                .setImportance(Importance.magnitudeL1()).setSparsity(0.5).optRoundTo(8).build());
        assertTrue(perWeight.getMessage().contains("Granularity.STRUCTURED"), perWeight.getMessage());
    }
}
