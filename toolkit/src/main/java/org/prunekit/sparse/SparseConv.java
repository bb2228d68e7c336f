package org.prunekit.sparse;

import java.util.Arrays;

/**
 * A 2-D convolution computed directly from its non-zero weights ("direct sparse convolution", Park
 * et al. 2017): each non-zero weight {@code w[o][c][i][j]} adds {@code w} times a shifted window of
 * input channel {@code c} to output channel {@code o}, without unfolding the input into patches.
 * The filters are held as a {@link CsrMatrix} with one row per output channel and one column per
 * (input channel of its group, kernel row, kernel column): the rows of the convolution's im2col
 * matrix product.
 *
 * <p>Activations are batch-last, {@code (channels, height, width, batch)}: an output row of all
 * images of the batch is one run of {@code width x batch} values, so each non-zero weight and output
 * row is one vectorised loop over such a run (at batch 1, the row). Grouped convolutions
 * (depthwise: as many groups as channels) read only the input channels of their group.
 *
 * <p>With the vector kernels and a batch (stretches of at least four registers) the convolution
 * reads its input in place ({@link #forwardDirect}): the input is copied once into a zero-padded
 * array from a cache line on, and each weight's window of it is found by an offset, so no patch
 * matrix (nine copies of the input for a 3x3 kernel) is built. Its time then follows the
 * multiply-adds whatever the channel counts (a ResNet-8 with 11/22/45 channels as well as one
 * with 16/32/64). One image at a time it multiplies the patch matrix, whose rows are longer than
 * an output row.
 */
public final class SparseConv {

    private final CsrMatrix filters;
    private final int inChannels;
    private final int height;
    private final int width;
    private final int kernelH;
    private final int kernelW;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final int dilation;
    private final int groups;
    private final int outH;
    private final int outW;
    private final float[] bias;
    private float[][] shifted;
    private float[][] patches;
    private float[] flatPatches;
    /** The most values a block of the flat patch matrix holds ({@value #PATCH_LIMIT}; smaller in tests). */
    private int patchLimit = PATCH_LIMIT;
    /** The filters row-major with their zeros, for the dense kernel, if dense enough for it to pay; else null. */
    private final float[] denseFilters;

    /** The most values of the patch matrix for which {@link #forward} multiplies it (1 MB: it stays in the cache). */
    static final int PATCH_LIMIT = 1 << 18;

    /**
     * @param weights the weights, {@code (out, in / groups, kernelH, kernelW)} row-major
     * @param bias one value per output channel, or null
     * @param input the input geometry: channels, height, width
     * @param geometry kernel height and width, strides, paddings, dilation, groups:
     *     {@code {kernelH, kernelW, strideH, strideW, padH, padW, dilation, groups}}
     * @throws IllegalArgumentException if the sizes do not fit together
     */
    public SparseConv(float[] weights, float[] bias, int[] input, int[] geometry) {
        this(weights, bias, input, geometry, false);
    }

