package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The "faster path" the structured and sparse tables count their targets against: a Java-kernel time of NaN (the
 * plan ran every layer on the engine) must leave the engine's time, never a NaN speed-up or a Java label on it.
 */
class PathsTest {

    @Test
    void fastestIgnoresAMissingJavaTime() {
        assertEquals(2.0, PruningBenchmark.fastest(2.0, Double.NaN), 0);
        assertEquals(1.5, PruningBenchmark.fastest(2.0, 1.5), 0);
        assertEquals(2.0, PruningBenchmark.fastest(2.0, 3.0), 0);
    }

    @Test
    void speedUpsCountEachNetOnItsFasterPath() {
        var p = new PruningBenchmark.Paths(4.0, 2.0, 1.0, Double.NaN, "3/3", "0/3");
        assertEquals(2.0, p.engineSpeedUp(), 0);
        assertEquals(1.0, p.denseFastest(), 0);
        assertEquals(2.0, p.prunedFastest(), 0);
        assertEquals(0.5, p.fastestSpeedUp(), 0);   // the pruned net on the engine is slower than the dense on Java
    }
}
