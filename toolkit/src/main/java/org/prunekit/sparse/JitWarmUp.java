package org.prunekit.sparse;

import java.util.Random;

/**
 * Runs the sparse kernels on small random problems once per JVM before the first layer is timed,
 * so that the first measurement compares compiled code with the engine and not the interpreter
 * (the JIT compiles a loop after some ten thousand passes through it; ~0.1 s).
 */
final class JitWarmUp {

    private static volatile boolean done;

    private JitWarmUp() {}

    static void once() {
        if (done) {
            return;
        }
        synchronized (JitWarmUp.class) {
            if (done) {
                return;
            }
            Random r = new Random(2);
            float[] w = new float[32 * 48];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() < 0.2 ? r.nextFloat() : 0f;
            }
            CsrMatrix m = CsrMatrix.of(w, 32, 48);
            SparseConv conv = new SparseConv(java.util.Arrays.copyOf(w, 16 * 72), null, new int[] {8, 10, 10}, new int[] {3, 3, 1, 1, 1, 1, 1, 1});
            float[] x = new float[48 * 16 * 100];
            float[] y = new float[32 * 16 * 100];
            long start = System.nanoTime();
            for (int i = 0; i < 3000 && System.nanoTime() - start < 300_000_000L; i++) {
                int batch = i % 2 == 0 ? 1 : 16;
                m.multiply(x, batch, null, y);
                if (i % 10 == 0) {
                    conv.forward(x, batch, y);
                }
            }
            done = true;
        }
    }
}
