package org.prunekit.prune;

import java.util.Arrays;

/**
 * Exact selection of the lowest scores. Pruning k of n removes exactly k, whatever the ties:
 * scores below the k-th smallest value go first, then equal scores in index order.
 */
final class Selection {

    private Selection() {}

    /**
     * How many of {@code n} items a fraction selects: {@code fraction·n} rounded to the nearest
     * whole number, halves to even, exactly as Python's {@code round} (which
     * {@code torch.nn.utils.prune} uses): 10 at 0.25 gives 2, 6 at 0.75 gives 4, 10 at 0.35 gives 4.
     *
     * @param fraction a fraction in [0, 1]
     * @param n how many items there are
     * @return the count, in [0, n]
     */
    static long count(double fraction, long n) {
        return (long) Math.rint(fraction * n);
    }

    /**
     * @param scores the scores (not changed)
     * @param k how many to mark, 0 ≤ k ≤ n
     * @return a flag per score: true for the k lowest
     */
    static boolean[] lowest(float[] scores, int k) {
        int n = scores.length;
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("Cannot select " + k + " of " + n + " scores.");
        }
        boolean[] out = new boolean[n];
        if (k == 0) {
            return out;
        }
        float threshold = kthSmallest(scores, k);
        int marked = 0;
        for (int i = 0; i < n; i++) {
            if (scores[i] < threshold) {
                out[i] = true;
                marked++;
            }
        }
        for (int i = 0; i < n && marked < k; i++) {
            if (scores[i] == threshold) {
                out[i] = true;
                marked++;
            }
        }
        return out;
    }

    /**
     * The same for double scores (few of them, such as channel norms): sorts the indices.
     *
     * @param scores the scores (not changed)
     * @param k how many to mark, 0 ≤ k ≤ n
     * @return a flag per score: true for the k lowest, equal scores in index order
     */
    static boolean[] lowest(double[] scores, int k) {
        int n = scores.length;
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("Cannot select " + k + " of " + n + " scores.");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> scores[x] != scores[y] ? Double.compare(scores[x], scores[y])
                : Integer.compare(x, y));
        boolean[] out = new boolean[n];
        for (int i = 0; i < k; i++) {
            out[order[i]] = true;
        }
        return out;
    }

    /**
     * @param scores scores, not changed
     * @param k rank from 1
     * @return the k-th smallest score
     */
    static float kthSmallest(float[] scores, int k) {
        float[] a = Arrays.copyOf(scores, scores.length);
        int lo = 0;
        int hi = a.length - 1;
        int target = k - 1;
        java.util.Random r = new java.util.Random(a.length);
        while (lo < hi) {
            float pivot = a[lo + r.nextInt(hi - lo + 1)];
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                if (a[i] < pivot) {
                    swap(a, lt++, i++);
                } else if (a[i] > pivot) {
                    swap(a, i, gt--);
                } else {
                    i++;
                }
            }
            if (target < lt) {
                hi = lt - 1;
            } else if (target > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
        return a[target];
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