    /**
     * {@link #SparseConv(float[], float[], int[], int[])}, optionally with the dense kernel whatever the density.
     *
     * @param weights the weights, {@code (out, in / groups, kernelH, kernelW)} row-major
     * @param bias one value per output channel, or null
     * @param input the input geometry: channels, height, width
     * @param geometry {@code {kernelH, kernelW, strideH, strideW, padH, padW, dilation, groups}}
     * @param dense whether to keep the filters dense (zeros multiplied) for the in-place kernel of one group, which a
     *     measurement may find faster than the CSR one below {@link Simd#DENSE_KERNEL} too
     */
    SparseConv(float[] weights, float[] bias, int[] input, int[] geometry, boolean dense) {
        this.inChannels = input[0];
        this.height = input[1];
        this.width = input[2];
        this.kernelH = geometry[0];
        this.kernelW = geometry[1];
        this.strideH = geometry[2];
        this.strideW = geometry[3];
        this.padH = geometry[4];
        this.padW = geometry[5];
        this.dilation = geometry[6];
        this.groups = geometry[7];
        if (groups < 1 || inChannels % groups != 0) {
            throw new IllegalArgumentException(inChannels + " input channels cannot be split into " + groups
                    + " groups.");
        }
        int perFilter = inChannels / groups * kernelH * kernelW;
        if (weights.length % perFilter != 0) {
            throw new IllegalArgumentException(weights.length + " weights are not filters of " + perFilter + ".");
        }
        int out = weights.length / perFilter;
        if (out % groups != 0 || (bias != null && bias.length != out)) {
            throw new IllegalArgumentException(out + " filters do not fit " + groups + " groups and "
                    + (bias == null ? 0 : bias.length) + " biases.");
        }
        this.filters = CsrMatrix.of(weights, out, perFilter);
        this.denseFilters = Simd.VECTOR && (dense || filters.density() >= Simd.DENSE_KERNEL) ? weights.clone() : null;
        int unit = Math.max(64, 8 * Simd.LANES);   // the CSR kernel's widest stretch: eight registers
        this.tile = Math.max(unit, TILE_BYTES / 4 / (perFilter * unit) * unit);
        // no bias is a bias of zeros: the kernels then never meet a null bias they were not compiled for
        this.bias = bias == null ? new float[out] : bias.clone();
        this.outH = (height + 2 * padH - dilation * (kernelH - 1) - 1) / strideH + 1;
        this.outW = (width + 2 * padW - dilation * (kernelW - 1) - 1) / strideW + 1;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("A " + kernelH + "x" + kernelW + " kernel does not fit a " + height + "x"
                    + width + " input with padding " + padH + "x" + padW + ".");
        }
    }

    /** @return whether it keeps its filters dense for the dense kernel (zeros multiplied) */
    boolean holdsDense() {
        return denseFilters != null;
    }

    /** @return the filters as CSR: a row per output channel */
    public CsrMatrix filters() {
        return filters;
    }

    /** @return the output's shape for one image: {@code {channels, height, width}} */
    public int[] outputShape() {
        return new int[] {filters.rows(), outH, outW};
    }

    /** @return the bytes held: the filters' CSR arrays, the bias, the dense filters if kept, and the offsets of the
     *     in-place path once it ran (not the padded input: activations, like the patch buffers) */
    public long bytes() {
        Direct d = direct;
        return filters.bytes() + 4L * bias.length + (denseFilters == null ? 0 : 4L * denseFilters.length)
                + (d == null ? 0 : 4L * d.tapAt.length + (d.denseAt == null ? 0 : 4L * d.denseAt.length));
    }

    /**
     * Computes the convolution. Every output row {@code (o, oh)} is summed in one accumulator row of
     * {@code outWidth x batch} values; each non-zero weight {@code (c, i, j)} adds its value times the
     * input row {@code oh * strideH + i * dilation - padH} of channel {@code c} as seen by kernel
     * column {@code j}: shifted (and strided) so that its entry {@code ow} is the input column
     * {@code ow * strideW + j * dilation - padW}, zero outside the image. The shifted rows are made once
     * per call, for every channel, kernel column and input row (kernel-width times the input), so that
     * the inner loop runs over two rows from index 0, a loop the JIT vectorises. Not thread-safe: the
     * shifted rows are kept between calls of the same batch size.
     *
     * @param x the input, {@code (inChannels, height, width, batch)} batch-last
     * @param batch images in the batch
     * @param y the output, {@code (outChannels, outHeight, outWidth, batch)} (overwritten)
     */
    public void forward(float[] x, int batch, float[] y) {
        forward(x, batch, y, null);
    }

    /**
     * {@link #forward(float[], int, float[])}, then {@code e} on the output (null: nothing). With the vector kernels
     * and stretches of outputs at least four registers long, the convolution is read in place from the input
     * ({@link #forwardDirect}) and {@code e} applied to each stretch as it is written; otherwise by patches (a block
     * of output rows at a time where the matrix is large; at batch 1 the stretches would be single output rows).
     */
    void forward(float[] x, int batch, float[] y, Epilogue e) {
        if (readsInPlace(batch)) {
            forwardDirect(x, batch, y, e);
            return;
        }
        if (runsWide(batch)) {
            forwardWide(x, y, e);
            return;
        }
        forward(x, batch, y, Simd.VECTOR || (long) inChannels * kernelH * kernelW * outH * outW * batch <= PATCH_LIMIT);
        if (e != null) {
            e.applyAll(y, filters.rows(), outH * outW * batch);
        }
    }

    /** {@link #forward(float[], int, float[])} by the patch matrix or by output rows, as asked (for tests). */
    void forward(float[] x, int batch, float[] y, boolean byPatches) {
        if (byPatches) {
            forwardByPatches(x, batch, y, Simd.VECTOR);
            return;
        }
        int out = filters.rows();
        int rowLen = outW * batch;
        int kk = kernelH * kernelW;
        int inPerGroup = inChannels / groups;
        int outPerGroup = out / groups;
        float[][] rows = shiftedRows(x, batch);
        float[] acc = new float[rowLen];
        float[] weight = new float[kk * inPerGroup];
        float[][] source = new float[kk * inPerGroup][];
        for (int o = 0; o < out; o++) {
            int firstChannel = o / outPerGroup * inPerGroup;
            for (int oh = 0; oh < outH; oh++) {
                // the non-zero weights of filter o that read an input row inside the image, with those rows
                int n = 0;
                for (int k = filters.rowStart(o), end = filters.rowStart(o + 1); k < end; k++) {
                    int col = filters.column(k);
                    int ih = oh * strideH + col % kk / kernelW * dilation - padH;
                    if (ih >= 0 && ih < height) {
                        weight[n] = filters.value(k);
                        source[n++] = rows[((firstChannel + col / kk) * kernelW + col % kernelW) * height + ih];
                    }
                }
                Arrays.fill(acc, bias[o]);
                int k = 0;
                for (; k + 3 < n; k += 4) {
                    CsrMatrix.axpy4(weight, k, source[k], source[k + 1], source[k + 2], source[k + 3], acc, rowLen);
                }
                for (; k < n; k++) {
                    CsrMatrix.axpy(weight[k], source[k], acc, rowLen);
                }
                System.arraycopy(acc, 0, y, (o * outH + oh) * rowLen, rowLen);
            }
        }
    }

    /**
     * The buffers and offsets of {@link #forwardDirect} for one batch size: the padded copy of the input (a cache line
     * longer than it, see {@link Alignment}) and where in it the copy started last (-1: never).
     */
    private static final class Direct {
        final int batch;
        final float[] padded;
        final int[] tapAt;
        final int[] denseAt;
        int start = -1;
        /** One image's outputs as {@link #forwardWide} computes them, padded-width rows (null until it runs). */
        float[] wide;

        Direct(int batch, float[] padded, int[] tapAt, int[] denseAt) {
            this.batch = batch;
            this.padded = padded;
            this.tapAt = tapAt;
            this.denseAt = denseAt;
        }
    }

    private Direct direct;

    /**
     * The convolution read in place from a copy of the input (zero-padded where the convolution pads, and starting
     * on a cache line: see {@link Alignment}): each non-zero weight {@code (c, i, j)} of a
     * filter multiplies the stretch of the padded input that starts where channel {@code c}, kernel row {@code i} and
     * column {@code j} read for the first output of the stretch; with stride 1 across the width an output row of all
     * images ({@code outWidth x batch} values) is one stretch, otherwise one output column ({@code batch} values).
     * No patch matrix: the work and the memory traffic follow the non-zero weights times the outputs. A stretch is
     * cut into tiles (see {@link #TILE_BYTES}), so that the input a tile reads stays in the cache while every filter
     * is applied to it; {@code e} (or null) is applied by the kernel: the CSR one to the outputs in registers, the
     * dense one to each block of four filters' outputs right after storing it (still in the first-level cache).
     * Filters with few zeros ({@link Simd#DENSE_KERNEL}, one group) run the dense kernel (four filters share every
     * load), others the CSR kernel. Needs {@link Simd#VECTOR}.
     */
    void forwardDirect(float[] x, int batch, float[] y, Epilogue e) {
        int start = readIn(x, batch);
        directRows(start, batch, 0, outH, y, e);
    }

    /** @return whether {@link #forward} reads a batch of this size in place ({@link #forwardDirect}): with the vector
     *     kernels, where its stretches of outputs are at least four registers long */
    boolean readsInPlace(int batch) {
        return Simd.VECTOR && (strideW == 1 ? outW * batch : batch) >= 4 * Simd.LANES;
    }

    /**
     * The first half of {@link #forwardDirect}: copies the input into the zero-padded buffer of this batch size.
     *
     * @return where the copy starts in that buffer, for {@link #directRows}
     */
    int readIn(float[] x, int batch) {
        return copyIn(direct(batch, height + 2 * padH, width + 2 * padW), x);
    }

    /**
     * The second half of {@link #forwardDirect}: output rows {@code [oh0, oh1)} of every filter, from the input
     * {@link #readIn} copied last (for this batch size), written as a band: filter {@code o}'s row {@code oh} at
     * {@code y[(o * (oh1 - oh0) + oh - oh0) * outWidth * batch]}. With {@code [0, outHeight)} that is the whole
     * output; a band of a few rows stays in the cache for what reads it next (max pooling, see
     * {@link Steps.Pooled}).
     */
    void directRows(int start, int batch, int oh0, int oh1, float[] y, Epilogue e) {
        Direct d = direct;
        float[] src = d.padded;
        int wp = width + 2 * padW;
        int out = filters.rows();
        int rowLen = outW * batch;
        int plane = (oh1 - oh0) * rowLen;
        int[] rowStart = filters.rowStarts();
        for (int oh = oh0; oh < oh1; oh++) {
            int rowBase = start + oh * strideH * wp * batch;
            int yRow = (oh - oh0) * rowLen;
            if (strideW == 1) {
                stretch(d, src, rowBase, rowLen, y, yRow, plane, rowStart, out, e);
            } else {
                for (int ow = 0; ow < outW; ow++) {
                    stretch(d, src, rowBase + ow * strideW * batch, batch, y, yRow + ow * batch, plane, rowStart, out,
                            e);
                }
            }
        }
    }

    /**
     * The fewest multiply-adds per output (non-zero weights per filter, or all of them for the dense kernel) for which
     * {@link #forwardWide} runs one image: below, copying its rows out costs more than it saves. Measured on AVX-512
     * (Zen 5), one image, ReLU after: 1.6-2.8x faster than the patch matrix for LeNet-5's convolutions (25 and 35
     * per output), SmallCNN's second (144) and a 32-channel 3x3 layer at 30 % (86); SmallCNN's first (16 filters of
     * 9 weights over one channel) 1.06-1.12x since the last tile takes the rest of the stretch (0.75-0.79x when the
     * last tile overlapped the one before).
     */
    static final int WIDE_WORK = 9;

    /** @return whether {@link #forward} runs a batch of this size as one stretch ({@link #forwardWide}): one image
     *     (stride 1) with enough multiply-adds per output ({@link #WIDE_WORK}) on the vector kernels */
    boolean runsWide(int batch) {
        return Simd.VECTOR && batch == 1 && !readsInPlace(1) && strideH == 1 && strideW == 1
                && wideLength() >= 4 * Simd.LANES
                && (denseFilters != null ? denseFilters.length : filters.nonZeros()) / (double) filters.rows()
                >= WIDE_WORK;
    }

    /** @return the outputs of one image from the first to the last as rows of the padded input's width */
    private int wideLength() {
        return (outH - 1) * (width + 2 * padW) + outW;
    }

    /**
     * One image (stride 1), read in place from its padded copy as {@link #forwardDirect} does, with the whole output
     * as one stretch: output {@code (oh, ow)} is computed at {@code oh * paddedWidth + ow}, where every weight's
     * window starts at the weight's offset, so the kernels run over one long stretch (eight registers at a time)
     * instead of a patch matrix built first (kernel-size copies of the image) or output rows of a few registers. The
     * {@code paddedWidth - outWidth} values between two rows are computed too and dropped (a 5x5 kernel without
     * padding over 14 columns: 40 % more multiply-adds); the rows are then copied out. {@code e} as in
     * {@code forwardDirect}. Needs {@link Simd#VECTOR}.
     */
    void forwardWide(float[] x, float[] y, Epilogue e) {
        // filter o's row oh is row o * outH + oh
        VectorProducts.copyRows(wide(x, e), 0, paddedWidth(), y, 0, outW, filters.rows() * outH);
    }

    /** @return the padded input's width: the row length of {@link #wide}'s output */
    int paddedWidth() {
        return width + 2 * padW;
    }

    /**
     * {@link #forwardWide} without its last copy: the output of one image left in rows of the padded width, filter
     * {@code o}'s row {@code oh} at {@code (o * outHeight + oh) * paddedWidth()}, for what reads it next in place (a
     * max pooling, {@link Steps.Pooled}).
     *
     * @return an array of this convolution's, valid until it runs again
     */
    float[] wide(float[] x, Epilogue e) {
        int wp = paddedWidth();
        Direct d = direct(1, height + 2 * padH, wp);
        int start = copyIn(d, x);
        int out = filters.rows();
        int widePlane = outH * wp;
        if (d.wide == null) {
            d.wide = new float[out * widePlane];
        }
        stretch(d, d.padded, start, wideLength(), d.wide, 0, widePlane, filters.rowStarts(), out, e);
        return d.wide;
    }

    /**
     * The bytes of input windows a tile of {@link #forwardDirect} may read: 24 KB, so that they stay in a first-level
     * data cache of 32 KB while every filter is applied to them. A tile is as many outputs as fit, a multiple of the
     * CSR kernel's widest stretch (eight registers, 128 floats on AVX-512; at least 64): for a 3x3 kernel over 11
     * channels (99 windows) one stretch, for the 9 windows of a one-channel stem 640 values. Measured on AVX-512
     * (Zen 4) at 1,000 images: 32-34 G multiply-adds per second with tiles of 64 against 22-28 with 256 or 1,024
     * where a filter reads 405 or 288 windows; a stem got slower with tiles of 64. On Zen 5 at 64 images, tiles of
     * 128 with eight registers per weight beat tiles of 64 with four by 1.1-1.3x.
     */
    static final int TILE_BYTES = 24 * 1024;

    /** The outputs per tile of {@link #forwardDirect}: as many as the windows of {@link #TILE_BYTES} allow. */
    private int tile;

    /** Where {@link #forwardDirect} starts its copy of the input if set (0-15; -1, the default: on a line). */
    private int lineStart = -1;

    /** Sets where {@link #forwardDirect} starts its copy of the input (for tests: a copy the collector moved). */
    void lineStart(int floats) {
        lineStart = floats;
    }

    /** Sets the tile of {@link #forwardDirect} (for tests: tiles shorter than a stretch). */
    void tile(int values) {
        tile = values;
    }

    private void stretch(Direct d, float[] src, int base, int len, float[] y, int yOffset, int plane, int[] rowStart,
            int out, Epilogue e) {
        for (int t = 0, n; t < len; t += n) {
            // the last tile takes the rest, up to one and a half tiles: no short tile and no overlap (a last tile
            // ending at the stretch's end and overlapping the one before computed one image of LeNet-5's conv2, 136
            // values, as two tiles of 128); the kernels run any length
            n = len - t < tile + tile / 2 ? len - t : tile;
            // e is applied by the kernel, to outputs in registers or in the first-level cache
            if (d.denseAt != null) {
                VectorProducts.denseMultiply(denseFilters, 0, out, denseFilters.length / out, d.denseAt, src,
                        base + t, n, bias, y, yOffset + t, plane, e);
            } else {
                VectorProducts.multiply(0, out, rowStart, d.tapAt, filters.values(), src, base + t, n, bias, y,
                        yOffset + t, plane, e);
            }
        }
    }

    /**
     * Copies the input (zero-padded) into {@code d.padded} from where its stretches start on cache lines, as that
     * array lies now.
     *
     * @return where the copy starts in {@code d.padded}
     */
    private int copyIn(Direct d, float[] x) {
        int start = lineStart >= 0 ? lineStart : Alignment.floatsToLine(d.padded);
        if (start != d.start) {
            Arrays.fill(d.padded, 0f);   // the border around the copy at its last start is no longer zero
            d.start = start;
        }
        Layouts.padInto(x, inChannels, height, width, padH, padW, d.batch, d.padded, start);
        return start;
    }

    private Direct direct(int batch, int hp, int wp) {
        Direct d = direct;
        if (d != null && d.batch == batch) {
            return d;
        }
        int kk = kernelH * kernelW;
        int inPerGroup = inChannels / groups;
        int outPerGroup = filters.rows() / groups;
        int[] tapAt = new int[filters.nonZeros()];
        for (int o = 0; o < filters.rows(); o++) {
            int first = o / outPerGroup * inPerGroup;
            for (int k = filters.rowStart(o); k < filters.rowStart(o + 1); k++) {
                int col = filters.column(k);
                tapAt[k] = Layouts.tap(first + col / kk, col % kk / kernelW, col % kernelW, hp, wp, dilation, batch);
            }
        }
        int[] denseAt = null;
        if (denseFilters != null && groups == 1) {
            denseAt = Layouts.taps(inChannels, kernelH, kernelW, hp, wp, dilation, batch);
        }
        float[] padded = new float[inChannels * hp * wp * batch + Alignment.LINE_FLOATS];
        d = new Direct(batch, padded, tapAt, denseAt);
        direct = d;
        return d;
    }

    /**
     * The convolution as the sparse filters times the input's patch matrix (im2col), whose rows
     * ({@code inChannels x kernelH x kernelW} of them, each {@code outHeight x outWidth x batch} long)
     * are built from the shifted rows: each non-zero weight is then one long vectorised loop over a
     * whole output channel. Used while the patch matrix is small ({@value #PATCH_LIMIT} values; at
     * batch 1 the rows of a 28x28 image would otherwise be loops of a few values each), and always
     * with the vector kernels ({@code vector}, which needs {@link Simd#VECTOR}), which build the patch
     * matrix a block of output rows at a time.
     */
    void forwardByPatches(float[] x, int batch, float[] y, boolean vector) {
        int out = filters.rows();
        int kk = kernelH * kernelW;
        int rowLen = outW * batch;
        int plane = outH * rowLen;
        float[][] rows = shiftedRows(x, batch);
        if (vector && plane >= Simd.LANES) {
            forwardByFlatPatches(rows, rowLen, y);
            return;
        }
        if (patches == null || patches[0].length != plane) {
            patches = new float[inChannels * kk][plane];
        }
        for (int c = 0; c < inChannels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    patchRow(rows, c, i, j, 0, outH, rowLen, patches[(c * kernelH + i) * kernelW + j], 0);
                }
            }
        }
        int inPerGroup = inChannels / groups;
        int outPerGroup = out / groups;
        float[] acc = new float[plane];
        for (int o = 0; o < out; o++) {
            int first = o / outPerGroup * inPerGroup * kk; // the group's first patch row
            Arrays.fill(acc, bias[o]);
            int k = filters.rowStart(o);
            int end = filters.rowStart(o + 1);
            for (; k + 3 < end; k += 4) {
                CsrMatrix.axpy4(filters, k, patches[first + filters.column(k)], patches[first + filters.column(k + 1)],
                        patches[first + filters.column(k + 2)], patches[first + filters.column(k + 3)], acc, plane);
            }
            for (; k < end; k++) {
                CsrMatrix.axpy(filters.value(k), patches[first + filters.column(k)], acc, plane);
            }
            System.arraycopy(acc, 0, y, o * plane, plane);
        }
    }

    /**
     * The patch matrix in one array, {@code (inChannels * kernel positions, outputs)}, times the filters on the
     * vector kernels, group by group ({@link VectorProducts#denseMultiply} for filters dense enough, else the CSR
     * product): the partial sums of a stretch of the outputs stay in registers while a filter's weights are walked.
     * A patch matrix above {@value #PATCH_LIMIT} values is built and multiplied a block of output rows at a time.
     */
    private void forwardByFlatPatches(float[][] rows, int rowLen, float[] y) {
        int kk = kernelH * kernelW;
        int plane = outH * rowLen;
        int blockRows = (int) Math.max(1, Math.min(outH, patchLimit / ((long) inChannels * kk * rowLen)));
        int blockLen = blockRows * rowLen;
        if (flatPatches == null || flatPatches.length != inChannels * kk * blockLen) {
            flatPatches = new float[inChannels * kk * blockLen];
        }
        float[] p = flatPatches;
        int outPerGroup = filters.rows() / groups;
        int inPerGroup = inChannels / groups;
        for (int oh0 = 0; oh0 < outH; oh0 += blockRows) {
            int oh1 = Math.min(outH, oh0 + blockRows);
            int len = (oh1 - oh0) * rowLen;   // the block's outputs per filter: the patch rows' length
            for (int c = 0; c < inChannels; c++) {
                for (int i = 0; i < kernelH; i++) {
                    for (int j = 0; j < kernelW; j++) {
                        patchRow(rows, c, i, j, oh0, oh1, rowLen, p, ((c * kernelH + i) * kernelW + j) * len);
                    }
                }
            }
            for (int g = 0; g < groups; g++) {
                if (denseFilters != null) {
                    VectorProducts.denseMultiply(denseFilters, g * outPerGroup, (g + 1) * outPerGroup, inPerGroup * kk,
                            p, g * inPerGroup * kk, len, bias, y, oh0 * rowLen, plane);
                } else {
                    filters.multiplyRowsVector(g * outPerGroup, (g + 1) * outPerGroup, p, g * inPerGroup * kk, len,
                            bias, y, oh0 * rowLen, plane);
                }
            }
        }
    }

    /**
     * Output rows {@code [oh0, oh1)} of the patch row of channel {@code c} and kernel position {@code (i, j)}: for
     * each, the shifted input row that position reads (zeros where it falls outside the image), into {@code dest}
     * from {@code at} on.
     */
    private void patchRow(float[][] rows, int c, int i, int j, int oh0, int oh1, int rowLen, float[] dest, int at) {
        for (int oh = oh0; oh < oh1; oh++) {
            int ih = oh * strideH + i * dilation - padH;
            int to = at + (oh - oh0) * rowLen;
            if (ih >= 0 && ih < height) {
                System.arraycopy(rows[(c * kernelW + j) * height + ih], 0, dest, to, rowLen);
            } else {
                Arrays.fill(dest, to, to + rowLen, 0f);
            }
        }
    }

    /** Sets the most values a block of the flat patch matrix holds (for tests: blocks of one output row). */
    void patchLimit(int values) {
        patchLimit = values;
    }

    /** @return per (channel, kernel column, input row) the input row as that kernel column reads it */
    private float[][] shiftedRows(float[] x, int batch) {
        int rowLen = outW * batch;
        if (shifted == null || shifted[0].length != rowLen) {
            shifted = new float[inChannels * kernelW * height][rowLen];
        }
        for (int c = 0; c < inChannels; c++) {
            for (int j = 0; j < kernelW; j++) {
                int shift = j * dilation - padW;
                int ow0 = Math.max(0, ceilDiv(-shift, strideW));
                int ow1 = Math.max(ow0, Math.min(outW, ceilDiv(width - shift, strideW)));
                for (int ih = 0; ih < height; ih++) {
                    float[] row = shifted[(c * kernelW + j) * height + ih];
                    int xr = (c * height + ih) * width;
                    Arrays.fill(row, 0, ow0 * batch, 0f);
                    Arrays.fill(row, ow1 * batch, rowLen, 0f);
                    if (strideW == 1) {
                        System.arraycopy(x, (xr + ow0 + shift) * batch, row, ow0 * batch, (ow1 - ow0) * batch);
                    } else {
                        for (int ow = ow0; ow < ow1; ow++) {
                            System.arraycopy(x, (xr + ow * strideW + shift) * batch, row, ow * batch, batch);
                        }
                    }
                }
            }
        }
        return shifted;
    }

    /** @return the smallest integer {@code >= a / b} for {@code b > 0} */
    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
