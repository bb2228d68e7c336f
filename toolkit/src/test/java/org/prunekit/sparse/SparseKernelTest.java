package org.prunekit.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sparse kernels against plain double-precision loops written here: CSR products at batch 1
 * and larger batches, and direct sparse convolutions (by output rows, by the patch matrix, and read
 * in place from the padded input, whole and in tiles) over random shapes, strides, paddings,
 * dilations, groups (depthwise included) and batches; a batch norm and ReLU applied as a
 * convolution writes against the separate steps.
 */
class SparseKernelTest {

    private static float[] sparseRandom(Random r, int n, double density) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() < density ? (float) r.nextGaussian() : 0f;
        }
        return v;
    }

    private static void close(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void csrProductEqualsDoubleLoop() {
        Random r = new Random(7);
        int[] batches = {1, 2, 7, 16, 17, 64, 65, 100, 3 * Simd.LANES + 1, 4 * Simd.LANES, 8 * Simd.LANES,
            8 * Simd.LANES + 5, 9 * Simd.LANES + 3, 12 * Simd.LANES, 12 * Simd.LANES + 3, 300};
            // every stretch of the kernel: below a register, one, four and eight registers, and each followed by the
            // narrower ones for the rest
        for (int trial = 0; trial < 60; trial++) {
            int rows = 1 + r.nextInt(40);
            int cols = 1 + r.nextInt(70);
            int batch = batches[trial % batches.length];
            float[] w = sparseRandom(r, rows * cols, r.nextDouble());
            float[] bias = trial % 3 == 0 ? null : sparseRandom(r, rows, 1);
            // batch-last; every other single vector mostly zeros, as an image's background or a ReLU's output
            float[] x = sparseRandom(r, cols * batch, batch == 1 && trial % 2 == 0 ? 0.4 : 1);
            CsrMatrix a = CsrMatrix.of(w, rows, cols);
            assertEquals(java.util.Arrays.toString(w), java.util.Arrays.toString(a.toDense()));
            float[] y = new float[rows * batch];
            a.multiply(x, batch, bias, y);   // the vector kernel from a register's batch on
            float[] loops = new float[rows * batch];
            if (batch == 1) {
                a.multiplyByRows(x, bias, loops);   // y: by columns where x is mostly zeros
            } else {
                a.multiplyLoops(x, batch, bias, loops);
            }
            for (int i = 0; i < rows; i++) {
                for (int b = 0; b < batch; b++) {
                    double s = bias == null ? 0 : bias[i];
                    for (int c = 0; c < cols; c++) {
                        s += (double) w[i * cols + c] * x[c * batch + b];
                    }
                    close(s, y[i * batch + b], "row " + i + " example " + b + " of " + batch);
                    close(s, loops[i * batch + b], "plain loops, row " + i + " example " + b + " of " + batch);
                }
            }
        }
    }

    @Test
    void denseLayerStepEqualsDoubleLoopAtEveryDensityAndBatch() {
        Random r = new Random(5);
        for (int trial = 0; trial < 40; trial++) {
            int rows = 1 + r.nextInt(30);
            int cols = 1 + r.nextInt(200);
            // one example, batches of a few registers and of eight and more (the dense kernel's two-row block takes
            // stretches of eight registers, then four, then single ones)
            int batch = trial % 2 == 0 ? 1 : trial % 4 == 1 ? 128 + r.nextInt(140) : 1 + r.nextInt(70);
            float[] w = sparseRandom(r, rows * cols, trial % 4 < 2 ? 0.9 + 0.1 * r.nextDouble() : 0.4 * r.nextDouble());
            float[] bias = trial % 3 == 0 ? null : sparseRandom(r, rows, 1);
            float[] x = sparseRandom(r, cols * batch, 1);
            Steps.SparseDense step = new Steps.SparseDense(w, rows, cols, bias);
            float[] y = step.run(x, batch);   // dense rows on the vector kernel at batch 1 for the dense half
            for (int i = 0; i < rows; i++) {
                for (int b = 0; b < batch; b++) {
                    double s = bias == null ? 0 : bias[i];
                    double size = Math.abs(s);   // what float rounding scales with: the terms, not their sum
                    for (int c = 0; c < cols; c++) {
                        s += (double) w[i * cols + c] * x[c * batch + b];
                        size += Math.abs((double) w[i * cols + c] * x[c * batch + b]);
                    }
                    assertEquals(s, y[i * batch + b], 1e-6 * Math.max(1, size), "trial " + trial + " row " + i
                            + " example " + b + " of " + batch);
                }
            }
        }
    }

    @Test
    void layoutsMoveEveryValueToItsPlace() {
        for (int[] shape : new int[][] {{1, 1}, {1, 9}, {3, 5}, {4, 4}, {7, 13}, {64, 784}, {65, 10}}) {
            int batch = shape[0];
            int size = shape[1];
            float[] rowMajor = new float[batch * size];
            for (int i = 0; i < rowMajor.length; i++) {
                rowMajor[i] = i;
            }
            float[] batchLast = new float[rowMajor.length];
            Layouts.toBatchLast(rowMajor, size, batch, batchLast);
            for (int b = 0; b < batch; b++) {
                for (int v = 0; v < size; v++) {
                    assertEquals(b * size + v, batchLast[v * batch + b], batch + " x " + size);
                }
            }
            float[] back = new float[rowMajor.length];
            Layouts.toRowMajor(batchLast, size, batch, back);
            org.junit.jupiter.api.Assertions.assertArrayEquals(rowMajor, back, batch + " x " + size);
        }
    }

    @Test
    void theTestJvmRunsTheVectorKernels() {
        // the test command starts the JVM with --add-modules jdk.incubator.vector, as the kernel and the benchmark do,
        // so the products above ran the vector kernel from a register's batch on
        assertEquals(true, Simd.VECTOR, Simd.describe());
        org.junit.jupiter.api.Assertions.assertTrue(Simd.LANES >= 4, Simd.describe());
        org.junit.jupiter.api.Assertions.assertTrue(VectorProducts.check());
    }

    @Test
    void csrMemoryIsInProportionToDensity() {
        float[] w = sparseRandom(new Random(3), 300 * 784, 0.1);
        CsrMatrix a = CsrMatrix.of(w, 300, 784);
        // 6 bytes per non-zero + 4 per row against 4 per value: 1.5 x the density of the dense bytes
        double ratio = a.bytes() / (4.0 * w.length);
        assertEquals(1.5 * a.density(), ratio, 0.005);
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.of(new float[6], 2, 4));
        assertThrows(IllegalArgumentException.class, () -> CsrMatrix.of(new float[2 * 70_000], 2, 70_000));
    }

    @Test
    void sparseConvolutionEqualsDoubleLoop() {
        Random r = new Random(11);
        for (int trial = 0; trial < 60; trial++) {
            boolean depthwise = trial % 4 == 3;
            int groups = depthwise ? 0 : 1 + (trial % 5 == 4 ? 1 : 0);
            int c = depthwise ? 1 + r.nextInt(6) : groups * (1 + r.nextInt(4));
            if (depthwise) {
                groups = c;
            }
            int out = depthwise ? c : groups * (1 + r.nextInt(5));
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int sh = 1 + r.nextInt(2);
            int sw = 1 + r.nextInt(3);
            int ph = r.nextInt(3);
            int pw = r.nextInt(3);
            int dil = depthwise ? 1 : 1 + r.nextInt(2);
            int h = dil * (kh - 1) + 1 + r.nextInt(9);
            int wd = dil * (kw - 1) + 1 + r.nextInt(9);
            int batch = new int[] {1, 3, 8, 16, 64, 37}[trial % 6];
            int perFilter = c / groups * kh * kw;
            float[] w = sparseRandom(r, out * perFilter, 0.05 + 0.9 * r.nextDouble());
            float[] bias = trial % 2 == 0 ? sparseRandom(r, out, 1) : null;
            float[] x = sparseRandom(r, c * h * wd * batch, 1);
            SparseConv conv = new SparseConv(w, bias, new int[] {c, h, wd}, new int[] {kh, kw, sh, sw, ph, pw, dil,
                groups});
            int oh = conv.outputShape()[1];
            int ow = conv.outputShape()[2];
            assertEquals((h + 2 * ph - dil * (kh - 1) - 1) / sh + 1, oh);
            float[] y = new float[out * oh * ow * batch];
            float[] byRows = new float[y.length];
            conv.forward(x, batch, y, true);
            conv.forward(x, batch, byRows, false);
            float[] loops = new float[y.length];
            conv.forwardByPatches(x, batch, loops, false);   // y: on the vector kernel where the plane fills a register
            float[] blocks = new float[y.length];
            conv.patchLimit(1);   // the patch matrix built and multiplied one output row at a time
            conv.forward(x, batch, blocks, true);
            // read in place from the padded input, in stretches of an output row (stride 1) or column, whole and in
            // tiles of 2 registers (the last one overlapping the one before)
            float[] direct = new float[y.length];
            float[] tiled = new float[y.length];
            // one image with stride 1: the whole output as one stretch of padded-width rows
            float[] wide = new float[y.length];
            boolean wideRuns = Simd.VECTOR && batch == 1 && sh == 1 && sw == 1;
            if (wideRuns) {
                conv.forwardWide(x, wide, null);
            }
            if (Simd.VECTOR) {
                conv.forwardDirect(x, batch, direct, null);
                conv.tile(2 * Simd.LANES);
                conv.forwardDirect(x, batch, tiled, null);
            }
            String what = "trial " + trial + ": " + c + " channels " + h + "x" + wd + ", " + out + " filters " + kh + "x"
                    + kw + " stride " + sh + "x" + sw + " pad " + ph + "x" + pw + " dilation " + dil + " groups "
                    + groups + ", batch " + batch;
            for (int o = 0; o < out; o++) {
                int g = o / (out / groups);
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        for (int b = 0; b < batch; b++) {
                            double s = bias == null ? 0 : bias[o];
                            for (int cl = 0; cl < c / groups; cl++) {
                                int ci = g * (c / groups) + cl;
                                for (int p = 0; p < kh; p++) {
                                    for (int q = 0; q < kw; q++) {
                                        int ii = i * sh - ph + p * dil;
                                        int jj = j * sw - pw + q * dil;
                                        if (ii >= 0 && ii < h && jj >= 0 && jj < wd) {
                                            s += (double) w[((o * (c / groups) + cl) * kh + p) * kw + q]
                                                    * x[((ci * h + ii) * wd + jj) * batch + b];
                                        }
                                    }
                                }
                            }
                            close(s, y[((o * oh + i) * ow + j) * batch + b], what + ", by patches");
                            close(s, byRows[((o * oh + i) * ow + j) * batch + b], what + ", by rows");
                            close(s, loops[((o * oh + i) * ow + j) * batch + b], what + ", by patches in loops");
                            close(s, blocks[((o * oh + i) * ow + j) * batch + b], what + ", by blocks of patches");
                            if (wideRuns) {
                                close(s, wide[((o * oh + i) * ow + j) * batch + b], what + ", wide rows");
                            }
                            if (Simd.VECTOR) {
                                close(s, direct[((o * oh + i) * ow + j) * batch + b], what + ", in place");
                                close(s, tiled[((o * oh + i) * ow + j) * batch + b], what + ", in place, in tiles");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchNormAndReluAppliedAsTheOutputIsWrittenGiveTheSeparateStepsValuesBitForBit() {
        Random r = new Random(5);
        // batches below a register, of one, four and eight registers per stretch; the CSR kernel (density 0.2) and
        // the dense one (0.6), each with its default tiles and with tiles of three registers
        for (int batch : new int[] {1, 16, 64, 100}) {
            for (int variant = 0; variant < 8; variant++) {
                boolean norm = variant % 2 == 0;
                double density = variant / 2 % 2 == 0 ? 0.2 : 0.6;
                boolean shortTiles = variant / 4 == 1;
                int c = 3;
                int out = 5;
                float[] w = sparseRandom(r, out * c * 9, density);
                float[] x = sparseRandom(r, c * 12 * 12 * batch, 1);
                float[] scale = sparseRandom(r, out, 1);
                float[] shift = sparseRandom(r, out, 1);
                SparseConv conv = new SparseConv(w, null, new int[] {c, 12, 12}, new int[] {3, 3, 1, 1, 1, 1, 1, 1});
                if (shortTiles) {
                    conv.tile(3 * Simd.LANES);
                }
                int plane = 12 * 12 * batch;
                float[] separate = new float[out * plane];
                conv.forward(x, batch, separate, (Epilogue) null);
                float[] afterNorm = norm ? new Steps.Affine(scale, shift, 144).run(separate, batch) : separate;
                float[] expected = new Steps.Pointwise(out * 144, true).run(afterNorm, batch).clone();
                float[] fused = new float[out * plane];
                conv.forward(x, batch, fused, new Epilogue(norm ? scale : null, norm ? shift : null, true));
                String what = "batch " + batch + ", density " + density + (shortTiles ? ", tiles of 3 registers" : "")
                        + (norm ? ", batch norm + ReLU" : ", ReLU");
                assertArrayEquals(expected, fused, what);
                // and the whole fused step, as SparseInference compiles it
                List<Step> steps = Steps.fuse(norm ? List.of(new Steps.SparseConvolution(conv),
                        new Steps.Affine(scale, shift, 144), new Steps.Pointwise(out * 144, true))
                        : List.of(new Steps.SparseConvolution(conv), new Steps.Pointwise(out * 144, true)),
                        s -> s instanceof Steps.SparseConvolution);
                assertEquals(1, steps.size());
                assertArrayEquals(expected, Steps.runAll(steps, x, batch), what);
            }
        }
    }

    @Test
    void aConvolutionPooledBandByBandGivesTheSeparateStepsValuesBitForBit() {
        Random r = new Random(23);
        int banded = 0;
        int wide = 0;
        for (int trial = 0; trial < 96; trial++) {
            int c = 1 + r.nextInt(4);
            int out = 1 + r.nextInt(9);   // blocks of four filters, two left over, one
            int k = trial % 5 == 0 ? 3 + 2 * r.nextInt(2) : 1 + 2 * r.nextInt(3);   // one image: enough work to run wide
            int stride = trial % 10 == 0 ? 2 : 1;
            int pad = r.nextInt(k / 2 + 1);
            int groups = trial % 7 == 0 ? c : 1;   // depthwise now and then
            if (groups > 1) {
                out = c;
            }
            int h = k + 2 + r.nextInt(20);
            int wd = k + 2 + r.nextInt(20);
            // banded poolings (kernel at most the stride, no padding) and ones that are not (overlapping, padded)
            int pk = 1 + r.nextInt(3);
            int ps = trial % 4 == 3 ? Math.max(1, pk - 1) : pk + r.nextInt(2);
            int pp = trial % 6 == 5 ? pk / 2 : 0;
            int batch = new int[] {1, 3, 16, 64, 100}[trial % 5];
            float[] w = sparseRandom(r, out * (c / groups) * k * k, trial % 2 == 0 ? 0.25 : 0.9);
            float[] bias = sparseRandom(r, out, 1);
            float[] x = sparseRandom(r, c * h * wd * batch, 1);
            SparseConv conv = new SparseConv(w, bias, new int[] {c, h, wd}, new int[] {k, k, stride, stride, pad, pad,
                1, groups});
            int[] o = conv.outputShape();
            if (o[1] < pk || o[2] < pk) {
                continue;
            }
            Steps.MaxPool pool = new Steps.MaxPool(o, pk, ps, pp);
            boolean relu = trial % 3 != 0;
            List<Step> separate = relu ? List.of(new Steps.SparseConvolution(conv), new Steps.Pointwise(o[0] * o[1]
                    * o[2], true), pool) : List.of(new Steps.SparseConvolution(conv), pool);
            float[] expected = Steps.runAll(separate, x, batch).clone();
            List<Step> fused = Steps.fuse(separate, s -> s instanceof Steps.SparseConvolution);
            String what = "trial " + trial + ": " + out + " filters " + k + "x" + k + "/" + stride + " pad " + pad
                    + " groups " + groups + " over " + c + "x" + h + "x" + wd + ", pool " + pk + "/" + ps + " pad " + pp
                    + (relu ? ", ReLU" : "") + ", batch " + batch;
            assertEquals(pool.bandable() ? 1 : 2, fused.size(), what);
            assertArrayEquals(expected, Steps.runAll(fused, x, batch), what);
            banded += pool.bandable() && conv.readsInPlace(batch) ? 1 : 0;
            wide += pool.bandable() && conv.runsWide(batch) ? 1 : 0;
        }
        assertTrue(banded >= 10, "only " + banded + " trials pooled band by band");
        assertTrue(wide >= 3, "only " + wide + " trials pooled one image where its rows lie");
    }

    @Test
    void oneImageAsOneStretchOfPaddedWidthRowsEqualsThePatchMatrixProduct() {
        Random r = new Random(13);
        for (int trial = 0; trial < 40; trial++) {
            int c = 1 + r.nextInt(4);
            int groups = trial % 5 == 0 ? c : 1;
            int out = groups * (1 + r.nextInt(6));
            int kh = 1 + r.nextInt(5);
            int kw = 1 + r.nextInt(5);
            int dil = 1 + r.nextInt(2);
            int ph = r.nextInt(3);
            int pw = r.nextInt(3);
            int h = dil * (kh - 1) + 1 + r.nextInt(20);
            int wd = dil * (kw - 1) + 1 + r.nextInt(20);
            float[] w = sparseRandom(r, out * (c / groups) * kh * kw, 0.05 + 0.9 * r.nextDouble());
            float[] bias = trial % 2 == 0 ? sparseRandom(r, out, 1) : null;
            float[] x = sparseRandom(r, c * h * wd, 1);
            SparseConv conv = new SparseConv(w, bias, new int[] {c, h, wd}, new int[] {kh, kw, 1, 1, ph, pw, dil,
                groups}, trial % 3 == 0);
            int[] shape = conv.outputShape();
            float[] expected = new float[shape[0] * shape[1] * shape[2]];
            conv.forward(x, 1, expected, true);   // the patch matrix, checked against the double loop above
            float[] wide = new float[expected.length];
            if (Simd.VECTOR) {
                conv.forwardWide(x, wide, null);
                for (int i = 0; i < wide.length; i++) {
                    close(expected[i], wide[i], "trial " + trial + ": " + c + "x" + h + "x" + wd + " by " + out + " "
                            + kh + "x" + kw + " pad " + ph + "x" + pw + " dilation " + dil + " groups " + groups
                            + ", output " + i);
                }
            }
        }
    }

    @Test
    void rowsCopiedARegisterAtATimeLandWhereTheyBelongAndNothingPastTheEnd() {
        Random r = new Random(17);
        for (int trial = 0; trial < 60; trial++) {
            int width = 1 + r.nextInt(3 * Simd.LANES);
            int stride = width + r.nextInt(20);
            int rows = 1 + r.nextInt(20);
            int xOffset = r.nextInt(5);
            int yOffset = r.nextInt(5);
            // the source exactly as long as its last row needs, so that its last registers would read past its end
            float[] x = sparseRandom(r, xOffset + (rows - 1) * stride + width, 1);
            float[] y = new float[yOffset + rows * width + 2 * Simd.LANES];
            java.util.Arrays.fill(y, -7f);
            VectorProducts.copyRows(x, xOffset, stride, y, yOffset, width, rows);
            for (int i = 0; i < y.length; i++) {
                int row = (i - yOffset) / width;
                float expected = i < yOffset || i >= yOffset + rows * width ? -7f
                        : x[xOffset + row * stride + (i - yOffset) % width];
                assertEquals(expected, y[i], "trial " + trial + ": " + rows + " rows of " + width + " at stride "
                        + stride + ", value " + i);
            }
        }
    }

    @Test
    void maxPoolingOfOneImageEqualsTheMaxOverEachWindow() {
        Random r = new Random(17);
        for (int trial = 0; trial < 60; trial++) {
            int c = 1 + r.nextInt(5);
            int kernel = 1 + r.nextInt(3);
            int stride = 1 + r.nextInt(3);
            int pad = trial % 4 == 0 ? r.nextInt(kernel / 2 + 1) : 0;
            // rows shorter than a register, a register and a bit, several (14 and 28 as LeNet-5's and SmallCNN's)
            int h = kernel + r.nextInt(30);
            int w = new int[] {kernel, 5, 14, 16, 17, 28, 33}[trial % 7];
            w = Math.max(w, kernel);
            float[] x = sparseRandom(r, c * h * w, 1);
            Steps.MaxPool pool = new Steps.MaxPool(new int[] {c, h, w}, kernel, stride, pad);
            float[] y = pool.run(x, 1);
            int oh = (h + 2 * pad - kernel) / stride + 1;
            int ow = (w + 2 * pad - kernel) / stride + 1;
            assertEquals(c * oh * ow, y.length);
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int a = i * stride - pad; a < i * stride - pad + kernel; a++) {
                            for (int b = j * stride - pad; b < j * stride - pad + kernel; b++) {
                                if (a >= 0 && a < h && b >= 0 && b < w) {
                                    m = Math.max(m, x[(ch * h + a) * w + b]);
                                }
                            }
                        }
                        assertEquals(m, y[(ch * oh + i) * ow + j], "trial " + trial + ": " + c + "x" + h + "x" + w
                                + " kernel " + kernel + " stride " + stride + " pad " + pad + ", output " + ch + ","
                                + i + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void theCopyOfTheInputMayStartAnywhereAndMoveBetweenCallsWithTheSameOutputs() {
        Random r = new Random(11);
        int c = 2;
        int batch = 32;
        float[] w = sparseRandom(r, 4 * c * 9, 0.3);
        float[] x = sparseRandom(r, c * 9 * 9 * batch, 1);
        SparseConv conv = new SparseConv(w, null, new int[] {c, 9, 9}, new int[] {3, 3, 1, 1, 1, 1, 1, 1});
        float[] expected = new float[4 * 9 * 9 * batch];
        conv.forward(x, batch, expected, false);   // by rows, from shifted rows: no padded copy
        // where the copy starts changes as the garbage collector moves it: the border left at the old start must not
        // be read as zero padding at the new one
        for (int start : new int[] {0, 5, 15, 5, 0}) {
            conv.lineStart(start);
            float[] y = new float[expected.length];
            if (Simd.VECTOR) {
                conv.forwardDirect(x, batch, y, null);
                for (int i = 0; i < y.length; i++) {
                    close(expected[i], y[i], "copy starting at " + start + ", output " + i);
                }
            }
        }
    }

    @Test
    void addressesOfArraysAreKnownOnThisJvmAndGiveAStartOnACacheLine() {
        assertTrue(Alignment.known(), "this JVM's references could not be decoded: the kernels read unaligned");
        for (int n = 1; n < 200; n += 7) {
            float[] a = new float[n];
            int k = Alignment.floatsToLine(a);
            assertTrue(k >= 0 && k < Alignment.LINE_FLOATS, "floats to the next line: " + k);
        }
        // two arrays allocated one after the other lie one after the other: the decoding of references holds
        float[] first = new float[12];
        float[] second = new float[12];
        long step = Alignment.address(second) - Alignment.address(first);
        assertEquals(0, step % 8, "objects are 8-byte aligned");
        assertTrue(step >= Alignment.floatsBase() + 12 * 4, "the second array starts after the first one's floats: "
                + step);
        int k = Alignment.floatsToLine(first);
        assertEquals(0, (Alignment.address(first) + Alignment.floatsBase() + 4L * k) % Alignment.LINE,
                "a[k] starts a line");
    }
}
