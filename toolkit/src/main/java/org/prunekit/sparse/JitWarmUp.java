package org.prunekit.sparse;

import java.util.Random;

/**
 * Runs the kernels on small random problems once per JVM before the first layer is timed, so that
 * the first measurement compares compiled code with the engine and not the interpreter (the JIT
 * compiles a method after some ten thousand calls; the Vector API runs a hundred times slower
 * before that). The problems are small, so that many calls fit in the time, and cover every path
 * of every kernel: batches of 1, a register (16), a register and a tail (17) and four registers
 * (64), row counts that are no multiple of 4, sparse and dense weights, inputs with and without many
 * zeros, convolutions by patches, by rows, read in place (strided too, with a batch norm and ReLU
 * applied as they write) and one image as one stretch, max pooling (also with a convolution, band
 * by band). A path the JIT first meets while a layer is being timed sends the kernel back to the
 * interpreter for the rest of that timing. At most 0.6 s.
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
            float[] sparse = new float[30 * 40];
            float[] full = new float[30 * 40];
            for (int i = 0; i < sparse.length; i++) {
                sparse[i] = r.nextFloat() < 0.2 ? r.nextFloat() : 0f;
                full[i] = r.nextFloat() - 0.5f;
            }
            float[] bias = new float[30];
            Steps.SparseDense csr = new Steps.SparseDense(sparse, 30, 40, bias);
            Steps.SparseDense dense = new Steps.SparseDense(full, 30, 40, bias);
            CsrMatrix plain = CsrMatrix.of(sparse, 30, 40);   // the public product, without a bias
            // 6 filters over 3 channels of 10 x 10, 3 x 3 with padding: 8 x 8 = 64 outputs per image and filter
            SparseConv csrConv = new SparseConv(java.util.Arrays.copyOf(sparse, 6 * 3 * 9), new float[6],
                    new int[] {3, 10, 10}, new int[] {3, 3, 1, 1, 0, 0, 1, 1});
            SparseConv denseConv = new SparseConv(java.util.Arrays.copyOf(full, 6 * 3 * 9), new float[6],
                    new int[] {3, 10, 10}, new int[] {3, 3, 1, 1, 1, 1, 1, 1});
            SparseConv blockConv = new SparseConv(java.util.Arrays.copyOf(full, 6 * 3 * 9), new float[6],
                    new int[] {3, 10, 10}, new int[] {3, 3, 1, 1, 1, 1, 1, 1});
            blockConv.patchLimit(1);   // its patch matrix in blocks of one output row, as large inputs have it
            SparseConv strided = new SparseConv(java.util.Arrays.copyOf(full, 6 * 3 * 9), new float[6],
                    new int[] {3, 10, 10}, new int[] {3, 3, 2, 2, 1, 1, 1, 1});
            // a third of 72 weights per filter over 8 channels: enough per output for one image to run as one stretch
            // of padded-width rows (SparseConv.forwardWide) on the CSR kernel, as the dense filters above do
            float[] third = new float[6 * 8 * 9];
            for (int i = 0; i < third.length; i += 3) {
                third[i] = full[i % full.length];
            }
            SparseConv wideCsr = new SparseConv(third, new float[6], new int[] {8, 10, 10},
                    new int[] {3, 3, 1, 1, 1, 1, 1, 1});
            float[] scale = java.util.Arrays.copyOf(full, 6);
            Epilogue normRelu = new Epilogue(scale, scale, true);
            Epilogue relu = new Epilogue(null, null, true);
            Steps.MaxPool pool = new Steps.MaxPool(new int[] {6, 8, 8}, 2, 2, 0);
            // the CSR convolution with its ReLU and max pooling as one step (pooled band by band from a batch of 8)
            Step pooled = new Steps.Pooled(new Steps.SparseConvolution(csrConv), relu, 6,
                    new Steps.MaxPool(new int[] {6, 8, 8}, 2, 2, 0));
            int[] batches = {1, 16, 1, 17, 1, 64};
            float[] x = new float[3 * 10 * 10 * 64];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            float[] y = new float[6 * 100 * 64];
            float[] zeros = x.clone();   // an input with many zeros: one vector goes column by column
            for (int i = 0; i < zeros.length; i += 2) {
                zeros[i] = 0f;
            }
            long start = System.nanoTime();
            for (int i = 0; i < 20_000 && System.nanoTime() - start < 600_000_000L; i++) {
                int batch = batches[i % batches.length];
                csr.run(x, batch);
                plain.multiply(batch == 1 && i % 4 == 0 ? zeros : x, batch, null, y);
                dense.run(x, batch);
                csrConv.forward(x, batch, y, i % 12 < 6);
                denseConv.forward(x, batch, y, i % 12 < 6);
                blockConv.forward(x, batch, y, true);
                // read in place where a batch fills the stretches (16 and more here), with what may follow fused
                csrConv.forward(x, batch, y, i % 2 == 0 ? relu : normRelu);
                denseConv.forward(x, batch, y, i % 2 == 0 ? normRelu : (Epilogue) null);
                strided.forward(x, batch, y, normRelu);
                if (batch == 1) {
                    wideCsr.forward(x, 1, y, i % 2 == 0 ? relu : (Epilogue) null);
                }
                pool.run(y, batch);
                pooled.run(x, batch);
            }
            done = true;
        }
    }
}
