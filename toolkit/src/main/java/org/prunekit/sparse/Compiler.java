package org.prunekit.sparse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.prunekit.model.Architecture;
import org.prunekit.model.Layer;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.Net;
import org.prunekit.model.layers.Conv;
import org.prunekit.model.layers.Dense;
import org.prunekit.model.layers.DepthwiseConv;
import org.prunekit.model.layers.Dropout;
import org.prunekit.model.layers.Flatten;
import org.prunekit.model.layers.GlobalAvgPool;
import org.prunekit.model.layers.MaxPool;
import org.prunekit.model.layers.Norm;
import org.prunekit.model.layers.Relu;
import org.prunekit.model.layers.Residual;

/**
 * Turns a net's architecture into the steps of a {@link SparseInference}: every dense, convolution
 * and depthwise convolution layer gets its sparse kernel or stays with the engine, by
 * {@link SparseInference.Choice}; for {@code MEASURED}, the forms of the layer (the engine, its sparse
 * kernel, and for a layer with zeros PruneKit's dense kernel) are timed on random inputs of its shape
 * at the batch size asked for (interleaved, in rounds, each form's fastest round median) and the
 * fastest runs. The layers between them run in Java where that is easy (ReLU, max
 * pooling, batch normalisation, flatten, dropout, global average pooling, residual sums); any other
 * layer runs on the engine. A batch normalisation and / or ReLU right after a layer with a Java kernel
 * is applied by that layer as it writes its output ({@link Epilogue}), with the same values.
 */
final class Compiler {

    /** Rounds of timed runs per measurement; each form keeps its fastest round median. */
    private static final int ROUNDS = 3;
    /** Timed runs per form and round when a layer is measured (interleaved), within {@link #BUDGET_NANOS}. */
    private static final int RUNS = 15;
    private static final long BUDGET_NANOS = 150_000_000L;
    private static final long WARM_NANOS = 20_000_000L;

    private final Net net;
    private final NDManager buffers;
    private final int batch;
    private final SparseInference.Choice choice;
    private final List<Shape> outputs;
    final List<SparsePlan.Row> rows = new ArrayList<>();
    private final List<Timed> timed = new ArrayList<>();

    /**
     * @param buffers the manager under which the engine steps keep their batch input (closed with the inference)
     */
    Compiler(Net net, int batch, SparseInference.Choice choice, NDManager buffers) {
        this.net = net;
        this.buffers = buffers;
        this.batch = batch;
        this.choice = choice;
        this.outputs = net.outputShapes();
    }

    /** @return the steps of the whole net */
    List<Step> compile() {
        return compile(net.architecture().layers(), new ArrayList<>(net.block().getChildren().values()), "",
                net.inputShape(), false);
    }

