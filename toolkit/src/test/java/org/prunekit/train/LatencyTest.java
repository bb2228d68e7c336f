package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;

/** Latency warms up until steady and reports every timed pass. */
class LatencyTest {

    @Test
    void warmsUpThenReportsMedianAndSpreadOfEveryPass() {
        DataSplit data = Datasets.mnist().optLimit(100).optTestLimit(300).build();
        try (Net net = Models.lenet5()) {
            Latency.Result r = Latency.measure(net, data.test(), 200, 9);
            assertEquals(9, r.millis().length);
            assertEquals(200, r.batchSize());
            assertTrue(r.warmupPasses() >= 10, "at least two windows of five warm-up passes: " + r);
            assertTrue(r.minMillis() <= r.medianMillis() && r.medianMillis() <= r.maxMillis(), r.toString());
            assertTrue(r.relativeSpread() >= 0);
            assertTrue(r.toString().contains("median of 9 passes"), r.toString());
            // a batch larger than the set is the whole set
            assertEquals(300, Latency.measure(net, data.test(), 5000, 1).batchSize());
            assertThrows(IllegalArgumentException.class, () -> Latency.measure(net, data.test(), 10, 0));
            try (Net small = Models.mlp(8)) {
                double[] both = Latency.compare(java.util.List.of(net, small), data.test(), 100, 2, 3);
                assertEquals(2, both.length);
                assertTrue(both[0] > 0 && both[1] > 0);
                assertThrows(IllegalArgumentException.class, () -> Latency.compare(java.util.List.of(net), data.test(), 10,
                        0, 1));
            }
        }
    }
}
