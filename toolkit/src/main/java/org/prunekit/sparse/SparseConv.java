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
 * <p>Activations are batch-last, {@code (channels, height, width, batch)}: with stride 1 an
 * output row's valid pixels for all images of the batch are one contiguous run, as are the input
 * values they read, so each non-zero weight and output row is one vectorised loop of
 * {@code width x batch} values (at batch 1, the row). Grouped convolutions (depthwise: as many
 * groups as channels) read only the input channels of their group.
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

    /**
     * @param weights the weights, {@code (out, in / groups, kernelH, kernelW)} row-major
     * @param bias one value per output channel, or null
     * @param input the input geometry: channels, height, width
     * @param geometry kernel height and width, strides, paddings, dilation, groups:
     *     {@code {kernelH, kernelW, strideH, strideW, padH, padW, dilation, groups}}
     * @throws IllegalArgumentException if the sizes do not fit together
     */
    public SparseConv(float[] weights, float[] bias, int[] input, int[] geometry) {
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
        this.bias = bias == null ? null : bias.clone();
        this.outH = (height + 2 * padH - dilation * (kernelH - 1) - 1) / strideH + 1;
        this.outW = (width + 2 * padW - dilation * (kernelW - 1) - 1) / strideW + 1;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("A " + kernelH + "x" + kernelW + " kernel does not fit a " + height + "x"
                    + width + " input with padding " + padH + "x" + padW + ".");
        }
    }

    /** @return the filters as CSR: a row per output channel */
    public CsrMatrix filters() {
        return filters;
    }

    /** @return output channels */
    public int outChannels() {
        return filters.rows();
    }

    /** @return output height */
    public int outHeight() {
        return outH;
    }

    /** @return output width */
    public int outWidth() {
        return outW;
    }

    /** @return the bytes held: the filters' CSR arrays and the bias */
    public long bytes() {
        return filters.bytes() + (bias == null ? 0 : 4L * bias.length);
    }

    /**
     * @param x the input, {@code (inChannels, height, width, batch)} batch-last
     * @param batch images in the batch
     * @param y the output, {@code (outChannels, outHeight, outWidth, batch)} (overwritten)
     */
    public void forward(float[] x, int batch, float[] y) {
        int out = filters.rows();
        int plane = outH * outW * batch;
        int kk = kernelH * kernelW;
        int inPerGroup = inChannels / groups;
        int outPerGroup = out / groups;
        int inPlane = height * width * batch;
        for (int o = 0; o < out; o++) {
            int yo = o * plane;
            Arrays.fill(y, yo, yo + plane, bias == null ? 0f : bias[o]);
            int firstChannel = o / outPerGroup * inPerGroup;
            for (int k = filters.rowStart(o), end = filters.rowStart(o + 1); k < end; k++) {
                int col = filters.column(k);
                int c = firstChannel + col / kk;
                int i = col % kk / kernelW * dilation - padH;
                int j = col % kernelW * dilation - padW;
                // output rows/columns whose input row/column oh*s + i / ow*s + j lies inside the image
                int oh0 = Math.max(0, ceilDiv(-i, strideH));
                int oh1 = Math.min(outH, ceilDiv(height - i, strideH));
                int ow0 = Math.max(0, ceilDiv(-j, strideW));
                int ow1 = Math.min(outW, ceilDiv(width - j, strideW));
                if (oh0 >= oh1 || ow0 >= ow1) {
                    continue;
                }
                float v = filters.value(k);
                int xc = c * inPlane;
                for (int oh = oh0; oh < oh1; oh++) {
                    int xr = xc + ((oh * strideH + i) * width) * batch;
                    int yr = yo + (oh * outW) * batch;
                    if (strideW == 1) {
                        CsrMatrix.axpy(v, x, xr + (ow0 + j) * batch, y, yr + ow0 * batch, (ow1 - ow0) * batch);
                    } else {
                        for (int ow = ow0; ow < ow1; ow++) {
                            CsrMatrix.axpy(v, x, xr + (ow * strideW + j) * batch, y, yr + ow * batch, batch);
                        }
                    }
                }
            }
        }
    }

    /** @return the smallest integer {@code >= a / b} for {@code b > 0} */
    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
