package org.prunekit.train;

import org.prunekit.PruneKit;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.prunekit.data.ImageSet;

/** Measured inference time of a net: the median of several timed passes after warm-up. */
public final class Latency {

    private Latency() {}

    /**
     * @param net the net
     * @param images the first {@code batchSize} images are classified
     * @param batchSize images per pass
     * @param repetitions timed passes (after 3 warm-up passes)
     * @return the median milliseconds per pass
     */
    public static double medianMillis(Trainable net, ImageSet images, int batchSize, int repetitions) {
        PruneKit.noGrad();
        int b = Math.min(batchSize, images.size());
        int[] order = ImageSet.inOrder(b);
        double[] times = new double[repetitions];
        try (NDManager m = net.manager().newSubManager()) {
            NDList batch = images.batch(m, order, 0, b, net.inputShape());
            for (int r = -3; r < repetitions; r++) {
                try (NDManager pass = m.newSubManager()) {
                    long start = System.nanoTime();
                    net.forward(batch.get(0), false).attach(pass);
                    long end = System.nanoTime();
                    if (r >= 0) {
                        times[r] = (end - start) / 1e6;
                    }
                }
            }
        }
        Arrays.sort(times);
        return times[repetitions / 2];
    }
}
