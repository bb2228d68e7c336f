package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.engine.NativeHeap;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.reliability.Memory;

/**
 * Native memory (resident set size) must stay flat across many training batches. A leak grows the
 * resident set every epoch by about the same amount (one LeNet-5 activation per batch: ~6 MB per
 * epoch of 125 batches); the allocators and the JVM grow it in steps now and then (an arena, the
 * heap, compiled code: 12-20 MB in one or two epochs in the test command's JVM of ~1.5 GB, and 0 MB
 * in others). So the check is on the median growth per epoch over eight epochs, which a step does
 * not move and a leak does, with a bound on the whole growth that catches a large leak in any case.
 */
class NativeMemoryTest {

    @Test
    void rssStaysFlatOverAThousandBatches() {
        DataSplit data = Datasets.mnist().optTestLimit(500).build();
        // the allocator's plateau, as before fit trimmed glibc's heap when it ends (NativeHeap, checked by
        // NativeHeapTest): with the trim, each epoch's fit would end on a trimmed heap, not the plateau
        String trim = System.getProperty(NativeHeap.SETTING);
        System.setProperty(NativeHeap.SETTING, "false");
        try (Net net = Models.lenet5()) {
            // warm up: allocator pools, JIT, the engine's caches (RSS plateaus after ~4 epochs)
            Training.fit(net, data, TrainConfig.epochs(5), Progress.none());
            System.gc();
            long[] rss = new long[9];
            rss[0] = Memory.rssMb();
            long[] growth = new long[8];
            for (int epoch = 1; epoch <= 8; epoch++) {   // 8 epochs x 125 batches of LeNet-5
                Training.fit(net, data, TrainConfig.epochs(1), Progress.none());
                System.gc();
                rss[epoch] = Memory.rssMb();
                growth[epoch - 1] = rss[epoch] - rss[epoch - 1];
            }
            long total = rss[8] - rss[0];
            long[] sorted = growth.clone();
            Arrays.sort(sorted);
            double median = (sorted[3] + sorted[4]) / 2.0;
            System.out.printf("RSS after each epoch %s MB: growth per epoch %s, median %.1f MB, total %d MB over"
                    + " 1000 batches%n", Arrays.toString(rss), Arrays.toString(growth), median, total);
            assertTrue(median <= 2, "native memory grew in most epochs (median " + median + " MB per epoch of 125"
                    + " batches, growth per epoch " + Arrays.toString(growth) + " MB): a leak");
            assertTrue(total < 48, "native memory grew by " + total + " MB over 1000 batches");
        } finally {
            if (trim == null) {
                System.clearProperty(NativeHeap.SETTING);
            } else {
                System.setProperty(NativeHeap.SETTING, trim);
            }
        }
    }
}
