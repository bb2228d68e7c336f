package org.prunekit.sparse;

import java.util.List;

/**
 * The steps a {@link SparseInference} computes in Java, on batch-last arrays: the sparse dense and
 * convolution layers, and the layers between them (ReLU, max pooling, batch normalisation in
 * inference mode, global average pooling, layers that change nothing at inference, residual
 * blocks), so that a stretch of sparse layers does not go back and forth to the engine.
 */
final class Steps {

    private Steps() {}

    /**
     * A dense layer as a CSR matrix times the batch. A layer with at least {@value Simd#DENSE_KERNEL} of its weights
     * non-zero keeps them dense too where the Vector API runs (the indices and the scattered loads would cost
     * more than the zeros they skip): one example at a time each output is a dot product over contiguous weights,
     * and a batch runs the register-blocked dense kernel ({@link VectorProducts#denseMultiply}).
     */
    static final class SparseDense extends Step {
        private final CsrMatrix weights;
        private final float[] bias;
        private final float[] denseRows;
        private final int columns;

        SparseDense(float[] w, int rows, int columns, float[] bias) {
            this(w, rows, columns, bias, false);
        }

        /**
         * @param dense whether to keep the rows dense whatever the density (zeros multiplied): the dense kernel,
         *     which a measurement may find faster than the CSR one below {@link Simd#DENSE_KERNEL} too
         */
        SparseDense(float[] w, int rows, int columns, float[] bias, boolean dense) {
            super(rows);
            this.weights = CsrMatrix.of(w, rows, columns);
            this.bias = bias == null ? new float[rows] : bias;   // zeros: the kernels never meet a null bias
            this.columns = columns;
            this.denseRows = Simd.VECTOR && (dense || weights.density() >= Simd.DENSE_KERNEL) ? w.clone() : null;
        }

        @Override
        boolean holdsDense() {
            return denseRows != null;
        }

        @Override
        float[] run(float[] x, int batch) {
            float[] y = out(weights.rows() * batch);
            if (batch == 1 && denseRows != null) {
                VectorProducts.matVec(denseRows, weights.rows(), columns, x, bias, y);
            } else if (denseRows != null) {
                VectorProducts.denseMultiply(denseRows, 0, weights.rows(), columns, x, 0, batch, bias, y);
            } else {
                weights.multiply(x, batch, bias, y);
            }
            return y;
        }


        @Override
        long bytes() {
            return weights.bytes() + 4L * bias.length + (denseRows == null ? 0
                    : 4L * denseRows.length);
        }
    }

    /** A convolution (dense in channels, grouped or depthwise) computed from its non-zero weights. */
    static final class SparseConvolution extends Step {
        private final SparseConv conv;

        SparseConvolution(SparseConv conv) {
            super(conv.outputShape()[0] * conv.outputShape()[1] * conv.outputShape()[2]);
            this.conv = conv;
        }

        @Override
        boolean holdsDense() {
            return conv.holdsDense();
        }

        @Override
        float[] run(float[] x, int batch) {
            float[] y = out(outSize() * batch);
            conv.forward(x, batch, y, null);
            return y;
        }

        @Override
        float[] run(float[] x, int batch, Epilogue e, int channels) {
            float[] y = out(outSize() * batch);
            conv.forward(x, batch, y, e);
            return y;
        }

        /** The rows one pooled row reads, for every filter ({@link #runPooled}); null until it runs. */
        private float[] band;

        /**
         * Where the convolution reads its input in place and {@code pool} {@linkplain MaxPool#bandable() takes its
         * rows in bands}: band by band, each band (the rows of one pooled row, {@code e} applied as they are
         * written) pooled while it is still in the cache; the whole output is never stored. Otherwise as
         * {@link Step#runPooled}.
         */
        @Override
        float[] runPooled(float[] x, int batch, Epilogue e, int channels, MaxPool pool) {
            if (conv.runsWide(batch) && pool.pad == 0) {
                // one image as one stretch: pooled where its rows lie, without copying them out first
                return pool.single(conv.wide(x, e), conv.paddedWidth());
            }
            if (!conv.readsInPlace(batch) || !pool.bandable()) {
                return super.runPooled(x, batch, e, channels, pool);
            }
            int[] shape = conv.outputShape();
            int rows = pool.kernel;
            int n = shape[0] * rows * shape[2] * batch;
            if (band == null || band.length != n) {
                band = new float[n];
            }
            float[] y = pool.out(pool.outSize() * batch);
            int start = conv.readIn(x, batch);
            for (int ph = 0; ph < pool.outH; ph++) {
                conv.directRows(start, batch, ph * pool.stride, ph * pool.stride + rows, band, e);
                pool.poolBand(band, ph, batch, y);
            }
            return y;
        }


