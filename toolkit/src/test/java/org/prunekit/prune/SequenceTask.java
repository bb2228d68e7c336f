package org.prunekit.prune;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;

/**
 * A synthetic sequence task for tests of recurrent and sequence layers: sequences of
 * {@code time} steps of {@code features} Gaussian values; the class is the feature whose sum
 * over the second half of the sequence is largest (so the net must remember what it saw).
 */
final class SequenceTask {

    private SequenceTask() {}

    static DataSplit split(int time, int features, int train, int test, long seed) {
        Random r = new Random(seed);
        return DataSplit.of(set("sequences train", time, features, train, r), set("sequences test", time, features,
                test, r), 50);
    }

    private static ImageSet set(String name, int time, int features, int n, Random r) {
        float[] values = new float[n * time * features];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double[] sum = new double[features];
            for (int t = 0; t < time; t++) {
                for (int c = 0; c < features; c++) {
                    float v = (float) r.nextGaussian();
                    values[(i * time + t) * features + c] = v;
                    if (2 * t >= time) {
                        sum[c] += v;
                    }
                }
            }
            int best = 0;
            for (int c = 1; c < features; c++) {
                best = sum[c] > sum[best] ? c : best;
            }
            labels[i] = best;
        }
        List<String> classes = java.util.stream.IntStream.range(0, features).mapToObj(c -> "feature " + c).toList();
        return ImageSet.of(name, values, new Shape(time, features), labels, classes);
    }
}
