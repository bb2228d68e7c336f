package org.prunekit.sparse;

import java.util.Locale;

/**
 * Whether the sparse kernels may use the JDK's Vector API ({@code jdk.incubator.vector}): it
 * lets a sparse matrix product keep a whole batch of partial sums in vector registers while it
 * walks a row's non-zero weights, about twice as fast at batch 64 as the plain loops the JIT
 * vectorises on its own. The API is an incubator module of JDK 17-21, present only when the JVM
 * starts with {@code --add-modules jdk.incubator.vector} (PruneKit's notebook kernel, benchmark
 * and tests do); without it the kernels run plain Java loops and give the same results within
 * float rounding. System property {@code prunekit.vector=false} turns the vector kernels off.
 */
final class Simd {

    /** Whether the vector kernels run: the module is there, not turned off, and passed a check. */
    static final boolean VECTOR = available();

    /**
     * The density from which a layer's weights are also kept dense for the dense vector kernels (they do some 3x the
     * multiply-adds per second of the CSR kernel, zeros included).
     */
    static final double DENSE_KERNEL = 0.4;

    /** Floats per vector register of the vector kernels (1 when they are off). */
    static final int LANES = VECTOR ? VectorProducts.lanes() : 1;

    private Simd() {}

    private static boolean available() {
        if (!Boolean.parseBoolean(System.getProperty("prunekit.vector", "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorProducts.check();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** @return how the sparse kernels run here, in words */
    static String describe() {
        if (VECTOR) {
            return String.format(Locale.ROOT, "vector kernels (Java Vector API, %d floats per register)", LANES);
        }
        return "plain Java loops (start the JVM with --add-modules jdk.incubator.vector for the vector kernels)";
    }
}
