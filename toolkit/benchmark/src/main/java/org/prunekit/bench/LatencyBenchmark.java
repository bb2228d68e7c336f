package org.prunekit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.prunekit.data.Examples;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.train.Latency;

/**
 * Batch-1 latency (issue 23, item 3): what an interactive or serving user waits for one image,
 * PruneKit against the PyTorch peer ({@link LatencyPeer}) on the same weights and inputs, in one
 * run, one thread each. The two take turns: in each of {@value #ROUNDS} rounds, every net runs
 * {@value #PASSES} timed passes in PruneKit ({@link Latency#measure}, after its warm-up until
 * steady) and then as many in the peer (after the same warm-up). A side's figure is the median of
 * all its timed passes; the ratio is PruneKit's median over PyTorch's (target ≤ 1.0), and the
 * range of the per-round ratios shows how much the turns scattered.
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
                    "net", "PruneKit us", "PruneKit IQR us", "PyTorch us", "PyTorch IQR us", "ratio",
                    "round ratios", "target");
            for (int i = 0; i < nets.size(); i++) {
                Net net = nets.get(i);
                List<Double> ours = new ArrayList<>();
                List<Double> theirs = new ArrayList<>();
                double lo = Double.MAX_VALUE;
                double hi = 0;
                for (int r = 0; r < ROUNDS; r++) {
                    double[] a = Latency.measure(net, images, 1, PASSES).millis();
                    double[] b = torch.time(i, 1, PASSES);
                    Arrays.stream(a).forEach(ours::add);
                    Arrays.stream(b).forEach(theirs::add);
                    double ratio = Stats.median(a) / Stats.median(b);
                    lo = Math.min(lo, ratio);
                    hi = Math.max(hi, ratio);
                }
                double p = Stats.median(ours) * 1e3;
                double q = Stats.median(theirs) * 1e3;
                double ratio = p / q;
                t.add(net.name(), p, iqr(ours), q, iqr(theirs), String.format("%.2fx", ratio),
                        String.format("%.2f-%.2f", lo, hi), String.format("<=%.1fx: %s", TARGET, ratio <= TARGET
                                ? "ok" : "MISSED"));
                out.printf("  batch 1 %s: PruneKit %.1f us, PyTorch %.1f us, %.2fx%n", net.name(), p, q, ratio);
            }
            return t;
        } finally {
            nets.forEach(Net::close);
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
