package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.engine.NativeHeap;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.reliability.Memory;

/** Native memory (resident set size) must stay flat across many training batches. */
class NativeMemoryTest {

    @Test
    void rssStaysFlatOverAThousandBatches() {
        DataSplit data = Datasets.mnist().optTestLimit(500).build();
        // the allocator's plateau, as before fit trimmed glibc's heap when it ends (NativeHeap, checked by
        // NativeHeapTest): with the trim, "before" is a trimmed heap and "after" a trimmed heap laid out by 1,000 more
        // batches, which kept 12-19 MB more resident in the test command's JVM (0 MB without the trim), not a leak
        String trim = System.getProperty(NativeHeap.SETTING);
        System.setProperty(NativeHeap.SETTING, "false");
        try (Net net = Models.lenet5()) {
            // warm up: allocator pools, JIT, the engine's caches (RSS plateaus after ~4 epochs)
            Training.fit(net, data, TrainConfig.epochs(5), Progress.none());
            System.gc();
            long before = Memory.rssMb();
            // 8 epochs x 125 batches of LeNet-5; a leak of one activation per batch would add ~ 50 MB; a plateaued run adds 1-3 MB
            Training.fit(net, data, TrainConfig.epochs(8), Progress.none());
            System.gc();
            long after = Memory.rssMb();
            long growthMb = after - before;
            System.out.printf("RSS before %d MB, after 1000 batches %d MB, growth %d MB%n", before, after, growthMb);
            assertTrue(growthMb < 16, "native memory grew by " + growthMb + " MB over 1000 batches");
        } finally {
            if (trim == null) {
                System.clearProperty(NativeHeap.SETTING);
            } else {
                System.setProperty(NativeHeap.SETTING, trim);
            }
        }
    }
}
