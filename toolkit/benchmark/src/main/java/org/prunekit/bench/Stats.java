package org.prunekit.bench;

import java.util.Arrays;
import java.util.List;

/** Small statistics helpers for benchmark tables. */
final class Stats {

    private Stats() {}

    /**
     * @param values measurements
     * @return their median (NaN if there are none)
     */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * @param values measurements
     * @return their median
     */
    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * @param values measurements
     * @return their mean
     */
    static double mean(double[] values) {
        double s = 0;
        for (double x : values) {
            s += x;
        }
        return s / values.length;
    }

    /**
     * @param values measurements
     * @return their sample standard deviation (0 for fewer than two)
     */
    static double sd(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double m = mean(values);
        double s = 0;
        for (double x : values) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (values.length - 1));
    }

    /**
     * @param values measurements
     * @param q the quantile, 0..1
     * @return the q-quantile, linearly interpolated between the order statistics (NaN if there are none)
     */
    static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double at = q * (s.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (at - lo) * (s[hi] - s[lo]);
    }

    /**
     * A distribution-free 95 % confidence interval of the median: the order statistics of ranks
     * {@code n/2 ∓ 1.96·√n/2} (the binomial's normal approximation; for n >= 6).
     *
     * @param values measurements
     * @return {lower, upper}
     */
    static double[] medianInterval(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        double half = 1.96 * Math.sqrt(n) / 2;
        // 1-based ranks j = floor(n/2 - h) and k = ceil(1 + n/2 + h), as 0-based indices
        int lo = Math.max(0, (int) Math.floor(n / 2.0 - half) - 1);
        int hi = Math.min(n - 1, (int) Math.ceil(n / 2.0 + half));
        return new double[] {s[lo], s[hi]};
    }
}
