package org.prunekit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;
import org.prunekit.reliability.Memory;

/**
 * {@link NativeHeap#trim}: engine memory that was freed but stayed resident (glibc keeps it with
 * the launchers' {@code MALLOC_MMAP_THRESHOLD_}, as the test JVM runs) goes back to the system.
 */
class NativeHeapTest {

    @Test
    void freedEngineMemoryGoesBackToTheSystem() {
        PruneKit.noGrad();
        assumeTrue(NativeHeap.trim().isPresent(), "this JVM has no System.trim_native_heap (OpenJDK 17.0.9+)");
        try (NDManager m = NDManager.newBaseManager()) {
            long start = Memory.rssMb();
            List<NDArray> held = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                held.add(m.ones(new Shape(2_500_000)));   // 10 MB each, below the 32 MB mmap threshold
            }
            long full = Memory.rssMb();
            held.forEach(NDArray::close);
            long freed = Memory.rssMb();
            assumeTrue(full - start >= 250 && freed - start >= 250,
                    "glibc gave the memory back by itself (another MALLOC_ setting): " + start + " -> " + full
                            + " -> " + freed + " MB");
            Optional<String> report = NativeHeap.trim();
            long trimmed = Memory.rssMb();
            assertTrue(report.isPresent());
            assertTrue(trimmed <= freed - 200, "RSS " + start + " MB at the start, " + freed
                    + " MB after 300 MB of arrays were freed, " + trimmed + " MB after the trim: " + report.get());
        }
    }

    @Test
    void theSettingTurnsItOff() {
        String before = System.getProperty(NativeHeap.SETTING);
        System.setProperty(NativeHeap.SETTING, "false");
        try {
            assertEquals(Optional.empty(), NativeHeap.trim());
        } finally {
            if (before == null) {
                System.clearProperty(NativeHeap.SETTING);
            } else {
                System.setProperty(NativeHeap.SETTING, before);
            }
        }
    }
}
