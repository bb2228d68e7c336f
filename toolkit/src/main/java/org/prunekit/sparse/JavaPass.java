package org.prunekit.sparse;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Architecture;
import org.prunekit.model.Layer;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.Net;
import org.prunekit.model.Tensors;
import org.prunekit.model.layers.Conv;
import org.prunekit.model.layers.Dense;
import org.prunekit.model.layers.Flatten;
import org.prunekit.model.layers.MaxPool;
import org.prunekit.model.layers.Norm;
import org.prunekit.model.layers.Relu;

/**
 * A training step's forward and backward pass computed by PruneKit's Java vector kernels instead of the
 * engine: the net's activations, the softmax cross-entropy of a batch and the gradients of every weight and
 * bias, written into float arrays that the optimizer updates in place (see {@code Training}).
 *
 * <p>It takes a sequential net of dense layers, convolutions (stride 1, no dilation, padding below the kernel
 * size), ReLUs, max poolings (no padding) and flattens; {@link #unsupported(Net)} says why another net is not
 * taken (it then trains on the engine). Activations are kept batch-last ({@code (features, batch)}, the batch
 * rounded up to whole vector registers with zero examples that add nothing to a gradient), so every product
 * keeps a stretch of the batch in registers: a dense layer's forward product, its input gradient ({@code Wᵀ·dY})
 * and its weight gradient ({@code dY·Xᵀ}) are the register-blocked dense product of the sparse kernels; a
 * convolution's forward product reads its zero-padded input in place through offsets, its input gradient is
 * the same product over the padded output gradient with the kernel flipped, and its weight gradient correlates
 * the output gradient with the padded input. Max pooling routes each window's gradient to its first maximum,
 * as torch does. The results equal the engine's autograd within float rounding ({@code JavaPassTest} checks
 * losses and every gradient on several nets and batch sizes, and the kernels against double loops).
 *
 * <p>Needs the Vector API ({@code --add-modules jdk.incubator.vector}); without it the net trains on the engine.
 * Not thread-safe: one pass per training loop.
 */
public final class JavaPass {

    /** Where a parameter's values and gradient live in the heap: the optimizer's arrays. */
    public interface ParameterArrays {
        /**
         * @param p a weight or bias of the net
         * @return its values, row-major as the engine holds them (read by the pass; the optimizer updates them)
         */
        float[] values(Parameter p);

        /**
         * @param p a weight or bias of the net
         * @return the array the pass writes its gradient into (overwritten by every {@link #backward()})
         */
        float[] gradients(Parameter p);

        /**
         * @param values each parameter's values
         * @param gradients each parameter's gradient array
         * @return the arrays looked up by the two functions
         */
        static ParameterArrays of(java.util.function.Function<Parameter, float[]> values,
                java.util.function.Function<Parameter, float[]> gradients) {
            return new ParameterArrays() {
                @Override
                public float[] values(Parameter p) {
                    return values.apply(p);
                }

                @Override
                public float[] gradients(Parameter p) {
                    return gradients.apply(p);
                }
            };
        }
    }

    private final List<Op> ops;
    private final List<NormOp> norms;
    private final int[] sizes;
    private final float[][] act;
    private final float[][] grad;
    private final int classes;
    private final int inputSize;
    private final float[] rows;
    private final int maxBatch;
    private int batch;
    private int padded;
    private int[] labels;
    private long correct;

