package org.prunekit.prune;

import java.util.Arrays;
import java.util.Map;

/**
 * How much two criteria agree: Spearman's rank correlation of their scores (1 = the same
 * ranking, 0 = unrelated, −1 = reversed). Ties get their average rank.
 *
 * <pre>{@code
 * Map<String, float[]> a = magnitude.scores(net, data), b = taylor.scores(net, data);
 * double rho = Ranks.spearman(a.get("fc1"), b.get("fc1"));
 * }</pre>
 */
public final class Ranks {

    private Ranks() {}

    /**
     * @param values scores
     * @return their ranks, 1 for the smallest; ties get the mean of the ranks they span
     */
    public static double[] of(float[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(values[a], values[b]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && Float.compare(values[order[j + 1]], values[order[i]]) == 0) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    /**
     * @param values scores
     * @return the indices ordered by increasing score (ties by position): the pruning order
     */
    public static int[] ascending(float[] values) {
        return java.util.stream.IntStream.range(0, values.length).boxed()
                .sorted((x, y) -> values[x] != values[y] ? Float.compare(values[x], values[y]) : Integer.compare(x, y))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * @param a scores of one criterion
     * @param b scores of another for the same items
     * @return Spearman's ρ: the Pearson correlation of their ranks (NaN if either is constant)
     * @throws IllegalArgumentException if the lengths differ or are below 2
     */
    public static double spearman(float[] a, float[] b) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("Spearman's correlation needs two score arrays of the same length, at"
                    + " least 2; got " + a.length + " and " + b.length + ".");
        }
        double[] ra = of(a);
        double[] rb = of(b);
        double ma = Arrays.stream(ra).average().orElse(0);
        double mb = Arrays.stream(rb).average().orElse(0);
        double num = 0;
        double da = 0;
        double db = 0;
        for (int i = 0; i < ra.length; i++) {
            num += (ra[i] - ma) * (rb[i] - mb);
            da += (ra[i] - ma) * (ra[i] - ma);
            db += (rb[i] - mb) * (rb[i] - mb);
        }
        return num / Math.sqrt(da * db);
    }

    /**
     * @param a scores by layer (as {@link Pruner#scores} returns them)
     * @param b scores of another criterion by layer, for the same layers
     * @return ρ over all layers' scores put end to end
     */
    public static double spearman(Map<String, float[]> a, Map<String, float[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            throw new IllegalArgumentException("The two score maps cover different layers: " + a.keySet() + " vs "
                    + b.keySet() + ".");
        }
        int n = a.values().stream().mapToInt(v -> v.length).sum();
        float[] x = new float[n];
        float[] y = new float[n];
        int pos = 0;
        for (String k : a.keySet()) {
            float[] u = a.get(k);
            float[] v = b.get(k);
            if (u.length != v.length) {
                throw new IllegalArgumentException("Layer " + k + " has " + u.length + " and " + v.length + " scores.");
            }
            System.arraycopy(u, 0, x, pos, u.length);
            System.arraycopy(v, 0, y, pos, v.length);
            pos += u.length;
        }
        return spearman(x, y);
    }
}
