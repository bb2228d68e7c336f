package org.prunekit.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.PruneKit;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Examples;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;
import org.prunekit.notebook.Rows;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.IterativePruning;
import org.prunekit.prune.PruningHistory;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Schedule;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparsityReport;
import org.prunekit.sparse.SparseInference;
import org.prunekit.train.History;
import org.prunekit.train.LearningRateSchedule;
import org.prunekit.train.Latency;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** The pruning benchmarks: each returns a table with its target, measured in this run. */
final class PruningBenchmark {

    /** The dense recipe that reaches 96 % on the MNIST split. */
    static final TrainConfig DENSE = TrainConfig.builder().optEpochs(16).optLearningRate(2e-3f).optWeightDecay(5e-4f)
            .optSchedule(LearningRateSchedule.COSINE).build();

    private PruningBenchmark() {}

    /** Han et al. 2015 on LeNet-300-100: iterative global magnitude pruning to 12.5x fewer weights. */
    static Rows han(DataSplit data, PrintStream out) {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, data, DENSE, Progress.none());
            double dense = net.accuracy(data.test());
            out.printf("  Han 2015: dense LeNet-300-100 accuracy %.4f; pruning in 5 steps to 92 %%%n", dense);
            PruningHistory h = IterativePruning.builder()
                    .setPruner(Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.92)
                            .optScope(Scope.GLOBAL).build())
                    .setSchedule(Schedule.iterative(0.92, 5))
                    .optFineTune(TrainConfig.builder().optEpochs(3).optLearningRate(5e-4f)
                            .optSchedule(LearningRateSchedule.COSINE).build())
                    .optProgress(Progress.console(out)).build().run(net, data);
            SparsityReport r = SparsityReport.of(net);
            double errorDelta = (dense - h.last().accuracy()) * 100;
            Rows t = Rows.of("Han et al. 2015 on LeNet-300-100 / MNIST split (iterative global magnitude, 5 x 3 epochs)",
                    "dense acc", "pruned acc", "error delta pp", "non-zero", "compression", "target");
            t.add(dense, h.last().accuracy(), errorDelta, r.nonZero(), String.format("%.1fx", r.compression()),
                    r.compression() >= 12 && errorDelta <= 0.3 ? ">=12x, <=+0.3pp: ok" : ">=12x, <=+0.3pp: MISSED");
            return t;
        }
    }

    /** The batch sizes structured speed-ups are timed at (issue 23: both must meet the target). */
    static final int[] BATCHES = {64, 1000};

    /**
     * A dense net and its pruned form, each timed on the engine ({@code net.forward}) and on
     * PruneKit's Java kernels ({@link SparseInference#of(Net, int)}: each layer in the form it
     * measured faster at this batch size, a Java kernel or the engine).
     *
     * @param denseEngine ms per pass of the dense net on the engine
     * @param prunedEngine ms per pass of the pruned net on the engine
     * @param denseJava ms per pass of the dense net's {@code SparseInference}, NaN if it runs no
     *     layer in Java (then it is the engine path)
     * @param prunedJava the same for the pruned net
     * @param denseLayers "k/n": layers of the dense net's {@code SparseInference} that run in Java
     * @param prunedLayers the same for the pruned net
     */
    record Paths(double denseEngine, double prunedEngine, double denseJava, double prunedJava, String denseLayers,
            String prunedLayers) {

        /** @return the pruned net's speed-up when both run on the engine */
        double engineSpeedUp() {
            return denseEngine / prunedEngine;
        }

        /** @return the dense net's time on its faster path */
        double denseFastest() {
            return fastest(denseEngine, denseJava);
        }

        /** @return the pruned net's time on its faster path */
        double prunedFastest() {
            return fastest(prunedEngine, prunedJava);
        }

        /** @return the pruned net's speed-up when each net runs on its faster path */
        double fastestSpeedUp() {
            return denseFastest() / prunedFastest();
        }

        /** @return which path each net's faster time is from: "engine / Java 9/10" */
        String paths() {
            return (denseFastest() < denseEngine ? "Java " + denseLayers : "engine") + " / "
                    + (prunedFastest() < prunedEngine ? "Java " + prunedLayers : "engine");
        }
    }

    /**
     * Times a dense net and its pruned form fairly on each path, one path after the other (so that
     * neither path's passes run between the other's, whose memory they would disturb at batch
     * 1,000): on the engine by {@link Latency#compare} (the two nets in turns, 3 rounds of 21
     * passes, best round median each), then on their {@code SparseInference} by
     * {@link SparseBenchmark#inTurns} (single passes in turns, 3 rounds of 21, 7 at batch 1,000 or
     * more), every pass from an engine array to Java logits.
     *
     * @param d the dense net's {@code SparseInference} at this batch size (built once for all its
     *     pruned forms)
     */
    static Paths timePaths(Net dense, SparseInference d, Net pruned, Examples images, int batch) {
        int b = Math.min(batch, images.size());
        double[] engine = Latency.compare(List.of(dense, pruned), images, b, 3, 21);
        PruneKit.noGrad();
        try (SparseInference p = inference(pruned, images, batch); NDManager m = dense.manager().newSubManager()) {
            NDArray x = images.batch(m, Examples.inOrder(b), 0, b, dense.inputShape()).get(0);
            double[] java = SparseBenchmark.inTurns(List.of(() -> SparseBenchmark.sparsePass(d, x, b),
                    () -> SparseBenchmark.sparsePass(p, x, b)), 3, b >= 1000 ? 7 : 21, 3);
            return new Paths(engine[0], engine[1], javaOrNaN(java[0], d), javaOrNaN(java[1], p), layers(d),
                    layers(p));
        }
    }

    /** @return the net's {@code SparseInference} timed at the batch size {@link #timePaths} runs for {@code batch} */
    static SparseInference inference(Net net, Examples images, int batch) {
        return SparseInference.of(net, Math.min(batch, images.size()));
    }

    /**
     * @return {@code ms}, the time of a pass of {@code s}, or NaN where its plan runs no layer in Java (then it timed
     *     the engine path under another name)
     */
    static double javaOrNaN(double ms, SparseInference s) {
        return s.plan().javaLayers().isEmpty() ? Double.NaN : ms;
    }

    /** @return the time on the faster of two paths: the engine's, and the Java kernels' where not NaN */
    static double fastest(double engineMs, double javaMs) {
        return Double.isNaN(javaMs) ? engineMs : Math.min(engineMs, javaMs);
    }

    private static String layers(SparseInference s) {
        return s.plan().javaLayers().size() + "/" + s.plan().rows().size();
    }

    /** @return the share of the dense net's multiply-accumulates per image the pruned net no longer does */
    static double macsSaved(Net dense, Net pruned) {
        return 1 - SparsityReport.of(pruned).macs() / (double) SparsityReport.of(dense).macs();
    }

    /** Structured removal: inference speed-up at batch 64 and 1,000, MACs saved, accuracy after one fine-tuning epoch. */
    static Rows structured(DataSplit data, PrintStream out) {
        Rows t = Rows.of("Inference on 64 and 1,000 test images (dense and pruned in turns on the engine, then in turns"
                + " on PruneKit's Java kernels, best of 3 medians each): dense vs units removed (L1 filter norm, Li et"
                + " al. 2017) vs weights only masked; the target on each net's faster path",
                "net", "removed", "batch", "dense ms engine", "pruned ms engine", "speed-up engine",
                "dense ms fastest", "pruned ms fastest", "speed-up fastest", "paths (dense / pruned)", "MACs saved",
                "time saved", "dense acc", "acc after 1 epoch", "target");
        record Case(String name, java.util.function.Supplier<Net> net, TrainConfig train, String[] layers,
                double sparsity, double speedTarget, Granularity granularity) {}
        List<Case> cases = List.of(
                new Case("LeNet-300-100", Models::lenet300100, DENSE, null, 0.5, 1.8, Granularity.STRUCTURED),
                new Case("LeNet-300-100", Models::lenet300100, DENSE, null, 0.75, 0, Granularity.STRUCTURED),
                new Case("LeNet-300-100", Models::lenet300100, DENSE, null, 0.9, 0, Granularity.UNSTRUCTURED),
                new Case("LeNet-5", Models::lenet5, TrainConfig.epochs(8), new String[] {"conv1", "conv2"}, 0.5, 1.5,
                        Granularity.STRUCTURED));
        for (Case c : cases) {
            try (Net net = c.net().get()) {
                Training.fit(net, data, c.train(), Progress.none());
                double denseAcc = net.accuracy(data.test());
                try (Net pruned = net.copy()) {
                    Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(c.sparsity())
                            .optGranularity(c.granularity()).optScope(!c.granularity().removesUnits()
                                    ? Scope.GLOBAL : Scope.LAYER)
                            .optLayers(c.layers()).build().plan(pruned).apply();
                    pruned.removePrunedUnits();
                    Training.fit(pruned, data, TrainConfig.epochs(1), Progress.none());
                    double acc = pruned.accuracy(data.test());
                    double macs = macsSaved(net, pruned);
                    String what = String.format("%.0f%% %s", 100 * c.sparsity(),
                            !c.granularity().removesUnits() ? "weights masked (unstructured)"
                                    : c.layers() == null ? "hidden units" : "channels");
                    for (int batch : BATCHES) {
                        Paths ms;
                        try (SparseInference denseJava = inference(net, data.test(), batch)) {
                            ms = timePaths(net, denseJava, pruned, data.test(), batch);
                        }
                        double speedup = ms.fastestSpeedUp();
                        String target = c.speedTarget() == 0 ? "" : String.format(">=%.1fx, <=1.5pp: %s",
                                c.speedTarget(), speedup >= c.speedTarget() && denseAcc - acc <= 0.015 ? "ok"
                                        : "MISSED");
                        t.add(c.name(), what, batch, ms.denseEngine(), ms.prunedEngine(),
                                String.format("%.2fx", ms.engineSpeedUp()), ms.denseFastest(), ms.prunedFastest(),
                                String.format("%.2fx", speedup), ms.paths(),
                                String.format("%.0f%%", 100 * macs),
                                String.format("%.0f%%", 100 * (1 - ms.prunedFastest() / ms.denseFastest())),
                                denseAcc, acc, target);
                        out.printf("  structured %s %s, batch %d: %.2fx on the faster paths (%s), %.2fx on the"
                                + " engine (MACs -%.0f%%)%n", c.name(), what, batch, speedup, ms.paths(),
                                ms.engineSpeedUp(), 100 * macs);
                    }
                }
            }
        }
        return t;
    }

    /**
     * ResNet-8 on Fashion-MNIST: channel groups (tied by the residual connections) removed
     * structurally at 30 % and 60 % of every group, by L1 norm and by Taylor importance, with and
     * without {@code optRoundTo(8)}, against the dense net: inference time at batch 64 and 1,000
     * (dense and shrunk net in turns, best of three medians each), MACs and time saved, parameters,
     * accuracy before and after fine-tuning.
     */
    static Rows resnet(DataSplit fashion, PrintStream out) {
        Rows t = Rows.of("ResNet-8 / Fashion-MNIST (" + fashion.train().size() + " train, " + fashion.test().size()
                + " test images, 6 epochs): every channel group pruned, units removed, 3 fine-tuning epochs",
                "criterion", "removed", "round to", "channels", "parameters", "batch", "dense ms engine",
                "pruned ms engine", "speed-up engine", "dense ms fastest", "pruned ms fastest", "speed-up fastest",
                "paths (dense / pruned)", "MACs saved", "time saved", "dense acc", "acc pruned", "acc fine-tuned",
                "target");
        TrainConfig train = TrainConfig.builder().optEpochs(6).optLearningRate(2e-3f)
                .optSchedule(LearningRateSchedule.COSINE).build();
        TrainConfig fineTune = TrainConfig.builder().optEpochs(3).optLearningRate(1e-3f)
                .optSchedule(LearningRateSchedule.COSINE).build();
        java.util.Map<Integer, SparseInference> denseJava = new java.util.HashMap<>();   // per batch size
        try (Net net = Models.resNet8()) {
            Training.fit(net, fashion, train, Progress.none());
            double denseAcc = net.accuracy(fashion.test());
            out.printf("  ResNet-8 dense: accuracy %.4f, %,d parameters%n", denseAcc, net.parameterCount());
            for (Importance criterion : List.of(Importance.magnitudeL1(), Importance.taylor())) {
                for (double s : new double[] {0.3, 0.6}) {
                    for (int roundTo : new int[] {1, 8}) {
                        try (Net pruned = net.copy()) {
                            Pruner.builder().setImportance(criterion).setSparsity(s)
                                    .optGranularity(Granularity.STRUCTURED).optRoundTo(roundTo).build()
                                    .plan(pruned, fashion).apply();
                            double prunedAcc = pruned.accuracy(fashion.test());
                            pruned.removePrunedUnits();
                            Training.fit(pruned, fashion, fineTune, Progress.none());
                            double acc = pruned.accuracy(fashion.test());
                            double macs = macsSaved(net, pruned);
                            String channels = pruned.channelGroups().prunable().stream()
                                    .map(g -> String.valueOf(g.channels())).collect(java.util.stream.Collectors
                                            .joining("/"));
                            double target = s < 0.5 ? 1.3 : 1.1;
                            for (int batch : BATCHES) {
                                Paths ms = timePaths(net, denseJava.computeIfAbsent(batch,
                                        b -> inference(net, fashion.test(), b)), pruned, fashion.test(), batch);
                                double speedup = ms.fastestSpeedUp();
                                t.add(criterion.name(), String.format("%.0f%% of every group", 100 * s),
                                        roundTo == 1 ? "-" : String.valueOf(roundTo), channels,
                                        String.format("%,d of %,d", pruned.parameterCount(), net.parameterCount()),
                                        batch, ms.denseEngine(), ms.prunedEngine(),
                                        String.format("%.2fx", ms.engineSpeedUp()), ms.denseFastest(),
                                        ms.prunedFastest(), String.format("%.2fx", speedup),
                                        ms.paths(), String.format("%.0f%%", 100 * macs),
                                        String.format("%.0f%%", 100 * (1 - ms.prunedFastest() / ms.denseFastest())),
                                        denseAcc, prunedAcc, acc,
                                        String.format(">=%.1fx: %s", target, speedup >= target ? "ok" : "MISSED"));
                                out.printf("  ResNet-8 %s %.0f%% round to %d (%s), batch %d: %.2fx on the faster paths"
                                        + " (%s), %.2fx on the engine (MACs -%.0f%%), accuracy %.4f -> %.4f after"
                                        + " fine-tuning%n", criterion.name(), 100 * s, roundTo, channels, batch, speedup,
                                        ms.paths(), ms.engineSpeedUp(), 100 * macs, prunedAcc, acc);
                            }
                        }
                    }
                }
            }
        } finally {
            denseJava.values().forEach(SparseInference::close);
        }
        return t;
    }

    /** Masked fine-tuning against dense training, epochs interleaved. */
    static Rows maskedOverhead(DataSplit data, PrintStream out) {
        return MaskedOverheadBenchmark.run(data, out);
    }

    /** Global magnitude masks on 1M and 10M weights against torch.nn.utils.prune.global_unstructured. */
    static Rows globalMasks(Peer peer, PrintStream out) {
        Rows t = Rows.of("Global magnitude pruning to 90 %: time to compute and apply the masks (median of 5)",
                "weights", "PruneKit s", "PyTorch s", "ratio", "target");
        for (int[] hidden : new int[][] {{1024, 256}, {2048, 2048, 2048}}) {
            List<Double> ours = new ArrayList<>();
            long weights = 0;
            for (int r = 0; r < 5; r++) {
                try (Net net = Models.mlp("MLP", r, hidden)) {
                    long start = System.nanoTime();
                    SparsityReport rep = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.9)
                            .optScope(Scope.GLOBAL).build().plan(net).apply();
                    ours.add((System.nanoTime() - start) / 1e9);
                    weights = rep.weights();
                }
            }
            String arg = java.util.Arrays.stream(hidden).mapToObj(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(","));
            String json = peer.run("torch_prune.py", List.of("global", "--hidden", arg, "--reps", "5"));
            double torch = Peer.number(json, "seconds");
            double ratio = Stats.median(ours) / torch;
            t.add(String.format("%,d", weights), Stats.median(ours), torch, String.format("%.2f", ratio),
                    ratio <= 1 ? "<=1: ok" : "<=1: MISSED");
            out.printf("  global masks on %,d weights: %.3f s vs PyTorch %.3f s%n", weights, Stats.median(ours), torch);
        }
        return t;
    }

    /** File sizes: DJL's dense .params against PruneKit's dense and sparse formats. */
    static Rows fileSizes(DataSplit data, Path dir) {
        Rows t = Rows.of("File size of LeNet-300-100, global magnitude masks", "sparsity", "DJL .params B",
                "PruneKit dense B", "PruneKit sparse B", "sparse / DJL", "target");
        try (Net net = Models.lenet300100()) {
            Training.fit(net, data, TrainConfig.epochs(2), Progress.none());
            for (double s : new double[] {0.5, 0.9, 0.95}) {
                try (Net copy = net.copy()) {
                    Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(s).optScope(Scope.GLOBAL)
                            .build().plan(copy).apply();
                    Path sub = dir.resolve("size-" + s);
                    Files.createDirectories(sub);
                    copy.model().save(sub, "djl");
                    long djl = Files.size(sub.resolve("djl-0000.params"));
                    long dense = NetIO.save(copy, sub.resolve("dense.pk"), NetIO.Format.DENSE);
                    long sparse = NetIO.save(copy, sub.resolve("sparse.pk"), NetIO.Format.SPARSE);
                    double ratio = sparse / (double) djl;
                    t.add(s, djl, dense, sparse, String.format("%.1f%%", 100 * ratio),
                            s == 0.9 ? (ratio <= 0.15 ? "<=15%: ok" : "<=15%: MISSED") : "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }
}
