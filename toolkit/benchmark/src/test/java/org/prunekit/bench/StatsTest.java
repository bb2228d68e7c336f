package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The interval and quantiles the masked-overhead table prints, against values worked out by hand. */
class StatsTest {

    @Test
    void quantilesInterpolateBetweenOrderStatistics() {
        double[] x = {4, 1, 3, 2, 5};
        assertEquals(1, Stats.quantile(x, 0), 0);
        assertEquals(2, Stats.quantile(x, 0.25), 0);
        assertEquals(3, Stats.quantile(x, 0.5), 0);
        assertEquals(4.6, Stats.quantile(x, 0.9), 1e-12);
        assertEquals(5, Stats.quantile(x, 1), 0);
    }

    @Test
    void medianIntervalTakesTheBinomialRanks() {
        // n = 30: h = 1.96·√30/2 = 5.367; ranks floor(15 − h) = 9 and ceil(16 + h) = 22 (1-based)
        double[] x = new double[30];
        for (int i = 0; i < 30; i++) {
            x[i] = 30 - i; // values 1..30, shuffled order does not matter
        }
        assertArrayEquals(new double[] {9, 22}, Stats.medianInterval(x), 0);
        // n = 9: h = 2.94; ranks floor(4.5 − h) = 1 and ceil(5.5 + h) = 9
        assertArrayEquals(new double[] {1, 9}, Stats.medianInterval(new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1}), 0);
    }
}
