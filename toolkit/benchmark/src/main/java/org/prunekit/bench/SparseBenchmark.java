package org.prunekit.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.prunekit.PruneKit;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Examples;
import org.prunekit.model.Architecture;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.layers.Conv;
import org.prunekit.model.layers.Dense;
import org.prunekit.model.layers.Dropout;
import org.prunekit.model.layers.Flatten;
import org.prunekit.model.layers.MaxPool;
import org.prunekit.model.layers.Norm;
import org.prunekit.model.layers.Relu;
import org.prunekit.notebook.Rows;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.sparse.SparseInference;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Sparse inference (issue 23, item 1): nets trained briefly on the MNIST split, pruned by global
 * magnitude and fine-tuned with their masks, then run dense (the engine) and with
 * {@link SparseInference} (each layer's form measured at the batch size), one thread, single
 * passes interleaved, median; and the same exported weights run by PyTorch dense and with
 * {@code torch.sparse} CSR ({@code toolkit/bench/torch_sparse.py}) in the same invocation.
 * Accuracy of the sparse form is checked equal to the masked dense net's on the test images.
 * Two rows without a target prune LeNet-5 and SmallCNN layer by layer instead, every layer but the
 * first and the last to 90 %: global ranking leaves their second convolution with 23-56 % of its
 * weights, which the zeros barely speed up; these rows show what pruning it too gains, and costs.
 *
 * <p>The dense form is also timed at its best: the net as trained, before pruning, by its own
 * {@code SparseInference} (each layer on the dense Java kernel where that measured faster than the
 * engine), in the same turns. The target counts the speed-up over the faster of the two dense
 * paths, so that a slow engine (one whose convolutions run on ATen's kernels where oneDNN computes
 * wrong) does not pass for a gain of the zeros.
 */
final class SparseBenchmark {

    /** Rounds of interleaved passes per measurement. */
    private static final int ROUNDS = 5;

    /** Test images classified by both sides and used as the timed batches. */
    private static final int IMAGES = 1000;

    private SparseBenchmark() {}

    /**
     * One net at one sparsity and scope, with its speed-up targets at batch 1 and 64 (NaN: a row for comparison,
     * without a target).
     */
    private record Case(String name, Supplier<Net> make, double sparsity, Scope scope, double target1,
            double target64) {

        String sparsityText() {
            return String.format(Locale.ROOT, "%.0f %%", 100 * sparsity)
                    + (scope == Scope.LAYER ? " layer-wise, first/last dense" : "");
        }
    }

    static Rows run(DataSplit mnist, Peer peer, Path dir, PrintStream out) {
        Rows t = Rows.of("Sparse inference, 1 thread, best of 5 round medians of interleaved single passes (MNIST split, magnitude"
                + " pruning + 1 masked fine-tuning epoch); the target against the faster dense path", "net", "sparsity",
                "batch", "dense ms", "dense ms Java kernels", "sparse ms", "speed-up", "speed-up vs faster dense",
                "torch dense ms", "torch CSR ms", "PruneKit/torch CSR", "acc masked dense",
                "acc sparse", "layers sparse", "weights KB sparse/dense", "target");
        List<Case> cases = List.of(
                new Case("LeNet-300-100", Models::lenet300100, 0.90, Scope.GLOBAL, 2.5, 2.0),
                new Case("LeNet-300-100", Models::lenet300100, 0.95, Scope.GLOBAL, 3.0, 2.5),
                new Case("LeNet-5", Models::lenet5, 0.90, Scope.GLOBAL, 1.5, 1.5),
                new Case("SmallCNN", Models::smallCnn, 0.90, Scope.GLOBAL, 1.5, 1.5),
                // for comparison: every layer but the first and the last at 90 %, the second convolution too (global
                // ranking leaves it dense); with the first and last at 90 % as well, accuracy fell to about 0.8
                new Case("LeNet-5", Models::lenet5, 0.90, Scope.LAYER, Double.NaN, Double.NaN),
                new Case("SmallCNN", Models::smallCnn, 0.90, Scope.LAYER, Double.NaN, Double.NaN));
        Examples test = mnist.test().limit(IMAGES, 1);
        for (Case c : cases) {
            try (Net net = c.make().get()) {
                Training.fit(net, mnist, TrainConfig.epochs(3), Progress.none());
                try (Net dense = net.copy()) {   // the dense form as trained, timed on its faster path
                    Pruner.Builder pruner = Pruner.builder().setImportance(Importance.magnitudeL1())
                            .setSparsity(c.sparsity()).optScope(c.scope());
                    if (c.scope() == Scope.LAYER) {
                        List<Layer> layers = net.prunableLayers();
                        pruner.optLayers(layers.subList(1, layers.size() - 1).stream().map(Layer::name)
                                .toArray(String[]::new));
                    }
                    pruner.build().plan(net).apply();
                    Training.fit(net, mnist, TrainConfig.epochs(1), Progress.none());
                    double accDense = net.accuracy(test);
                    Path spec = export(net, test, dir.resolve(c.name() + "-" + Math.round(100 * c.sparsity())
                            + (c.scope() == Scope.LAYER ? "-layer" : "")));
                    String json = peer.run("torch_sparse.py", List.of("--spec", spec.toString()));
                    for (int batch : new int[] {1, 64}) {
                        row(t, c, net, dense, test, json, batch, accDense, out);
                    }
                }
            }
        }
        return t;
    }

    /** Times the pruned net, its dense form on both paths and its sparse inference at one batch size: one row. */
    private static void row(Rows t, Case c, Net net, Net dense, Examples test, String json, int batch, double accDense,
            PrintStream out) {
        try (SparseInference sparse = SparseInference.of(net, batch);
                SparseInference denseJava = SparseInference.of(dense, batch)) {
            double accSparse = sparse.accuracy(test);
            double[] ms = time(net, denseJava, sparse, test, batch);
            ms[1] = PruningBenchmark.javaOrNaN(ms[1], denseJava);   // all on the engine: no Java kernels' time
            double speedup = ms[0] / ms[2];
            double best = PruningBenchmark.fastest(ms[0], ms[1]) / ms[2];
            double torchDense = Peer.number(json, "dense_ms_" + batch);
            double torchSparse = Peer.number(json, "sparse_ms_" + batch);
            double target = batch == 1 ? c.target1() : c.target64();
            boolean ok = best >= target && ms[2] <= torchSparse && accSparse == accDense;
            t.add(c.name(), c.sparsityText(), batch, ms[0], ms[1], ms[2],
                    String.format(Locale.ROOT, "%.2fx", speedup), String.format(Locale.ROOT, "%.2fx", best),
                    torchDense, torchSparse, String.format(Locale.ROOT, "%.2f", ms[2] / torchSparse), accDense,
                    accSparse, sparse.plan().sparseLayers().size() + "/" + sparse.plan().rows().size(),
                    String.format(Locale.ROOT, "%.0f/%.0f", (sparse.bytes() + sparse.engineBytes()) / 1024.0,
                            sparse.denseBytes() / 1024.0),
                    Double.isNaN(target) ? "none (for comparison)" : String.format(Locale.ROOT,
                            ">=%.1fx vs faster dense, <=torch CSR, same acc: %s", target, ok ? "met" : "MISSED"));
            out.printf("  %s %s batch %d: dense %.3f ms (Java kernels %.3f ms: %d/%d layers), sparse %.3f ms"
                    + " (%.2fx, %.2fx vs the faster dense), torch CSR %.3f ms; accuracy %.4f / %.4f (torch %.4f)%n",
                    c.name(), c.sparsityText(), batch, ms[0], ms[1], denseJava.plan().javaLayers().size(),
                    denseJava.plan().rows().size(), ms[2], speedup, best, torchSparse, accDense, accSparse,
                    Peer.number(json, "acc_sparse"));
            out.print(sparse.plan().toText().indent(4));
        }
    }

    /**
     * @return milliseconds per pass of the net on the engine, of the dense form's {@code SparseInference} (its
     *     faster path) and of the sparse inference on the first {@code batch} images: single passes in turns
     *     (engine, dense Java, sparse, engine, ...) after a warm-up of at least 2 s, in {@value #ROUNDS} rounds,
     *     the fastest round median of each; every pass from the same engine array to Java logits
     */
    static double[] time(Net net, SparseInference denseJava, SparseInference sparse, Examples images, int batch) {
        PruneKit.noGrad();
        int passes = batch == 1 ? 600 : 200;
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = images.batch(m, Examples.inOrder(batch), 0, batch, net.inputShape()).get(0);
            return inTurns(List.of(() -> densePass(net, x), () -> sparsePass(denseJava, x, batch),
                    () -> sparsePass(sparse, x, batch)), ROUNDS, passes / ROUNDS, passes / 3);
        }
    }

    /**
     * Times several kinds of pass fairly on a shared machine: warm-up passes in turns (at least
     * {@code warmUpPasses} of each and at least 2 s: the JIT's compilers may wait on a loaded
     * machine), then {@code rounds} rounds of single passes in turns (a, b, c, a, b, c, ...); each
     * kind gets its fastest round median (other load only ever slows a pass down), as
     * {@link org.prunekit.train.Latency#compare} does for nets.
     *
     * @param passes each returns the milliseconds of one pass it ran
     * @param rounds rounds of turns
     * @param perRound passes of each kind per round
     * @param warmUpPasses the least number of warm-up passes of each kind
     * @return per kind, in order, the fastest round median in milliseconds
     */
    static double[] inTurns(List<DoubleSupplier> passes, int rounds, int perRound, int warmUpPasses) {
        long warm = System.nanoTime();
        for (int i = 0; i < warmUpPasses || System.nanoTime() - warm < 2_000_000_000L; i++) {
            passes.forEach(DoubleSupplier::getAsDouble);
        }
        double[] best = new double[passes.size()];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < rounds; round++) {
            double[][] t = new double[passes.size()][perRound];
            for (int i = 0; i < perRound; i++) {
                for (int k = 0; k < t.length; k++) {
                    t[k][i] = passes.get(k).getAsDouble();
                }
            }
            for (int k = 0; k < t.length; k++) {
                best[k] = Math.min(best[k], Stats.median(t[k]));
            }
        }
        return best;
    }

    /** @return the milliseconds of one engine pass of the net on the engine array {@code x}, to Java logits */
    private static double densePass(Net net, NDArray x) {
        try (NDManager pass = x.getManager().newSubManager()) {
            x.tempAttach(pass);
            long start = System.nanoTime();
            net.forward(x, false).toFloatArray();
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /** @return the milliseconds of one pass of the sparse inference from the engine array {@code x} to Java logits */
    static double sparsePass(SparseInference sparse, NDArray x, int batch) {
        long start = System.nanoTime();
        sparse.forward(x.toFloatArray(), batch);
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * Writes the net's layers, weights and the test images for the PyTorch peer: a JSON spec and a
     * little-endian float32 blob it points into.
     *
     * @return the JSON spec's path
     */
    static Path export(Net net, Examples images, Path base) {
        List<float[]> chunks = new ArrayList<>();
        int[] offset = {0};
        StringBuilder layers = new StringBuilder();
        for (Architecture.Entry e : net.architecture().layers()) {
            Layer l = net.layer(e.name());
            String item;
            if (e.spec() instanceof Dense || e.spec() instanceof Conv) {
                int w = put(chunks, offset, l.weightValues());
                int b = l.bias() == null ? -1 : put(chunks, offset, l.biasValues());
                item = String.format(Locale.ROOT, "{\"kind\":\"%s\",\"shape\":%s,\"w\":%d,\"b\":%d", e.spec()
                        instanceof Dense ? "dense" : "conv", Arrays.toString(l.weight().getArray().getShape()
                                .getShape()), w, b);
                if (e.spec() instanceof Conv c) {
                    item += ",\"stride\":" + c.strideH() + ",\"pad\":" + c.padH();
                }
                item += "}";
            } else if (e.spec() instanceof Relu) {
                item = "{\"kind\":\"relu\"}";
            } else if (e.spec() instanceof MaxPool p) {
                item = "{\"kind\":\"maxpool\",\"k\":" + p.kernel() + ",\"s\":" + p.stride() + "}";
            } else if (e.spec() instanceof Flatten || e.spec() instanceof Dropout) {
                item = e.spec() instanceof Flatten ? "{\"kind\":\"flatten\"}" : null;
            } else if (e.spec() instanceof Norm n) {
                float[][] scaleShift = n.inferenceScaleShift(l);
                item = String.format(Locale.ROOT, "{\"kind\":\"batchnorm\",\"n\":%d,\"scale\":%d,\"shift\":%d}",
                        scaleShift[0].length, put(chunks, offset, scaleShift[0]), put(chunks, offset,
                        scaleShift[1]));
            } else {
                throw new IllegalArgumentException("The sparse benchmark's peer does not know " + e.spec().encode());
            }
            if (item != null) {
                layers.append(layers.length() == 0 ? "" : ",").append(item);
            }
        }
        float[] x;
        try (NDManager m = net.manager().newSubManager()) {
            x = images.batch(m, Examples.inOrder(images.size()), 0, images.size(), net.inputShape()).get(0)
                    .toFloatArray();
        }
        int xAt = put(chunks, offset, x);
        float[] y = new float[images.size()];
        int[] targets = images.targets();
        for (int i = 0; i < y.length; i++) {
            y[i] = targets[i];
        }
        int yAt = put(chunks, offset, y);
        Path blob = base.resolveSibling(base.getFileName() + ".bin");
        Path spec = base.resolveSibling(base.getFileName() + ".json");
        try {
            Files.createDirectories(spec.toAbsolutePath().getParent());
            ByteBuffer buf = ByteBuffer.allocate(4 * offset[0]).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] c : chunks) {
                for (float v : c) {
                    buf.putFloat(v);
                }
            }
            Files.write(blob, buf.array());
            Files.writeString(spec, String.format(Locale.ROOT, "{\"blob\":\"%s\",\"images\":%d,\"inSize\":%d,"
                    + "\"inputShape\":%s,\"x\":%d,\"y\":%d,\"layers\":[%s]}", blob.toAbsolutePath(), images.size(),
                    net.inputShape().size(), Arrays.toString(net.inputShape().getShape()), xAt, yAt, layers));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + spec + ": " + e.getMessage(), e);
        }
        return spec.toAbsolutePath();
    }

    private static int put(List<float[]> chunks, int[] offset, float[] values) {
        chunks.add(values);
        int at = offset[0];
        offset[0] += values.length;
        return at;
    }
}
