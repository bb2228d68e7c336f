package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
 * in others; up to ~60 MB over the first fits while the JIT compiles the Java training kernels). So the
 * check is on the median growth per epoch over eight epochs, which a step does
 * not move and a leak does, with a bound on the whole growth that catches a large leak in any case.
 */
class NativeMemoryTest {

    /** On the engine (a native array per activation of every batch) and on the Java kernels (none). */
    @ParameterizedTest
    @EnumSource(value = TrainConfig.Kernels.class, names = {"ENGINE", "JAVA"})
    void rssStaysFlatOverAThousandBatches(TrainConfig.Kernels kernels) {
        DataSplit data = Datasets.mnist().optTestLimit(500).build();
        // the allocator's plateau, as before fit trimmed glibc's heap when it ends (NativeHeap, checked by
        // NativeHeapTest): with the trim, each epoch's fit would end on a trimmed heap, not the plateau
        String trim = System.getProperty(NativeHeap.SETTING);
        System.setProperty(NativeHeap.SETTING, "false");
        try (Net net = Models.lenet5()) {
            // warm up: allocator pools, JIT, the engine's caches (RSS plateaus after ~4 epochs), by the same calls as
            // measured below: on the Java kernels the JIT compiles the vector kernels and a fit's own set-up in the
            // first few fits, and its compiler's memory (C2 arenas, from malloc) grew RSS by 38, 11 and 10 MB in the
            // first three measured fits when the warm-up was one fit of five epochs (CI at 522dde1)
            TrainConfig oneEpoch = TrainConfig.builder().optEpochs(1).optKernels(kernels).build();
            for (int i = 0; i < 6; i++) {
                Training.fit(net, data, oneEpoch, Progress.none());
            }
            System.gc();
            long[] rss = new long[9];
            rss[0] = Memory.rssMb();
            long[] growth = new long[8];
            for (int epoch = 1; epoch <= 8; epoch++) {   // 8 epochs x 125 batches of LeNet-5
                Training.fit(net, data, oneEpoch, Progress.none());
                System.gc();
                rss[epoch] = Memory.rssMb();
                growth[epoch - 1] = rss[epoch] - rss[epoch - 1];
            }
            long total = rss[8] - rss[0];
            long[] sorted = growth.clone();
            Arrays.sort(sorted);
            double median = (sorted[3] + sorted[4]) / 2.0;
            System.out.printf(kernels + ": RSS after each epoch %s MB: growth per epoch %s, median %.1f MB, total %d MB over"
                    + " 1000 batches%n", Arrays.toString(rss), Arrays.toString(growth), median, total);
            assertTrue(median <= 2, "native memory grew in most epochs (median " + median + " MB per epoch of 125"
                    + " batches, growth per epoch " + Arrays.toString(growth) + " MB): a leak");
            // steps of the allocators and the JIT: 12-20 MB on libtorch's autograd, 38 + 11 + 10 MB in the first
            // three measured fits on the Java kernels (CI at 522dde1, then flat), +29 +28 -57 MB locally; a leak of
            // 12 MB per epoch (two activations per batch) crosses this bound, and a leak of 3 MB or more per epoch
            // the median's
            assertTrue(total < 96, "native memory grew by " + total + " MB over 1000 batches");
        } finally {
            if (trim == null) {
                System.clearProperty(NativeHeap.SETTING);
            } else {
                System.setProperty(NativeHeap.SETTING, trim);
            }
        }
    }
}
