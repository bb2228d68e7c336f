package org.prunekit.sparse;

import java.util.Random;

/**
 * Runs the sparse kernels on small random problems once per JVM before the first layer is timed,
 * so that the first measurement compares compiled code with the engine and not the interpreter
 * (the JIT compiles a loop after some ten thousand passes through it; at most 0.4 s).
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
            // sizes like those of the nets it will run (a 300 x 784 layer at 10 %, a 16-filter 5x5 convolution, a
            // dense 100 x 300 layer)
            float[] w = new float[300 * 784];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() < 0.1 ? r.nextFloat() : 0f;
            }
            CsrMatrix m = CsrMatrix.of(w, 300, 784);
            SparseConv conv = new SparseConv(java.util.Arrays.copyOf(w, 16 * 6 * 25), null, new int[] {6, 14, 14},
                    new int[] {5, 5, 1, 1, 0, 0, 1, 1});
            float[] full = new float[100 * 300];
            for (int i = 0; i < full.length; i++) {
                full[i] = r.nextFloat() - 0.5f;
            }
            Steps.SparseDense layer = new Steps.SparseDense(full, 100, 300, null);   // dense rows, one example at a time
            float[] x = new float[6 * 14 * 14 * 16];
            float[] y = new float[16 * 100 * 16];
            long start = System.nanoTime();
            for (int i = 0; i < 4000 && System.nanoTime() - start < 400_000_000L; i++) {
                int batch = i % 4 == 0 ? 16 : 1;
                m.multiply(x, batch, null, y);
                conv.forward(x, batch, y, i % 8 < 4);
                layer.run(x, 1);
            }
            done = true;
        }
    }
}