    private JavaPass(List<Op> ops, List<NormOp> norms, int[] sizes, int maxBatch) {
        this.ops = ops;
        this.norms = norms;
        this.sizes = sizes;
        this.maxBatch = maxBatch;
        int maxPadded = round(maxBatch);
        act = new float[sizes.length][];
        grad = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            act[i] = new float[sizes[i] * maxPadded];
            grad[i] = i == 0 ? null : new float[sizes[i] * maxPadded];
        }
        inputSize = sizes[0];
        classes = sizes[sizes.length - 1];
        rows = new float[inputSize * maxPadded];
    }

    /**
     * @param net a net
     * @return why the Java pass cannot train it (a sentence), or null if it can
     */
    public static String unsupported(Net net) {
        if (!Simd.VECTOR) {
            return "the Java Vector API is not available (start the JVM with --add-modules jdk.incubator.vector)";
        }
        Shape in = net.inputShape();
        for (Architecture.Entry e : net.architecture().layers()) {
            LayerSpec spec = e.spec();
            String why = unsupported(spec, in);
            if (why != null) {
                return "layer " + e.name() + " (" + spec.kind() + ") " + why;
            }
            Layer layer = net.layer(e.name());
            for (var p : layer.block().getParameters()) {
                if (p.getValue().getArray().getDataType() != DataType.FLOAT32) {
                    return "layer " + e.name() + " holds " + p.getValue().getArray().getDataType() + " weights";
                }
            }
            in = net.outputShapes().get(layer.index()).slice(1);
        }
        return null;
    }

    private static String unsupported(LayerSpec spec, Shape in) {
        if (spec instanceof Dense) {
            return in.dimension() == 1 ? null : "reads a sequence";
        }
        if (spec instanceof Conv c) {
            if (in.dimension() != 3) {
                return "reads input of shape " + in;
            }
            if (c.strideH() != 1 || c.strideW() != 1 || c.dilation() != 1) {
                return "has a stride or dilation above 1";
            }
            return c.padH() < c.kernelH() && c.padW() < c.kernelW() ? null : "pads by the kernel size or more";
        }
        if (spec instanceof MaxPool p) {
            return in.dimension() == 3 && p.padding() == 0 ? null : "is padded";
        }
        if (spec instanceof Relu || spec instanceof Flatten) {
            return null;
        }
        if (spec instanceof Norm) {
            return in.dimension() == 3 || in.dimension() == 1 ? null : "normalises input of shape " + in;
        }
        return "has no Java training kernel";
    }

    /**
     * @param net a net that {@link #unsupported(Net)} takes
     * @param batch the largest batch it will see
     * @param arrays the heap arrays of its parameters
     * @return the pass
     * @throws IllegalArgumentException if the net is not supported (the message says why)
     */
    public static JavaPass of(Net net, int batch, ParameterArrays arrays) {
        String why = unsupported(net);
        if (why != null) {
            throw new IllegalArgumentException("The Java kernels cannot train " + net.name() + ": " + why
                    + ". Train it on the engine (the default picks it for such nets).");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("A batch holds at least one example, got " + batch + ".");
        }
        List<Op> ops = new ArrayList<>();
        List<NormOp> norms = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Shape in = net.inputShape();
        sizes.add((int) in.size());
        for (Architecture.Entry e : net.architecture().layers()) {
            Layer layer = net.layer(e.name());
            Shape out = net.outputShapes().get(layer.index()).slice(1);
            LayerSpec spec = e.spec();
            Op op = null; // a flatten: batch-last (C, H, W, b) is (C·H·W, b) already
            if (spec instanceof Dense) {
                op = new DenseOp(layer, arrays, (int) in.size(), (int) out.size());
            } else if (spec instanceof Conv c) {
                op = new ConvOp(layer, c, arrays, in, out);
            } else if (spec instanceof MaxPool p) {
                op = new PoolOp(p, in, out);
            } else if (spec instanceof Relu) {
                op = new ReluOp((int) out.size());
            } else if (spec instanceof Norm n) {
                NormOp norm = new NormOp(layer, n, arrays, in);
                norms.add(norm);
                op = norm;
            }
            if (op != null) {
                op.first = ops.isEmpty();
                ops.add(op);
                sizes.add((int) out.size());
            }
            in = out;
        }
        return new JavaPass(ops, norms, sizes.stream().mapToInt(Integer::intValue).toArray(), batch);
    }

    private static int round(int n) {
        int l = Simd.LANES;
        return (n + l - 1) / l * l;
    }

    /**
     * Copies examples {@code order[from..to)} into the input, batch-last.
     *
     * @param data the examples (their example size is the net's input size)
     * @param order example indices
     * @param from first position in {@code order}
     * @param to the position after the last
     * @param targets the class of each of these examples, in order ({@code to - from} of them)
     */
    public void assemble(ImageSet data, int[] order, int from, int to, int[] targets) {
        int n = to - from;
        if (n < 1 || n > maxBatch || targets.length != n) {
            throw new IllegalArgumentException("A batch of " + n + " examples with " + targets.length
                    + " targets does not fit a pass made for at most " + maxBatch + ".");
        }
        if (data.exampleSize() != inputSize) {
            throw new IllegalArgumentException("Examples of " + data.exampleSize() + " values do not fit a net reading "
                    + inputSize + ".");
        }
        batch = n;
        padded = round(n);
        labels = targets;
        for (int i = 0; i < n; i++) {
            data.copyFeatures(order[from + i], rows, i * inputSize);
        }
        Arrays.fill(rows, n * inputSize, padded * inputSize, 0f);
        Layouts.toBatchLast(rows, inputSize, padded, act[0]);
    }

    /** Computes every activation of the batch last assembled (batch norms in training mode: batch statistics). */
    public void forward() {
        for (int i = 0; i < ops.size(); i++) {
            ops.get(i).examples = batch;
            ops.get(i).forward(act[i], act[i + 1], padded);
        }
    }

    /**
     * Reads the batch norms' running statistics from the net (they are not trained, so the optimizer does not hold
     * them): call before a run of steps.
     */
    public void readState() {
        norms.forEach(NormOp::readState);
    }

    /** Writes the batch norms' running statistics, as the steps since {@link #readState()} updated them, to the net. */
    public void writeState() {
        norms.forEach(NormOp::writeState);
    }

    /**
     * The batch's mean softmax cross-entropy; also leaves its gradient with respect to the outputs for
     * {@link #backward()} and counts the examples whose highest output is their class ({@link #correct()}).
     *
     * @return the mean loss over the batch's examples
     */
    public double loss() {
        float[] z = act[act.length - 1];
        float[] dz = grad[grad.length - 1];
        int p = padded;
        double total = 0;
        long right = 0;
        float scale = 1f / batch;
        Arrays.fill(dz, 0, classes * p, 0f);
        for (int b = 0; b < batch; b++) {
            float max = Float.NEGATIVE_INFINITY;
            int arg = 0;
            for (int c = 0; c < classes; c++) {
                float v = z[c * p + b];
                if (v > max || Float.isNaN(v)) {
                    max = v;
                    arg = c;
                }
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(z[c * p + b] - max);
            }
            int t = labels[b];
            if (t < 0 || t >= classes) {
                throw new IllegalArgumentException("Target " + t + " is not one of the net's " + classes
                        + " classes.");
            }
            total += Math.log(sum) - (z[t * p + b] - max);
            right += arg == t ? 1 : 0;
            for (int c = 0; c < classes; c++) {
                dz[c * p + b] = (float) (Math.exp(z[c * p + b] - max) / sum) * scale;
            }
            dz[t * p + b] -= scale;
        }
        correct = right;
        return total / batch;
    }

    /** @return the examples of the last {@link #loss()} whose highest output was their class */
    public long correct() {
        return correct;
    }

    /** Computes the gradient of every parameter from the last {@link #loss()} (written into their arrays). */
    public void backward() {
        for (int i = ops.size() - 1; i >= 0; i--) {
            ops.get(i).backward(act[i], act[i + 1], grad[i + 1], grad[i], padded);
        }
    }

    /**
     * @return the outputs of the last {@link #forward()}, one row per example ({@code batch × classes}) - for
     *     tests
     */
    public float[][] outputs() {
        float[][] out = new float[batch][classes];
        float[] z = act[act.length - 1];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < classes; c++) {
                out[b][c] = z[c * padded + b];
            }
        }
        return out;
    }

    /** One layer: forward from its input to its output, backward from its output's gradient. */
    private abstract static class Op {
        /** Whether it reads the net's input (no input gradient needed). */
        boolean first;
        /** The real examples of the batch (the rest of the registers' lanes are padding). */
        int examples;

        abstract void forward(float[] in, float[] out, int batch);

        /** Writes the parameters' gradients and, unless first, {@code dIn}. */
        abstract void backward(float[] in, float[] out, float[] dOut, float[] dIn, int batch);

        /** @return {@code 0, stride, 2·stride, ...} ({@code n} of them) */
        static int[] steps(int n, int stride) {
            int[] at = new int[n];
            for (int i = 0; i < n; i++) {
                at[i] = i * stride;
            }
            return at;
        }

        /** {@code g[r] = sum of x[r·len .. (r+1)·len)}: a bias gradient. */
        static void rowSums(float[] x, int rows, int len, float[] g) {
            for (int r = 0; r < rows; r++) {
                g[r] = VectorProducts.sum(x, r * len, len);
            }
        }
    }

    /** A dense layer {@code y = W x + b}, {@code W} of shape (out, in). */
    private static final class DenseOp extends Op {
        private final float[] w;
        private final float[] bias;
        private final float[] dw;
        private final float[] db;
        private final int in;
        private final int out;
        private float[] transposed; // the input batch-first (for dW) or the weights transposed (for dX)
        private int atBatch = -1;
        private int[] inputColumns;
        private int[] outputColumns;
        private int[] batchColumns;

        DenseOp(Layer layer, ParameterArrays arrays, int in, int out) {
            this.w = arrays.values(layer.weight());
            this.dw = arrays.gradients(layer.weight());
            this.bias = layer.bias() == null ? null : arrays.values(layer.bias());
            this.db = layer.bias() == null ? null : arrays.gradients(layer.bias());
            this.in = in;
            this.out = out;
        }

        private void offsets(int batch) {
            if (batch != atBatch) {
                inputColumns = steps(in, batch);
                outputColumns = steps(out, batch);
                batchColumns = steps(batch, in);
                atBatch = batch;
            }
        }

        @Override
        void forward(float[] x, float[] y, int batch) {
            offsets(batch);
            VectorProducts.denseMultiply(w, 0, out, in, inputColumns, x, 0, batch, bias, y, 0, batch);
        }

        @Override
        void backward(float[] x, float[] y, float[] dy, float[] dx, int batch) {
            offsets(batch);
            int need = Math.max(batch * in, first ? 0 : in * out);
            if (transposed == null || transposed.length < need) {
                transposed = new float[need];
            }
            if (db != null) {
                rowSums(dy, out, batch, db);
            }
            // dW (out × in) = dY (out × batch) · Xᵀ (batch × in): the input batch-first, read row by row
            Layouts.toRowMajor(x, in, batch, transposed);
            VectorProducts.denseMultiply(dy, 0, out, batch, batchColumns, transposed, 0, in, null, dw, 0, in);
            if (!first) {
                // dX (in × batch) = Wᵀ (in × out) · dY (out × batch)
                Layouts.toRowMajor(w, out, in, transposed);
                VectorProducts.denseMultiply(transposed, 0, in, out, outputColumns, dy, 0, batch, null, dx, 0, batch);
            }
        }
    }

    /** ReLU: {@code y = max(x, 0)}; the gradient passes where {@code y > 0}. */
    private static final class ReluOp extends Op {
        private final int size;

        ReluOp(int size) {
            this.size = size;
        }

        @Override
        void forward(float[] x, float[] y, int batch) {
            VectorProducts.relu(x, y, size * batch);
        }

        @Override
        void backward(float[] x, float[] y, float[] dy, float[] dx, int batch) {
            if (first) {
                return;
            }
            VectorProducts.reluBackward(y, dy, dx, size * batch);
        }
    }

    /**
     * Batch normalisation in training mode, per channel (a convolution's) or unit (a dense layer's): the batch's
     * mean and biased variance over its examples and positions normalise, {@code gamma} and {@code beta} scale and
     * shift; the running statistics move by {@code 1 - momentum} towards the batch's mean and unbiased variance,
     * as torch's {@code batch_norm} does. Padding lanes are zeroed and left out of every statistic.
     */
    private static final class NormOp extends Op {
        private final float[] gamma;
        private final float[] beta;
        private final float[] dGamma;
        private final float[] dBeta;
        private final NDArray runningMean;
        private final NDArray runningVar;
        private final float[] mean;
        private final float[] var;
        private final float[] batchMean;
        private final float[] batchInv;
        private final int channels;
        private final int positions;
        private final float epsilon;
        private final float momentum;

        NormOp(Layer layer, Norm spec, ParameterArrays arrays, Shape in) {
            gamma = arrays.values(layer.parameter("gamma"));
            beta = arrays.values(layer.parameter("beta"));
            dGamma = arrays.gradients(layer.parameter("gamma"));
            dBeta = arrays.gradients(layer.parameter("beta"));
            runningMean = layer.parameter("runningMean").getArray();
            runningVar = layer.parameter("runningVar").getArray();
            channels = (int) in.get(0);
            positions = in.dimension() == 3 ? (int) (in.get(1) * in.get(2)) : 1;
            epsilon = spec.epsilon();
            momentum = spec.momentum();
            mean = new float[channels];
            var = new float[channels];
            batchMean = new float[channels];
            batchInv = new float[channels];
        }

        void readState() {
            Tensors.read(runningMean, mean);
            Tensors.read(runningVar, var);
        }

        void writeState() {
            Tensors.write(runningMean, mean);
            Tensors.write(runningVar, var);
        }

        /** Zeroes the padding lanes ({@code examples..batch}) of every position of {@code x}. */
        private void clearPadding(float[] x, int batch) {
            if (examples == batch) {
                return;
            }
            for (int p = 0; p < channels * positions; p++) {
                Arrays.fill(x, p * batch + examples, (p + 1) * batch, 0f);
            }
        }

        @Override
        void forward(float[] x, float[] y, int batch) {
            clearPadding(x, batch);
            int plane = positions * batch;
            double count = (double) positions * examples;
            for (int c = 0; c < channels; c++) {
                int from = c * plane;
                float m = (float) (VectorProducts.sum(x, from, plane) / count);
                // the padding lanes hold zeros: each added m² to the centred sum
                double centred = VectorProducts.centredDot(x, m, x, m, from, plane)
                        - (double) positions * (batch - examples) * m * m;
                float v = (float) Math.max(0, centred / count);
                float inv = (float) (1 / Math.sqrt(v + (double) epsilon));
                batchMean[c] = m;
                batchInv[c] = inv;
                float scale = gamma[c] * inv;
                float shift = beta[c] - m * scale;
                for (int i = from; i < from + plane; i++) {
                    y[i] = x[i] * scale + shift;
                }
                mean[c] = momentum * mean[c] + (1 - momentum) * m;
                var[c] = (float) (momentum * var[c] + (1 - momentum) * (count > 1 ? centred / (count - 1) : v));
            }
        }

        @Override
        void backward(float[] x, float[] y, float[] dy, float[] dx, int batch) {
            int plane = positions * batch;
            double count = (double) positions * examples;
            for (int c = 0; c < channels; c++) {
                int from = c * plane;
                float m = batchMean[c];
                float inv = batchInv[c];
                // dy is zero in the padding lanes: the sums cover the batch's examples only
                double sumDy = VectorProducts.sum(dy, from, plane);
                double sumDyXhat = VectorProducts.centredDot(dy, 0f, x, m, from, plane) * inv;
                dBeta[c] = (float) sumDy;
                dGamma[c] = (float) sumDyXhat;
                if (first) {
                    continue;
                }
                // dx = gamma·inv·(dy - mean(dy) - xhat·mean(dy·xhat)), xhat = (x - m)·inv
                float k = gamma[c] * inv;
                float a = (float) (sumDy / count);
                float b = (float) (sumDyXhat / count) * inv;
                for (int i = from; i < from + plane; i++) {
                    dx[i] = k * (dy[i] - a - (x[i] - m) * b);
                }
            }
            if (!first) {
                clearPadding(dx, batch);
            }
        }
    }

    /** Max pooling over {@code k × k} windows with a stride, no padding. */
    private static final class PoolOp extends Op {
        private final int channels;
        private final int height;
        private final int width;
        private final int outH;
        private final int outW;
        private final int kernel;
        private final int stride;
        private int atBatch = -1;
        private int[] window;

        PoolOp(MaxPool p, Shape in, Shape out) {
            channels = (int) in.get(0);
            height = (int) in.get(1);
            width = (int) in.get(2);
            outH = (int) out.get(1);
            outW = (int) out.get(2);
            kernel = p.kernel();
            stride = p.stride();
        }

        private void offsets(int batch) {
            if (batch != atBatch) {
                window = Layouts.taps(1, kernel, kernel, height, width, 1, batch);
                atBatch = batch;
            }
        }

        @Override
        void forward(float[] x, float[] y, int batch) {
            offsets(batch);
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < outH; oh++) {
                    int row = (c * height + oh * stride) * width * batch;
                    int o = ((c * outH + oh) * outW) * batch;
                    for (int ow = 0; ow < outW; ow++) {
                        VectorProducts.maxOver(x, row + ow * stride * batch, window, y, o + ow * batch, batch);
                    }
                }
            }
        }

        @Override
        void backward(float[] x, float[] y, float[] dy, float[] dx, int batch) {
            if (first) {
                return;
            }
            offsets(batch);
            Arrays.fill(dx, 0, channels * height * width * batch, 0f);
            for (int c = 0; c < channels; c++) {
                for (int oh = 0; oh < outH; oh++) {
                    int row = (c * height + oh * stride) * width * batch;
                    int o = ((c * outH + oh) * outW) * batch;
                    for (int ow = 0; ow < outW; ow++) {
                        VectorProducts.maxBackward(x, dx, row + ow * stride * batch, window, y, dy, o + ow * batch,
                                batch);
                    }
                }
            }
        }
    }

    /** A convolution, stride 1: {@code y[o] = b[o] + Σ W[o, c, i, j] · x[c] shifted by (i, j)}, zero-padded. */
    private static final class ConvOp extends Op {
        private final float[] w;
        private final float[] bias;
        private final float[] dw;
        private final float[] db;
        private final int channels;
        private final int height;
        private final int width;
        private final int filters;
        private final int outH;
        private final int outW;
        private final int kh;
        private final int kw;
        private final int padH;
        private final int padW;
        private final float[] flipped;
        private float[] input;        // the input zero-padded (the input itself when there is no padding)
        private float[] gradient;     // the output gradient zero-padded by the kernel size less one less the padding
        private int atBatch = -1;
        private int[] inputOffsets;   // where each (channel, i, j) starts in the padded input
        private int[] gradientOffsets; // where each (filter, i, j) starts in the padded output gradient

        ConvOp(Layer layer, Conv spec, ParameterArrays arrays, Shape in, Shape out) {
            this.w = arrays.values(layer.weight());
            this.dw = arrays.gradients(layer.weight());
            this.bias = layer.bias() == null ? null : arrays.values(layer.bias());
            this.db = layer.bias() == null ? null : arrays.gradients(layer.bias());
            channels = (int) in.get(0);
            height = (int) in.get(1);
            width = (int) in.get(2);
            filters = (int) out.get(0);
            outH = (int) out.get(1);
            outW = (int) out.get(2);
            kh = spec.kernelH();
            kw = spec.kernelW();
            padH = spec.padH();
            padW = spec.padW();
            flipped = new float[w.length];
        }

        private int paddedH() {
            return height + 2 * padH;
        }

        private int paddedW() {
            return width + 2 * padW;
        }

        private int gradH() {
            return outH + 2 * (kh - 1 - padH);
        }

        private int gradW() {
            return outW + 2 * (kw - 1 - padW);
        }

        private void buffers(int batch) {
            if (batch == atBatch) {
                return;
            }
            int hp = paddedH();
            int wp = paddedW();
            if (padH > 0 || padW > 0) {
                input = new float[channels * hp * wp * batch]; // borders stay zero
            }
            inputOffsets = Layouts.taps(channels, kh, kw, hp, wp, 1, batch);
            if (!first) {
                gradient = new float[filters * gradH() * gradW() * batch];
                gradientOffsets = Layouts.taps(filters, kh, kw, gradH(), gradW(), 1, batch);
            }
            atBatch = batch;
        }

        private float[] padded(float[] x, int batch) {
            if (padH == 0 && padW == 0) {
                return x;
            }
            Layouts.padInto(x, channels, height, width, padH, padW, batch, input);
            return input;
        }

        @Override
        void forward(float[] x, float[] y, int batch) {
            buffers(batch);
            float[] xp = padded(x, batch);
            int k = channels * kh * kw;
            int rowIn = paddedW() * batch;
            int rowOut = outW * batch;
            for (int oh = 0; oh < outH; oh++) {
                VectorProducts.denseMultiply(w, 0, filters, k, inputOffsets, xp, oh * rowIn, rowOut, bias, y,
                        oh * rowOut, outH * rowOut);
            }
        }

        @Override
        void backward(float[] x, float[] y, float[] dy, float[] dx, int batch) {
            buffers(batch);
            int plane = outH * outW * batch;
            if (db != null) {
                rowSums(dy, filters, plane, db);
            }
            // dW[o, (c, i, j)] = Σ over output rows and the batch of dY[o] · the padded input at (c, i, j)
            float[] xp = padH == 0 && padW == 0 ? x : input; // forward() padded this batch's input
            VectorProducts.correlate(dy, 0, plane, outW * batch, filters, xp, 0, inputOffsets, paddedW() * batch,
                    channels * kh * kw, outH, outW * batch, dw);
            if (first) {
                return;
            }
            // dX = the output gradient, padded by (k - 1 - pad), convolved with the kernel flipped and its channels
            // swapped: flipped[c, (o, i, j)] = W[o, c, kh - 1 - i, kw - 1 - j]
            for (int o = 0; o < filters; o++) {
                for (int c = 0; c < channels; c++) {
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            flipped[((c * filters + o) * kh + i) * kw + j] =
                                    w[((o * channels + c) * kh + kh - 1 - i) * kw + kw - 1 - j];
                        }
                    }
                }
            }
            Layouts.padInto(dy, filters, outH, outW, kh - 1 - padH, kw - 1 - padW, batch, gradient);
            int k = filters * kh * kw;
            int rowIn = gradW() * batch;
            int rowOut = width * batch;
            for (int ih = 0; ih < height; ih++) {
                VectorProducts.denseMultiply(flipped, 0, channels, k, gradientOffsets, gradient, ih * rowIn, rowOut,
                        null, dx, ih * rowOut, height * rowOut);
            }
        }
    }
}
