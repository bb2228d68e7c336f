package org.prunekit.sparse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.prunekit.PruneKit;
import org.prunekit.data.Examples;
import org.prunekit.engine.NativeHeap;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.model.Tensors;
import org.prunekit.train.Evaluation;

/**
 * Inference that runs the sparse layers of a pruned net as sparse kernels: every dense,
 * convolution and depthwise convolution layer whose non-zero weights are few enough for its
 * sparse kernel ({@link CsrMatrix}, {@link SparseConv}) to be faster than the engine's dense one
 * runs sparse, the others as in the dense net. Which is faster depends on the layer's shape, its
 * density, the batch size and the CPU, so by default each layer is timed in both forms at the batch
 * size asked for and the faster is kept; {@link #plan()} shows the measurements and the choice.
 * The outputs are those of the masked dense net (equal within float rounding: the sums run in
 * another order).
 *
 * <p>The sparse form holds only the non-zero weights of its sparse layers (see {@link #bytes()}):
 * the weights are copied out of the net when it is built, so later changes to the net are not
 * seen — build it again after pruning or training more. It reads the net's other layers (those
 * it leaves to the engine) from the net, so the net must stay open while it is used.
 * {@link #load} reads a saved net straight into the sparse form and frees the dense copy of its
 * sparse layers. Not thread-safe: a pass reuses buffers of its own; use one per thread.
 *
 * <pre>{@code
 * SparseInference fast = SparseInference.of(net);           // timed at batch 1
 * fast.plan();                                               // per layer: density, µs dense / sparse, form
 * float[][] logits = fast.logits(data.test());
 * SparseInference batch64 = SparseInference.of(net, 64);      // timed at batch 64
 * }</pre>
 */
public final class SparseInference implements AutoCloseable {

    /** How each layer's form is chosen. */
    public enum Choice {
        /** Each layer with zeros is timed in both forms at the batch size asked for; the faster runs. */
        MEASURED,
        /** Every layer that has a sparse kernel runs it (for tests and comparisons). */
        SPARSE,
        /** Every layer runs on the engine (the dense net's computation, layer by layer). */
        DENSE
    }

    /** Examples per batch when a whole set is run. */
    private static final int SET_BATCH = 500;

    private final Net net;
    /** The compiled layers; emptied by {@link #close()} so that their buffers can be collected. */
    private List<Step> steps;
    private final SparsePlan plan;
    private final int inSize;
    private final int outSize;
    private final long denseBytes;
    private final boolean ownsNet;
    /** Whether no layer runs sparse: the net's own forward pass is run. */
    private final boolean dense;
    private float[] input = new float[0];
    /** Where the engine's batch inputs stay from pass to pass; closed with this. */
    private final NDManager buffers;
    /** The batch input of {@link #runNet}, on the engine. */
    private final EngineInput netInput;
    /** The values of the last engine batch passed to {@link #forward(NDArray)}, row-major (reused). */
    private float[] staged = new float[0];

    private SparseInference(Net net, int batchSize, Choice choice, boolean ownsNet) {
        PruneKit.noGrad();
        this.net = net;
        this.ownsNet = ownsNet;
        this.denseBytes = 4 * net.parameterCount();
        this.buffers = net.manager().newSubManager();
        this.netInput = new EngineInput(buffers, net.inputShape());
        Compiler c = new Compiler(net, batchSize, choice, buffers);
        this.steps = c.compile();
        c.remeasure();
        this.inSize = Math.toIntExact(net.inputShape().size());
        this.outSize = steps.get(steps.size() - 1).outSize();
        SparsePlan p = new SparsePlan(net.name(), batchSize, choice, c.rows, "", Double.NaN, Double.NaN);
        if (choice == Choice.MEASURED && !p.javaLayers().isEmpty()) {
            // the layers were timed alone; the moves between Java and the engine count only here
            float[] x = new float[inSize * batchSize];
            java.util.Arrays.fill(x, 0.5f);
            // 0.3 s of warm-up: the steps between the kernels and the engine's first passes at a new batch size
            double[] t = Compiler.medians(300_000_000L, 300_000_000L, () -> runSteps(x, batchSize),
                    () -> runNet(x, batchSize));
            String overall = String.format(Locale.ROOT, "sparse path %.3f ms, dense net %.3f ms per batch of %d",
                    t[0] / 1e3, t[1] / 1e3, batchSize);
            p = new SparsePlan(net.name(), batchSize, choice, c.rows, overall + ": sparse", t[1], t[0]);
            p = t[0] <= t[1] ? p : p.allDense(overall + ": the whole net runs dense");
        }
        this.plan = p;
        this.dense = p.javaLayers().isEmpty();
        NativeHeap.trim();   // the measurement's freed engine arrays go back to the system (see NativeHeap)
    }

