package org.prunekit.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.prunekit.data.Examples;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.sparse.SparseInference;
import org.prunekit.train.Latency;

/**
 * Batch-1 latency (issue 23, item 3): what an interactive or serving user waits for one image,
 * PruneKit against the PyTorch peer ({@link LatencyPeer}) on the same weights and inputs, in one
 * run, one thread each. PruneKit's figure is its fastest path for one image,
 * {@code SparseInference.of(net, 1)}: each layer runs as a Java kernel or on the engine, whichever
 * measured faster (at batch 1 a Java kernel often beats the engine's fixed cost per operation even
 * for a layer without zeros), and the whole net on the engine if that is faster. Both paths are timed
 * in every round, the engine path ({@code net.forward} on an engine array) and that one (from the
 * same array copied to Java); PruneKit's figure is the one with the lower median over all rounds
 * (a user picks the path), and both are shown. The sides take turns: in each of {@value #ROUNDS}
 * rounds, every net runs {@value #PASSES} timed passes on the engine path ({@link Latency#measure},
 * after its warm-up until steady), on the fastest path and then in the peer (after the same
 * warm-up). A side's figure is the median of all its timed passes; the ratio is PruneKit's median
 * over PyTorch's (target ≤ 1.0), and the range of the per-round ratios shows how much the turns
 * scattered.
 */
final class LatencyBenchmark {

    static final int ROUNDS = 7;
    static final int PASSES = 200;
    static final double TARGET = 1.0;

    private LatencyBenchmark() {}

    /** The four nets of the issue, with their default seeds (timing does not depend on training). */
    static List<Net> nets() {
        return List.of(Models.lenet300100(), Models.lenet5(), Models.smallCnn(), Models.resNet8());
    }

    /**
     * @param peer the peer runner
     * @param images the inputs (the first is the image of batch 1)
     * @param out progress
     * @return the table: per net, both medians with their interquartile ranges, the ratio, the
     *     per-round ratio range and the verdict
     */
    static Rows run(Peer peer, Examples images, PrintStream out) {
        List<Net> nets = nets();
        try (LatencyPeer torch = new LatencyPeer(peer, nets, images)) {
            Rows t = Rows.of("Batch-1 latency: one image, PruneKit vs PyTorch " + torch.torch() + " on the same weights"
                    + " (1 thread, " + ROUNDS + " interleaved rounds of " + PASSES + " passes, medians)",
                    "net", "PruneKit us", "PruneKit IQR us", "engine path us", "SparseInference us", "PyTorch us",
                    "PyTorch IQR us", "ratio",
                    "engine path ratio", "round ratios", "layers in Java kernels", "target");
            for (int i = 0; i < nets.size(); i++) {
                Net net = nets.get(i);
                SparseInference fast = SparseInference.of(net, 1);   // each layer in the form measured faster
                out.print(fast.plan().toText().indent(4));
                List<Double> engine = new ArrayList<>();
                List<Double> javaPath = new ArrayList<>();
                List<Double> theirs = new ArrayList<>();
                List<double[]> rounds = new ArrayList<>();   // per round: engine, SparseInference, PyTorch medians
                for (int r = 0; r < ROUNDS; r++) {
                    double[] e = Latency.measure(net, images, 1, PASSES).millis();
                    double[] f = fast.plan().javaLayers().isEmpty() ? e : passes(net, fast, images);
                    double[] b = torch.time(i, 1, PASSES);
                    Arrays.stream(f).forEach(javaPath::add);
                    Arrays.stream(e).forEach(engine::add);
                    Arrays.stream(b).forEach(theirs::add);
                    rounds.add(new double[] {Stats.median(e), Stats.median(f), Stats.median(b)});
                }
                double e = Stats.median(engine) * 1e3;
                double j = Stats.median(javaPath) * 1e3;
                double q = Stats.median(theirs) * 1e3;
                boolean javaFaster = j < e;   // PruneKit's figure: the path with the lower median over all rounds
                List<Double> ours = javaFaster ? javaPath : engine;
                double p = Math.min(e, j);
                double lo = rounds.stream().mapToDouble(m -> m[javaFaster ? 1 : 0] / m[2]).min().orElseThrow();
                double hi = rounds.stream().mapToDouble(m -> m[javaFaster ? 1 : 0] / m[2]).max().orElseThrow();
                double ratio = p / q;
                t.add(net.name(), p, iqr(ours), e, j, q, iqr(theirs), String.format("%.2fx", ratio),
                        String.format("%.2fx", e / q), String.format("%.2f-%.2f", lo, hi),
                        fast.plan().javaLayers().size() + "/" + fast.plan().rows().size(),
                        String.format("<=%.1fx: %s", TARGET, ratio <= TARGET ? "ok" : "MISSED"));
                out.printf("  batch 1 %s: PruneKit %.1f us (engine path %.1f us, SparseInference %.1f us), PyTorch %.1f"
                        + " us, %.2fx%n", net.name(), p, e, j, q, ratio);
            }
            return t;
        } finally {
            nets.forEach(Net::close);
        }
    }

