package org.prunekit.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * 200 prune / fine-tune / evaluate cycles: native memory (RSS) stays flat. The test JVM runs
 * with a fixed, pre-touched heap (see the Surefire argLine), so RSS growth is native growth.
 */
class SoakTest {

    static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no VmRSS");
    }

    @Test
    void rssIsFlatOverTwoHundredPruneFineTuneEvaluateCycles() {
        DataSplit data = Datasets.mnist().optLimit(256).optTestLimit(200).build();
        Importance[] criteria = {Importance.magnitudeL1(), Importance.taylor(), Importance.entropy(), Importance.apoz()};
        long[] rss = new long[201];
        try (Net base = Models.lenet5()) {
            Training.fit(base, data, TrainConfig.epochs(1), Progress.none());
            for (int cycle = 0; cycle <= 200; cycle++) {
                try (Net net = base.copy()) {
                    Importance imp = criteria[cycle % criteria.length];
                    Granularity g = cycle % 2 == 0 ? Granularity.UNSTRUCTURED : Granularity.STRUCTURED;
                    Pruner.builder().setImportance(imp).setSparsity(0.5).optGranularity(g).optScope(Scope.GLOBAL)
                            .optSamples(64).build().plan(net, data).apply();
                    if (g == Granularity.STRUCTURED) {
                        net.removePrunedUnits();
                    }
                    Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
                    net.evaluate(data.test());
                }
                rss[cycle] = rssMb();
            }
        }
        // after a warm-up of 50 cycles the allocator has its pools; the last 150 cycles must not grow
        long warm = rss[50];
        long end = rss[200];
        System.out.printf("RSS after cycle 1: %d MB, 50: %d MB, 100: %d MB, 200: %d MB%n", rss[1], warm, rss[100], end);
        assertTrue(end - warm <= 24, "RSS grew from " + warm + " MB to " + end + " MB over 150 cycles");
    }
}