    /**
     * @param net a net (pruned or not)
     * @return its sparse inference, each layer's form measured at batch 1
     */
    public static SparseInference of(Net net) {
        return of(net, 1);
    }

    /**
     * @param net a net (pruned or not)
     * @param batchSize the batch size the layers are timed at (the one you will run)
     * @return its sparse inference, each layer's form measured at that batch size
     */
    public static SparseInference of(Net net, int batchSize) {
        return of(net, batchSize, Choice.MEASURED);
    }

    /**
     * @param net a net (pruned or not)
     * @param batchSize the batch size the layers are timed at
     * @param choice how each layer's form is chosen
     * @return its sparse inference
     * @throws IllegalArgumentException if the batch size is below 1
     */
    public static SparseInference of(Net net, int batchSize, Choice choice) {
        java.util.Objects.requireNonNull(net, "net");
        java.util.Objects.requireNonNull(choice, "choice");
        return new SparseInference(net, checkBatch(batchSize), choice, false);
    }

    private static int checkBatch(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + batchSize + ".");
        }
        return batchSize;
    }

    /**
     * Loads a net saved by {@link NetIO#save} (best in {@link NetIO.Format#SPARSE}) straight into its
     * sparse form: each layer's form is measured at {@code batchSize}, then the dense weights and the
     * masks of the layers that run sparse are freed, so that what stays in memory is their non-zero
     * weights and the parameters of the layers the engine runs ({@link #bytes()} +
     * {@link #engineBytes()}; a 90 %-sparse LeNet-300-100 keeps about a seventh of its dense bytes).
     * The loaded net belongs to the sparse inference: close it when done.
     *
     * @param file a net file
     * @param batchSize the batch size the layers are timed at
     * @return the sparse inference, owning the net it loaded
     * @throws IllegalArgumentException if the file is missing, damaged or not a PruneKit net
     */
    public static SparseInference load(Path file, int batchSize) {
        return load(file, batchSize, Choice.MEASURED);
    }

    /**
     * @param file a net file
     * @param batchSize the batch size the layers are timed at
     * @param choice how each layer's form is chosen
     * @return the sparse inference, owning the net it loaded
     * @throws IllegalArgumentException if the file is missing, damaged or not a PruneKit net
     * @see #load(Path, int)
     */
    public static SparseInference load(Path file, int batchSize, Choice choice) {
        checkBatch(batchSize);
        Net net = NetIO.load(file);
        try {
            SparseInference s = new SparseInference(net, batchSize, choice, true);
            s.freeSparseWeights();
            return s;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** Frees the masks and the engine's copy of the weights of every layer that runs sparse (only for a net it owns). */
    private void freeSparseWeights() {
        net.clearMasks();
        for (String layer : plan.javaLayers()) {
            net.layer(layer).weight().getArray().close(); // the steps hold its weights
        }
    }

    /** Closes the net if this inference loaded it ({@link #load}); a net given to the builder stays open. */
    @Override
    public void close() {
        steps = List.of();   // the kernels' weights and batch buffers (tens of MB at a batch of hundreds) go now
        input = new float[0];
        staged = new float[0];
        buffers.close();
        if (ownsNet) {
            net.close();
        }
    }

    /**
     * @return the net whose layers this form runs (its other layers, those left to the engine, are read from it; a
     *     form {@link #load loaded} from a file owns it and closes it with itself)
     */
    public Net net() {
        return net;
    }

    /** @return per layer with weights: density, dense and sparse time, the form chosen and why */
    public SparsePlan plan() {
        return plan;
    }

    /**
     * Runs a batch.
     *
     * @param x the batch, row-major {@code (batch, inputShape...)}
     * @param batch examples in it
     * @return the outputs, row-major {@code (batch, outputs...)} (a new array)
     * @throws IllegalArgumentException if {@code x} does not hold {@code batch} inputs
     */
    public float[] forward(float[] x, int batch) {
        checkOpen();
        if (batch < 1 || x.length != inSize * batch) {
            throw new IllegalArgumentException("A batch of " + batch + " inputs of shape " + net.inputShape() + " has "
                    + (long) inSize * batch + " values, got " + x.length + ".");
        }
        return dense ? runNet(x, batch) : runSteps(x, batch);
    }

    private void checkOpen() {
        if (steps.isEmpty()) {
            throw new IllegalStateException("This SparseInference of " + net.name() + " is closed; build another with"
                    + " SparseInference.of(net, batch).");
        }
    }

    private float[] runNet(float[] x, int batch) {
        NDArray in = netInput.write(x, batch);
        try (NDManager m = buffers.newSubManager()) {
            in.tempAttach(m);   // the outputs land in m, freed here; the input goes back to buffers
            return net.forward(in, false).toFloatArray();
        }
    }

    private float[] runSteps(float[] x, int batch) {
        float[] in = x;
        if (batch > 1) {
            if (input.length != x.length) {
                input = new float[x.length];
            }
            Layouts.toBatchLast(x, inSize, batch, input);
            in = input;
        }
        float[] y = Steps.runAll(steps, in, batch);
        float[] out = new float[outSize * batch];
        if (batch == 1) {
            System.arraycopy(y, 0, out, 0, outSize);
        } else {
            Layouts.toRowMajor(y, outSize, batch, out);
        }
        return out;
    }

    /**
     * @param x a batch of shape {@code (b, inputShape...)}
     * @return the outputs, {@code (b, outputs...)}, in {@code x}'s manager
     */
    public NDArray forward(NDArray x) {
        checkOpen();
        Shape s = x.getShape();
        int b = Math.toIntExact(s.get(0));
        if (dense && x.size() == (long) inSize * b) {
            return net.forward(x, false);   // no layer runs in Java: the engine's array goes straight in
        }
        if (staged.length != x.size()) {
            staged = new float[Math.toIntExact(x.size())];
        }
        Tensors.read(x, staged);   // in bulk into a buffer of its own: no new array per pass
        float[] y = forward(staged, b);
        Shape outShape = new Shape(b).addAll(outputShape());
        return x.getManager().create(y, outShape);
    }

    private Shape outputShape() {
        List<Shape> all = net.outputShapes();
        return all.get(all.size() - 1) == null ? new Shape(outSize) : all.get(all.size() - 1).slice(1);
    }

    /**
     * @param data the examples
     * @return {@code logits[i][k]}: the score of class {@code k} for target {@code i}, as {@link Net#logits}
     */
    public float[][] logits(Examples data) {
        int per = data.targetsPerExample();
        int k = outSize / per;
        float[][] out = new float[data.size() * per][];
        int[] order = Examples.inOrder(data.size());
        for (int from = 0; from < order.length; from += SET_BATCH) {
            int to = Math.min(order.length, from + SET_BATCH);
            float[] x;
            try (NDManager m = net.manager().newSubManager()) {
                x = data.batch(m, order, from, to, net.inputShape()).get(0).toFloatArray();
            }
            float[] flat = forward(x, to - from);
            for (int i = 0; i < (to - from) * per; i++) {
                out[from * per + i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
            }
        }
        return out;
    }

    /**
     * @param data the examples
     * @return the predicted class of every target
     */
    public int[] predict(Examples data) {
        float[][] z = logits(data);
        int[] p = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            for (int j = 1; j < z[i].length; j++) {
                if (z[i][j] > z[i][p[i]]) {
                    p[i] = j;
                }
            }
        }
        return p;
    }

    /**
     * @param data labelled examples of the net's classes
     * @return accuracy and confusion of the sparse inference on them (the loss is not computed)
     */
    public Evaluation evaluate(Examples data) {
        Evaluation.requireClasses(net, data);
        int[] predicted = predict(data);
        int[] targets = data.targets();
        int k = data.numClasses();
        long[][] confusion = new long[k][k];
        for (int i = 0; i < predicted.length; i++) {
            confusion[targets[i]][predicted[i]]++;
        }
        return Evaluation.fromConfusion(net.name() + " (sparse)", data.name(), data.classNames(), confusion);
    }

    /**
     * @param data labelled examples
     * @return the fraction predicted right
     */
    public double accuracy(Examples data) {
        int[] predicted = predict(data);
        int[] targets = data.targets();
        int right = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == targets[i]) {
                right++;
            }
        }
        return right / (double) predicted.length;
    }

    /**
     * @return the bytes of weights this inference holds in Java: the non-zero values and indices of
     *     its sparse layers, their biases and batch-norm factors (the layers it leaves to the engine
     *     are counted by {@link #engineBytes()})
     */
    public long bytes() {
        return dense ? 0 : steps.stream().mapToLong(Step::bytes).sum();
    }

    /**
     * @return the bytes of the parameters of the layers this inference leaves to the engine: 4
     *     per value of each dense-run layer with weights (as float32)
     */
    public long engineBytes() {
        long b = 0;
        for (SparsePlan.Row r : plan.rows()) {
            if (!r.java()) {
                b += net.layer(r.layer()).block().getParameters().values().stream()
                        .mapToLong(p -> 4 * p.getArray().size()).sum();
            }
        }
        return b;
    }

    /** @return the bytes of the net's parameters in their dense form (4 per value) */
    public long denseBytes() {
        return denseBytes;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Sparse inference of %s: %d of %d layers with weights sparse (%d on PruneKit's"
                + " kernels), %,d bytes of weights in Java + %,d on the engine vs %,d dense%n", net.name(),
                plan.sparseLayers().size(), plan.rows().size(), plan.javaLayers().size(), bytes(), engineBytes(),
                denseBytes()) + plan;
    }

    /** @return the steps (for tests) */
    List<Step> steps() {
        return new ArrayList<>(steps);
    }
}
