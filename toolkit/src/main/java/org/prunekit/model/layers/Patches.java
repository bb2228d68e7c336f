package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The im2col patches of a 2-D convolution: for every output pixel, the input values each filter
 * weight multiplies, in the order of the weight's flattened {@code (in, kh, kw)} axes. What the
 * calibration methods need of a convolution ({@link org.prunekit.model.WeightInput}).
 */
final class Patches {

    private Patches() {}

    /**
     * @param x the input, {@code (b, c, h, w)}
     * @param kh kernel height
     * @param kw kernel width
     * @param sh vertical stride
     * @param sw horizontal stride
     * @param ph padding at top and bottom
     * @param pw padding at left and right
     * @param dilation dilation in both directions
     * @return the patches, {@code (b, oh, ow, c, kh·kw)}
     */
    static NDArray of(NDArray x, int kh, int kw, int sh, int sw, int ph, int pw, int dilation) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("A convolution's input must be (batch, channels, height, width), got "
                    + s + ".");
        }
        NDArray padded = ph == 0 && pw == 0 ? x : x.pad(new Shape(pw, pw, ph, ph), 0);
        long h = s.get(2) + 2L * ph;
        long w = s.get(3) + 2L * pw;
        long oh = (h - dilation * (kh - 1L) - 1) / sh + 1;
        long ow = (w - dilation * (kw - 1L) - 1) / sw + 1;
        NDList taps = new NDList();
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                long r = (long) i * dilation;
                long c = (long) j * dilation;
                taps.add(padded.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}", r, r + sh * (oh - 1) + 1, sh, c,
                        c + sw * (ow - 1) + 1, sw)));
            }
        }
        // (b, c, k, oh, ow) -> (b, oh, ow, c, k)
        return NDArrays.stack(taps, 2).transpose(0, 3, 4, 1, 2);
    }
}