        @Override
        long bytes() {
            return conv.bytes();
        }
    }

    /** A layer applied value by value: ReLU, or one that changes nothing at inference (flatten in the batch-last layout, dropout). */
    static final class Pointwise extends Step {
        private final boolean relu;

        Pointwise(int size, boolean relu) {
            super(size);
            this.relu = relu;
        }

        @Override
        float[] run(float[] x, int batch) {
            if (!relu) {
                return x;
            }
            float[] y = out(outSize() * batch);
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.max(0f, x[i]);
            }
            return y;
        }

    }

    /** Square max pooling over {@code (channels, height, width)}, padding counted as minus infinity. */
    static final class MaxPool extends Step {
        private final int channels;
        private final int height;
        private final int width;
        private final int kernel;
        private final int stride;
        private final int pad;
        private final int outH;
        private final int outW;

        MaxPool(int[] chw, int kernel, int stride, int pad) {
            super(chw[0] * ((chw[1] + 2 * pad - kernel) / stride + 1) * ((chw[2] + 2 * pad - kernel) / stride + 1));
            this.channels = chw[0];
            this.height = chw[1];
            this.width = chw[2];
            this.kernel = kernel;
            this.stride = stride;
            this.pad = pad;
            this.outH = (height + 2 * pad - kernel) / stride + 1;
            this.outW = (width + 2 * pad - kernel) / stride + 1;
        }

        /** Per output position, where the input positions of its window start (relative to the channel), for one batch size. */
        private int[][] windows = new int[0][];
        private int windowsBatch = -1;

        /**
         * Per output position, the max over its window of the runs of {@code batch} values of its input positions,
         * read in place and kept in registers while the window is walked (where the Vector API runs).
         */
        @Override
        float[] run(float[] x, int batch) {
            if (batch == 1) {
                return single(x);
            }
            float[] y = out(outSize() * batch);
            int[][] w = windows(batch);
            for (int c = 0; c < channels; c++) {
                int base = c * height * width * batch;
                for (int p = 0; p < w.length; p++) {
                    int o = (c * w.length + p) * batch;
                    int[] at = w[p];
                    if (at.length == 0) {
                        java.util.Arrays.fill(y, o, o + batch, Float.NEGATIVE_INFINITY);
                    } else if (Simd.VECTOR) {
                        VectorProducts.maxOver(x, base, at, y, o, batch);
                    } else {
                        for (int b = 0; b < batch; b++) {
                            float m = x[base + at[0] + b];
                            for (int k = 1; k < at.length; k++) {
                                m = Math.max(m, x[base + at[k] + b]);
                            }
                            y[o + b] = m;
                        }
                    }
                }
            }
            return y;
        }

        private int[][] windows(int batch) {
            if (windowsBatch != batch) {
                int[][] w = new int[outH * outW][];
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        int i0 = Math.max(0, oh * stride - pad);
                        int i1 = Math.min(height, oh * stride - pad + kernel);
                        int j0 = Math.max(0, ow * stride - pad);
                        int j1 = Math.min(width, ow * stride - pad + kernel);
                        int[] at = new int[Math.max(0, i1 - i0) * Math.max(0, j1 - j0)];
                        int n = 0;
                        for (int i = i0; i < i1; i++) {
                            for (int j = j0; j < j1; j++) {
                                at[n++] = (i * width + j) * batch;
                            }
                        }
                        w[oh * outW + ow] = at;
                    }
                }
                windows = w;
                windowsBatch = batch;
            }
            return windows;
        }

        /**
         * @return whether its windows neither overlap nor pad across the height (kernel at most the stride, no
         *     padding): every input row is read by at most one output row, so the layer before it can hand it its
         *     input a band of {@code kernel} rows at a time ({@link #poolBand}) and skip the rows no window reads
         */
        boolean bandable() {
            return pad == 0 && kernel <= stride;
        }

        /**
         * Output row {@code oh} of every channel from a band holding only the {@code kernel} input rows it reads:
         * channel {@code c}'s row {@code oh * stride + i} at {@code band[((c * kernel + i) * width) * batch]}
         * ({@link #bandable()} only). The same maxima as {@link #run}, in the same order. Needs {@link Simd#VECTOR}
         * (as the convolution's in-place path that hands it the bands).
         */
        void poolBand(float[] band, int oh, int batch, float[] y) {
            // the windows of the first output row read input rows 0 to kernel - 1 (no padding): in a band, every
            // output row's windows lie there
            int[][] w = windows(batch);
            for (int c = 0; c < channels; c++) {
                int base = c * kernel * width * batch;
                for (int ow = 0; ow < outW; ow++) {
                    int o = ((c * outH + oh) * outW + ow) * batch;
                    VectorProducts.maxOver(band, base, w[ow], y, o, batch);
                }
            }
        }

        /**
         * One image without padding ({@code pad} 0) whose rows lie {@code rowStride} apart (at least the width; the
         * output of {@link SparseConv#wide}), on the vector kernels.
         *
         * @return the output (an array of this step's)
         */
        float[] single(float[] x, int rowStride) {
            float[] y = out(outSize());
            if (rowMax == null) {
                rowMax = new float[width + 2 * Simd.LANES];
                windowMax = new float[width + 2 * Simd.LANES];
            }
            VectorProducts.maxPoolImage(x, channels, height * rowStride, rowStride, width, kernel, stride, outH, outW,
                    y, rowMax, windowMax);
            return y;
        }

        /** Scratch rows of {@link VectorProducts#maxPoolImage} (null until one image is pooled). */
        private float[] rowMax;
        private float[] windowMax;

        /** One image: the max over each window, read in place (without padding, rows a register at a time). */
        private float[] single(float[] x) {
            if (pad == 0 && Simd.VECTOR) {
                return single(x, width);
            }
            float[] y = out(outSize());
            // padding, or no vector module: the window's bounds worked out per output
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int i = Math.max(0, oh * stride - pad); i < Math.min(height, oh * stride - pad + kernel);
                                i++) {
                            for (int j = Math.max(0, ow * stride - pad); j < Math.min(width, ow * stride - pad
                                    + kernel); j++) {
                                m = Math.max(m, x[(c * height + i) * width + j]);
                            }
                        }
                        y[(c * outH + oh) * outW + ow] = m;
                    }
                }
            }
            return y;
        }

    }

    /** Batch normalisation in inference mode: per channel {@code x * scale + shift}. */
    static final class Affine extends Step {
        private final float[] scale;
        private final float[] shift;
        private final int perChannel;

        /**
         * @param scale gamma / sqrt(running variance + epsilon), per channel
         * @param shift beta - running mean * scale, per channel
         * @param perChannel values per channel and example (height x width; 1 after a dense layer)
         */
        Affine(float[] scale, float[] shift, int perChannel) {
            super(scale.length * perChannel);
            this.scale = scale;
            this.shift = shift;
            this.perChannel = perChannel;
        }

        @Override
        float[] run(float[] x, int batch) {
            int n = perChannel * batch;
            float[] y = out(scale.length * n);
            for (int c = 0; c < scale.length; c++) {
                float a = scale[c];
                float s = shift[c];
                for (int i = c * n, end = i + n; i < end; i++) {
                    y[i] = x[i] * a + s;
                }
            }
            return y;
        }


        @Override
        long bytes() {
            return 8L * scale.length;
        }
    }

    /** Global average pooling: {@code (channels, height, width)} to {@code (channels)}. */
    static final class GlobalAverage extends Step {
        private final int channels;
        private final int positions;

        GlobalAverage(int channels, int positions) {
            super(channels);
            this.channels = channels;
            this.positions = positions;
        }

        @Override
        float[] run(float[] x, int batch) {
            float[] y = out(channels * batch);
            for (int c = 0; c < channels; c++) {
                for (int b = 0; b < batch; b++) {
                    float s = 0;
                    for (int p = 0; p < positions; p++) {
                        s += x[(c * positions + p) * batch + b];
                    }
                    y[c * batch + b] = s / positions;
                }
            }
            return y;
        }

    }

    /** A residual block: main branch plus shortcut (the identity when empty). */
    static final class Residual extends Step {
        private final List<Step> main;
        private final List<Step> shortcut;

        Residual(List<Step> main, List<Step> shortcut) {
            super(main.get(main.size() - 1).outSize());
            this.main = List.copyOf(main);
            this.shortcut = List.copyOf(shortcut);
        }

        @Override
        float[] run(float[] x, int batch) {
            float[] a = runAll(main, x, batch);
            float[] b = runAll(shortcut, x, batch);
            int n = outSize() * batch;
            float[] y = out(n);
            for (int i = 0; i < n; i++) {
                y[i] = a[i] + b[i];
            }
            return y;
        }


        @Override
        long bytes() {
            return main.stream().mapToLong(Step::bytes).sum() + shortcut.stream().mapToLong(Step::bytes).sum();
        }
    }

    /**
     * A convolution (its sparse kernel, or whichever form was measured faster), the batch normalisation and / or ReLU
     * after it ({@code epilogue}, or null), and the max pooling after those, run as one step: where the convolution
     * reads its input in place and the pooling windows do not overlap, a band of output rows at a time, pooled while
     * in the cache ({@link SparseConvolution#runPooled}); LeNet-5's first convolution then writes its 300 KB of pooled
     * outputs per batch of 64 instead of 1.2 MB read back by the pooling. One image computed as one stretch
     * ({@link SparseConv#wide}) is pooled where its rows lie, without copying them out first. The values are those
     * of the separate steps.
     */
    static final class Pooled extends Step {
        private final Step layer;
        private final Epilogue epilogue;
        private final int channels;
        private final MaxPool pool;

        Pooled(Step layer, Epilogue epilogue, int channels, MaxPool pool) {
            super(pool.outSize());
            this.layer = layer;
            this.epilogue = epilogue;
            this.channels = channels;
            this.pool = pool;
        }

        @Override
        float[] run(float[] x, int batch) {
            return layer.runPooled(x, batch, epilogue, channels, pool);
        }

        @Override
        long bytes() {
            return layer.bytes() + (epilogue == null ? 0 : epilogue.bytes());
        }
    }

    /**
     * A dense or convolution layer (its sparse kernel, or whichever form was measured faster) with the batch
     * normalisation and / or ReLU after it applied as its output is written ({@link Epilogue}).
     */
    static final class WithEpilogue extends Step {
        private final Step layer;
        private final Epilogue epilogue;
        private final int channels;

        WithEpilogue(Step layer, Epilogue epilogue, int channels) {
            super(layer.outSize());
            this.layer = layer;
            this.epilogue = epilogue;
            this.channels = channels;
        }

        @Override
        float[] run(float[] x, int batch) {
            return layer.run(x, batch, epilogue, channels);
        }

        @Override
        long bytes() {
            return layer.bytes() + epilogue.bytes();
        }
    }

    /**
     * @return {@code steps} with every batch normalisation and / or ReLU that directly follows a layer with a Java
     *     kernel ({@code fusable}) applied by that layer as it writes its output, and a max pooling after those whose
     *     windows do not overlap ({@link MaxPool#bandable()}) run with it as one {@link Pooled} step; the values stay
     *     the same
     */
    static List<Step> fuse(List<Step> steps, java.util.function.Predicate<Step> fusable) {
        List<Step> out = new java.util.ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            int next = i + 1;   // the first step after what is fused with s
            Affine norm = next < steps.size() && steps.get(next) instanceof Affine a ? a : null;
            next += norm == null ? 0 : 1;
            boolean relu = next < steps.size() && steps.get(next) instanceof Pointwise p && p.relu;
            next += relu ? 1 : 0;
            MaxPool pool = next < steps.size() && steps.get(next) instanceof MaxPool m && m.bandable() ? m
                    : null;
            next += pool == null ? 0 : 1;
            if (!fusable.test(s) || next == i + 1) {
                out.add(s);
                continue;
            }
            int channels = norm != null ? norm.scale.length : s.outSize();
            Epilogue e = norm == null && !relu ? null : new Epilogue(norm == null ? null : norm.scale,
                    norm == null ? null : norm.shift, relu);
            out.add(pool != null ? new Pooled(s, e, channels, pool) : new WithEpilogue(s, e, channels));
            i = next - 1;
        }
        return out;
    }

    /** Runs steps one after another. */
    static float[] runAll(List<Step> steps, float[] x, int batch) {
        for (Step s : steps) {
            x = s.run(x, batch);
        }
        return x;
    }
}
