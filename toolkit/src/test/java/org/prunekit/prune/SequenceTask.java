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

    /**
     * @return token sequences (ids as floats, shape {@code (time)}) whose class is the last token's id
     *     modulo {@code classes}
     */
    static DataSplit tokens(int time, int vocabulary, int classes, int train, int test, long seed) {
        Random r = new Random(seed);
        List<String> names = java.util.stream.IntStream.range(0, classes).mapToObj(c -> "class " + c).toList();
        ImageSet[] sets = new ImageSet[2];
        int[] sizes = {train, test};
        for (int k = 0; k < 2; k++) {
            float[] ids = new float[sizes[k] * time];
            int[] labels = new int[sizes[k]];
            for (int i = 0; i < sizes[k]; i++) {
                for (int t = 0; t < time; t++) {
                    ids[i * time + t] = r.nextInt(vocabulary);
                }
                labels[i] = (int) ids[i * time + time - 1] % classes;
            }
            sets[k] = ImageSet.of(k == 0 ? "tokens train" : "tokens test", ids, new Shape(time), labels, names);
        }
        return DataSplit.of(sets[0], sets[1], 50);
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
