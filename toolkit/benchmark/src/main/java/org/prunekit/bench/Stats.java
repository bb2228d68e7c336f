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
}
