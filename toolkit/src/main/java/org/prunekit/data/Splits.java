package org.prunekit.data;

import java.util.List;
import java.util.Random;

/** The stratified seeded split that {@link Datasets#fromTable} and {@link Datasets#fromArrays} share. */
final class Splits {

    private Splits() {}

    /**
     * Per class, a seeded shuffle and its share of the test part: {@code round(n * testFraction)}
     * test examples in all, given to the classes in proportion to their sizes (largest remainder
     * first), with at least one example of every class in each part; then each part shuffled with
     * the same random source. Depends only on the labels, the class count, the fraction and the seed.
     *
     * @param name the data set's name, for messages
     * @param labels all labels
     * @param classNames the classes
     * @param testFraction in (0, 1)
     * @param seed the seed
     * @param fixHint how to give the parts yourself, for the message about too-small classes
     * @return {train indices, test indices}
     */
    static int[][] stratified(String name, int[] labels, List<String> classNames, double testFraction, long seed,
            String fixHint) {
        int k = classNames.size();
        int[] counts = new int[k];
        for (int l : labels) {
            counts[l]++;
        }
        int[][] byClass = new int[k][];
        for (int c = 0; c < k; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[k];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 1) {
                throw new DatasetException(name + ": class \"" + classNames.get(c) + "\" has only 1 example (row "
                        + byClass[c][0] + "), too few to be in both parts of a stratified split (it needs at least"
                        + " 2). Fix: add examples of \"" + classNames.get(c) + "\", drop its rows, or " + fixHint + ".");
            }
        }
        Random random = new Random(seed);
        int[] testPerClass = allocate(counts, testFraction);
        int nTest = 0;
        for (int c = 0; c < k; c++) {
            shuffle(byClass[c], random);
            nTest += testPerClass[c];
        }
        int[] train = new int[labels.length - nTest];
        int[] test = new int[nTest];
        int tr = 0;
        int te = 0;
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < counts[c]; j++) {
                if (j < testPerClass[c]) {
                    test[te++] = byClass[c][j];
                } else {
                    train[tr++] = byClass[c][j];
                }
            }
        }
        shuffle(train, random);
        shuffle(test, random);
        return new int[][] {train, test};
    }

    /** Test examples per class: round(n·f) in all, proportional, largest remainder first, 1..count−1 each. */
    static int[] allocate(int[] counts, double fraction) {
        int k = counts.length;
        int n = 0;
        int present = 0;
        for (int c : counts) {
            n += c;
            present += c > 0 ? 1 : 0;
        }
        int target = (int) Math.max(present, Math.min(n - present, Math.round(n * fraction)));
        int[] out = new int[k];
        double[] remainder = new double[k];
        int given = 0;
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                continue;
            }
            double ideal = counts[c] * fraction;
            out[c] = (int) Math.max(1, Math.min(counts[c] - 1, Math.floor(ideal)));
            remainder[c] = ideal - out[c];
            given += out[c];
        }
        while (given != target) {
            int best = -1;
            for (int c = 0; c < k; c++) {
                boolean can = given < target ? out[c] < counts[c] - 1 : out[c] > 1;
                if (counts[c] > 0 && can && (best < 0 || (given < target ? remainder[c] > remainder[best]
                        : remainder[c] < remainder[best]))) {
                    best = c;
                }
            }
            if (best < 0) {
                break;
            }
            int step = given < target ? 1 : -1;
            out[best] += step;
            remainder[best] -= step;
            given += step;
        }
        return out;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
