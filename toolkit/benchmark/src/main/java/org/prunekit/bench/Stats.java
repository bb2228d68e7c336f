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
}