    private List<Step> compile(List<Architecture.Entry> entries, List<Block> blocks, String prefix, Shape in,
            boolean afterRelu) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Architecture.Entry e = entries.get(i);
            Block b = blocks.get(i);
            String name = prefix + e.name();
            Shape out;
            Step step;
            boolean readsRelu = afterRelu;   // this layer reads a ReLU's output: see measured()
            LayerSpec spec = e.spec();
            // non-negative with zeros after a ReLU, and still after max pooling, flattening and dropout
            afterRelu = spec instanceof Relu || (afterRelu && (spec instanceof MaxPool || spec instanceof Flatten
                    || spec instanceof Dropout));
            if (e.spec() instanceof Residual r) {
                List<Block> branches = new ArrayList<>(b.getChildren().values());
                List<Step> main = compile(r.main(), children(branches.get(0)), name + ".", in, readsRelu);
                List<Step> shortcut = r.identityShortcut() ? List.of()
                        : compile(r.shortcut(), children(branches.get(1)), name + ".", in, readsRelu);
                step = new Steps.Residual(main, shortcut);
                out = outputOf(r.main().get(r.main().size() - 1), name + ".");
            } else if (e.spec().role().isContainer()) {
                out = dropBatch(b.getOutputShapes(new Shape[] {new Shape(1).addAll(in)})[0]);
                step = new EngineStep(b, in, out, buffers);
                for (Architecture.Leaf leaf : new Architecture(in, List.of(e)).leaves()) {
                    if (leaf.spec().isPrunable() || !leaf.spec().weightParts().isEmpty()) {
                        engineRow(prefix + leaf.name(), leaf.spec(), "inside " + e.spec().kind()
                                + ", which the engine runs as a whole");
                    }
                }
            } else {
                out = outputOf(e, prefix);
                step = leaf(name, e.spec(), b, in, out, readsRelu);
            }
            steps.add(step);
            in = out;
        }
        return Steps.fuse(steps, s -> s instanceof Timed || s instanceof Steps.SparseConvolution
                || s instanceof Steps.SparseDense);
    }

    private static List<Block> children(Block b) {
        return new ArrayList<>(b.getChildren().values());
    }

    private Shape outputOf(Architecture.Entry leaf, String prefix) {
        Shape s = outputs.get(net.layer(prefix + leaf.name()).index());
        return dropBatch(s);
    }

    private static Shape dropBatch(Shape s) {
        return s.slice(1);
    }

    private Step leaf(String name, LayerSpec spec, Block b, Shape in, Shape out, boolean readsRelu) {
        Layer layer = net.layer(name);
        int size = Math.toIntExact(out.size());
        if (spec instanceof Dense && b instanceof Linear) {
            if (in.dimension() != 1) {
                return engine(layer, b, in, out, "reads a sequence (no sparse kernel for it)");
            }
            return weighted(layer, b, in, out, readsRelu);
        }
        if ((spec instanceof Conv || spec instanceof DepthwiseConv) && b instanceof Conv2d && in.dimension() == 3) {
            return weighted(layer, b, in, out, readsRelu);
        }
        if (spec instanceof Relu || spec instanceof Flatten || spec instanceof Dropout) {
            return new Steps.Pointwise(size, spec instanceof Relu);
        }
        if (spec instanceof MaxPool p && in.dimension() == 3) {
            return new Steps.MaxPool(chw(in), p.kernel(), p.stride(), p.padding());
        }
        if (spec instanceof GlobalAvgPool && in.dimension() == 3) {
            return new Steps.GlobalAverage((int) in.get(0), (int) (in.get(1) * in.get(2)));
        }
        if (spec instanceof Norm n && b instanceof BatchNorm && (in.dimension() == 3 || in.dimension() == 1)) {
            return affine(layer, n, in);
        }
        if (spec.isPrunable() || !spec.weightParts().isEmpty()) {
            return engine(layer, b, in, out, spec.kind() + " has no sparse kernel");
        }
        return new EngineStep(b, in, out, buffers);
    }

    private Step engine(Layer layer, Block b, Shape in, Shape out, String reason) {
        engineRow(layer.name(), layer.spec(), reason);
        return new EngineStep(b, in, out, buffers);
    }

    private void engineRow(String name, LayerSpec spec, String reason) {
        Layer l = net.layer(name);
        boolean hasWeight = l.block().getParameters().contains("weight");
        double density = hasWeight ? density(l.weightValues()) : Double.NaN;
        rows.add(new SparsePlan.Row(name, spec.kind(), hasWeight ? l.weight().getArray().getShape().toString() : "",
                density, Double.NaN, Double.NaN, Double.NaN, SparsePlan.Form.DENSE, reason));
    }

    private static int[] chw(Shape in) {
        return new int[] {(int) in.get(0), (int) in.get(1), (int) in.get(2)};
    }

    private static Step affine(Layer layer, Norm n, Shape in) {
        float[][] scaleShift = n.inferenceScaleShift(layer);
        int perChannel = in.dimension() == 3 ? (int) (in.get(1) * in.get(2)) : 1;
        return new Steps.Affine(scaleShift[0], scaleShift[1], perChannel);
    }

    /** A dense or convolution layer: its sparse kernel or the engine, as the choice says. */
    private Step weighted(Layer layer, Block b, Shape in, Shape out, boolean readsRelu) {
        float[] w = layer.weightValues();
        float[] bias = layer.bias() == null ? null : layer.biasValues();
        double density = density(w);
        Shape ws = layer.weight().getArray().getShape();
        EngineStep dense = new EngineStep(b, in, out, buffers);
        if (layer.spec() instanceof Dense && in.get(0) > CsrMatrix.MAX_COLUMNS) {
            return row(layer, ws, density, dense, null, "more than " + CsrMatrix.MAX_COLUMNS + " inputs");
        }
        Step sparse = kernel(layer.spec(), w, bias, ws, in, false);
        return switch (choice) {
            case SPARSE -> row(layer, ws, density, sparse, SparsePlan.Form.SPARSE, "sparse, as asked");
            case DENSE -> row(layer, ws, density, dense, null, "dense, as asked");
            // a layer with zeros is also timed on PruneKit's dense kernel (zeros multiplied): the gain of the zeros,
            // and the form that runs where the zeros do not pay
            case MEASURED -> measured(layer, ws, density, dense, sparse, density < 1 && Simd.VECTOR
                    && !sparse.holdsDense() ? kernel(layer.spec(), w, bias, ws, in, true) : null, (int) in.size(),
                    readsRelu);
        };
    }

    /**
     * @param dense whether the kernel keeps the weights dense (zeros multiplied) whatever their density
     * @return PruneKit's kernel for a dense, convolution or depthwise layer with these weights
     */
    private static Step kernel(LayerSpec spec, float[] w, float[] bias, Shape ws, Shape in, boolean dense) {
        if (spec instanceof Dense) {
            return new Steps.SparseDense(w, (int) ws.get(0), (int) ws.get(1), bias, dense);
        }
        if (spec instanceof Conv c) {
            return new Steps.SparseConvolution(new SparseConv(w, bias, chw(in), new int[] {c.kernelH(), c.kernelW(),
                c.strideH(), c.strideW(), c.padH(), c.padW(), c.dilation(), 1}, dense));
        }
        DepthwiseConv d = (DepthwiseConv) spec;
        return new Steps.SparseConvolution(new SparseConv(w, bias, chw(in), new int[] {d.kernel(), d.kernel(),
            d.stride(), d.stride(), d.padding(), d.padding(), 1, d.channels()}, dense));
    }

    private Step row(Layer layer, Shape ws, double density, Step step, SparsePlan.Form form, String reason) {
        rows.add(new SparsePlan.Row(layer.name(), layer.spec().kind(), ws.toString(), density, Double.NaN, Double.NaN,
                Double.NaN, form == null ? SparsePlan.Form.DENSE : form, reason));
        return step;
    }

    /**
     * Times a layer's forms (the engine, its sparse kernel and, with zeros, its dense Java kernel).
     *
     * @param readsRelu whether the layer reads a ReLU's output (through poolings, flattening or dropout): it is then
     *     timed on inputs with a ReLU's zeros, as it will run. One vector with many zeros takes another path than
     *     one without (multiplied column by column over its non-zero entries): timed on inputs without zeros,
     *     LeNet-300-100's second layer at a quarter of its weights measured its CSR kernel slower than the dense one
     *     one image at a time, while with the zeros a ReLU leaves its CSR kernel ran 1.5-3x faster.
     */
    private Step measured(Layer layer, Shape ws, double density, Step dense, Step sparse, Step javaDense,
            int inSize, boolean readsRelu) {
        Timed t = new Timed(layer, ws.toString(), density, dense, sparse, javaDense, inSize, readsRelu, rows.size());
        rows.add(null);
        t.measure();
        timed.add(t);
        return t;
    }

    /**
     * Times every measured layer a second time, now that the JIT has compiled the kernels of all of them, and keeps
     * each form's faster time of the two: a kernel timed while the JIT still compiled it (or recompiled it for a
     * shape it had not seen, as a first padded convolution makes it) once measured 0.18x of dense instead of 5x.
     */
    void remeasure() {
        for (Timed t : timed) {
            t.measure();
            if (t.runs != t.javaDense) {
                t.javaDense = null;   // timed, not chosen: its dense copy of the weights goes
            }
        }
    }

    /**
     * A layer timed on the engine and on its sparse kernel; a layer with zeros whose kernel holds it sparse also on
     * PruneKit's dense kernel (zeros multiplied), for the gain of the zeros alone: all in the same turns, each
     * timed once. The form measured fastest runs.
     */
    private final class Timed extends Step {
        private final Layer layer;
        private final String shape;
        private final double density;
        private final Step dense;
        private final Step sparse;
        /** The Java kernel on the weights without zeros (null for a layer without zeros, and once timed). */
        private Step javaDense;
        private final int inSize;
        /** Whether it reads a ReLU's output: timed on inputs with its zeros. */
        private final boolean readsRelu;
        private final int row;
        private double denseMicros = Double.MAX_VALUE;
        private double sparseMicros = Double.MAX_VALUE;
        private double javaDenseMicros = Double.MAX_VALUE;
        private Step runs;

        Timed(Layer layer, String shape, double density, Step dense, Step sparse, Step javaDense, int inSize,
                boolean readsRelu, int row) {
            super(dense.outSize());
            this.layer = layer;
            this.shape = shape;
            this.density = density;
            this.dense = dense;
            this.sparse = sparse;
            this.javaDense = javaDense;
            this.inSize = inSize;
            this.readsRelu = readsRelu;
            this.row = row;
        }

        void measure() {
            float[] x = new float[inSize * batch];
            Random r = new Random(1);
            for (int i = 0; i < x.length; i++) {
                float g = (float) r.nextGaussian();
                x[i] = readsRelu ? Math.max(0f, g) : g;   // half of them zeros after a ReLU, as it will run
            }
            // the engine, the sparse kernel and (for a layer with zeros) the dense Java kernel, in the same turns
            double[] times = javaDense == null ? time(x, dense, sparse) : time(x, dense, sparse, javaDense);
            denseMicros = Math.min(denseMicros, times[0]);
            sparseMicros = Math.min(sparseMicros, times[1]);
            if (javaDense != null) {
                javaDenseMicros = Math.min(javaDenseMicros, times[2]);
            }
            boolean javaWins = javaDense != null && javaDenseMicros < sparseMicros;
            double java = javaWins ? javaDenseMicros : sparseMicros;
            boolean faster = java < denseMicros;
            SparsePlan.Form form = !faster ? SparsePlan.Form.DENSE : javaWins ? SparsePlan.Form.JAVA_DENSE
                    : SparsePlan.Form.SPARSE;
            // a layer without zeros competes too: at batch 1 the Java kernel can beat the engine's cost per call
            String reason = String.format(Locale.ROOT, "%ssparse kernel measured %.2fx %s%s", density == 1
                    ? "no zero weights; " : "", denseMicros / sparseMicros, sparseMicros < denseMicros ? "faster"
                    : "(slower than dense)", javaWins ? String.format(Locale.ROOT, "; PruneKit's dense kernel %.2fx"
                    + " faster still: too few zeros to pay", sparseMicros / javaDenseMicros) : "")
                    + (readsRelu ? " (inputs with a ReLU's zeros)" : "");
            rows.set(row, new SparsePlan.Row(layer.name(), layer.spec().kind(), shape, density, denseMicros,
                    sparseMicros, javaDense == null ? sparseMicros : javaDenseMicros, form, reason));
            runs = form == SparsePlan.Form.DENSE ? dense : javaWins ? javaDense : sparse;
        }

        @Override
        float[] run(float[] x, int batch) {
            return runs.run(x, batch);
        }

        @Override
        float[] run(float[] x, int batch, Epilogue e, int channels) {
            return runs.run(x, batch, e, channels);
        }

        @Override
        float[] runPooled(float[] x, int batch, Epilogue e, int channels, Steps.MaxPool pool) {
            return runs.runPooled(x, batch, e, channels, pool);
        }

        @Override
        long bytes() {
            return runs.bytes();
        }
    }

    /** @return the median microseconds of each step on {@code x}, run in turns after a warm-up */
    private double[] time(float[] x, Step... forms) {
        Runnable[] runs = new Runnable[forms.length];
        for (int i = 0; i < forms.length; i++) {
            Step s = forms[i];
            runs[i] = () -> s.run(x, batch);
        }
        return medians(WARM_NANOS, BUDGET_NANOS, runs);
    }

    /**
     * Times computations in turns: after the warm-up, {@value #ROUNDS} rounds of interleaved runs, and each
     * keeps its fastest round median. Other load on the machine only ever slows a run down, and a round that
     * falls while the JIT still compiles one of them (the first net a JVM measures) then decides nothing; with one
     * median over all runs such a stretch once made a whole net run dense at 0.8x instead of sparse at 2.7x.
     *
     * @param warmNanos the least warm-up time (and 5 runs each): until the JIT has compiled them all
     * @param budgetNanos the time the timed runs may take ({@value #RUNS} each per round at most, 3 at least)
     * @param forms the computations (at least one); which goes first rotates from turn to turn
     * @return the microseconds of each, in order: its fastest round median
     */
    static double[] medians(long warmNanos, long budgetNanos, Runnable... forms) {
        JitWarmUp.once();
        int k = forms.length;
        long warm = System.nanoTime();
        for (int i = 0; i < 5 || System.nanoTime() - warm < warmNanos; i++) {
            for (Runnable f : forms) {
                f.run();
            }
        }
        double[] best = new double[k];
        Arrays.fill(best, Double.MAX_VALUE);
        double[][] times = new double[k][RUNS];
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            int n = 0;
            while (n < RUNS && (n < 3 || System.nanoTime() - start < budgetNanos / ROUNDS)) {
                for (int j = 0; j < k; j++) {
                    int f = (n + j) % k;   // who goes first rotates
                    times[f][n] = micros(forms[f]);
                }
                n++;
            }
            for (int f = 0; f < k; f++) {
                best[f] = Math.min(best[f], median(times[f], n));
            }
        }
        return best;
    }

    private static double micros(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e3;
    }

    private static double median(double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return s[n / 2];
    }

    static double density(float[] w) {
        int nz = 0;
        for (float v : w) {
            if (v != 0) {
                nz++;
            }
        }
        return nz / (double) w.length;
    }
}
