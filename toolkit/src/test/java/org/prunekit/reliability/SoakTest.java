package org.prunekit.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * 200 prune / fine-tune / evaluate cycles (after 200 warm-up cycles): native memory (RSS) stays
 * flat within 48 MB and no native array is left behind. The test JVM runs
 * with a fixed, pre-touched heap (see the Surefire argLine), so RSS growth is native growth.
 */
class SoakTest {

    private static final int WARM_UP = 200;
    private static final int MEASURED = 200;

    @Test
    void rssIsFlatOverTwoHundredPruneFineTuneEvaluateCycles() {
        DataSplit data = Datasets.mnist().optLimit(256).optTestLimit(200).build();
        Importance[] criteria = {Importance.magnitudeL1(), Importance.taylor(), Importance.entropy(), Importance.apoz()};
        long[] rss = new long[WARM_UP + MEASURED + 1];
        long[] arrays = new long[rss.length];
        try (Net base = Models.lenet5()) {
            Training.fit(base, data, TrainConfig.epochs(1), Progress.none());
            for (int cycle = 0; cycle < rss.length; cycle++) {
                try (Net net = base.copy()) {
                    Importance imp = criteria[cycle % criteria.length];
                    Granularity g = cycle % 2 == 0 ? Granularity.UNSTRUCTURED : Granularity.STRUCTURED;
                    Pruner.builder().setImportance(imp).setSparsity(0.5).optGranularity(g).optScope(Scope.GLOBAL)
                            .optSamples(64).build().plan(net, data).apply();
                    if (g.removesUnits()) {
                        net.removePrunedUnits();
                    }
                    Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
                    net.evaluate(data.test());
                }
                rss[cycle] = Memory.rssMb();
                arrays[cycle] = Memory.liveArrays(base.manager());
            }
        }
        // The allocator and the JIT settle within ~200 cycles; after that RSS moves in steps of tens of MB
        // (glibc arenas; measured +18 to +25 MB over the next 200 cycles, flat over 600), so the RSS bound
        // is 48 MB, which catches any sizeable leak; the exact count of live native arrays catches small ones.
        long warm = rss[WARM_UP];
        long end = rss[WARM_UP + MEASURED];
        System.out.printf("RSS after cycle 1: %d MB, %d: %d MB, %d: %d MB; live arrays %d -> %d%n", rss[1], WARM_UP,
                warm, WARM_UP + MEASURED, end, arrays[WARM_UP], arrays[WARM_UP + MEASURED]);
        assertTrue(end - warm <= 48, "RSS grew from " + warm + " MB to " + end + " MB over " + MEASURED + " cycles");
        assertEquals(arrays[WARM_UP], arrays[WARM_UP + MEASURED], "native arrays leaked into the base net or the"
                + " engine's system manager");
    }
}