    /**
     * @return milliseconds of {@value #PASSES} passes of PruneKit's fastest path for one image, after a warm-up
     *     of at least 0.5 s: from the engine array of the image (copied to Java) to the logits in Java, as
     *     {@link Latency#measure} times the engine path from the same array to the same logits
     */
    static double[] passes(Net net, SparseInference fast, Examples images) {
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = images.batch(m, Examples.inOrder(1), 0, 1, net.inputShape()).get(0);
            long warm = System.nanoTime();
            for (int i = 0; i < 200 || System.nanoTime() - warm < 500_000_000L; i++) {
                SparseBenchmark.sparsePass(fast, x, 1);
            }
            double[] t = new double[PASSES];
            for (int i = 0; i < PASSES; i++) {
                t[i] = SparseBenchmark.sparsePass(fast, x, 1);
            }
            return t;
        }
    }

    /** Passes averaged by {@link #profile}. */
    static final int PROFILE_PASSES = 2000;

    /**
     * Where a batch-1 pass goes, layer by layer: each top-level layer of each net timed on its own
     * (mean over {@value #PROFILE_PASSES} passes after a warm-up, in the architecture's order, a ReLU
     * before a pooling not moved after it), and the logits' read-back, beside the peer's time per
     * top-level module of the same net. Per-layer clocks add a little to every step on both sides.
     *
     * @param peer the peer runner
     * @param images the inputs
     * @return one row per net and step
     */
    static Rows profile(Peer peer, Examples images) {
        List<Net> nets = nets();
        try (LatencyPeer torch = new LatencyPeer(peer, nets, images)) {
            Rows t = Rows.of("Where a batch-1 pass goes: mean us per top-level layer, PruneKit vs PyTorch " + torch
                    .torch() + " (" + PROFILE_PASSES + " passes each)", "net", "step", "PruneKit us", "PyTorch us");
            for (int i = 0; i < nets.size(); i++) {
                Net net = nets.get(i);
                List<String> names = net.architecture().layers().stream().map(e -> e.name()).toList();
                List<ai.djl.nn.Block> blocks = List.copyOf(net.block().getChildren().values());
                double[] ours = new double[blocks.size() + 1];
                try (ai.djl.ndarray.NDManager m = net.manager().newSubManager()) {
                    ai.djl.ndarray.NDArray x = images.batch(m, Examples.inOrder(1), 0, 1, net.inputShape()).get(0);
                    for (int pass = 0; pass < 2 * PROFILE_PASSES; pass++) {
                        try (ai.djl.ndarray.NDManager pm = m.newSubManager()) {
                            x.tempAttach(pm);
                            ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(pm, false);
                            ai.djl.ndarray.NDList y = new ai.djl.ndarray.NDList(x);
                            long prev = System.nanoTime();
                            for (int b = 0; b < blocks.size(); b++) {
                                y = blocks.get(b).forward(ps, y, false);
                                long now = System.nanoTime();
                                if (pass >= PROFILE_PASSES) {   // the first half warms up
                                    ours[b] += (now - prev) / 1e3 / PROFILE_PASSES;
                                }
                                prev = now;
                            }
                            y.singletonOrThrow().toFloatArray();
                            if (pass >= PROFILE_PASSES) {
                                ours[blocks.size()] += (System.nanoTime() - prev) / 1e3 / PROFILE_PASSES;
                            }
                        }
                    }
                }
                com.google.gson.JsonArray theirs = torch.profile(i, 1, PROFILE_PASSES).getAsJsonArray("micros");
                for (int b = 0; b < blocks.size(); b++) {
                    t.add(net.name(), names.get(b), ours[b], b < theirs.size() ? theirs.get(b).getAsDouble()
                            : Double.NaN);
                }
                t.add(net.name(), "read-back", ours[blocks.size()], Double.NaN);
            }
            return t;
        } finally {
            nets.forEach(Net::close);
        }
    }

    /** @return "p25-p75" of the values (milliseconds) in microseconds */
    private static String iqr(List<Double> millis) {
        double[] s = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format("%.1f-%.1f", s[s.length / 4] * 1e3, s[3 * s.length / 4] * 1e3);
    }
}
