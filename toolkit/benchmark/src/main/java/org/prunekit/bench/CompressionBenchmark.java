package org.prunekit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.prunekit.compress.DeepCompression;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** Compression beyond pruning: distillation-aware fine-tuning, and pruning with quantization. */
final class CompressionBenchmark {

    static final double[] SPARSITIES = {0.9, 0.95};
    static final long[] SEEDS = {1, 2, 3};
    /** The distillation settings compared: (temperature, alpha). */
    static final float[][] SETTINGS = {{4f, 0.7f}, {2f, 0.5f}};

    private CompressionBenchmark() {}

    /**
     * At 90 % and 95 % global magnitude sparsity: fine-tuning with distillation from the dense net
     * against plain fine-tuning, same epochs, same data order, three seeds each.
     */
    static Rows distillation(DataSplit mnist, DataSplit fashion, PrintStream out) {
        Rows t = Rows.of("Fine-tuning after global magnitude pruning: plain vs distilled from the dense net (the"
                + " teacher), 2 epochs each (Adam 1e-3), seeds " + java.util.Arrays.toString(SEEDS)
                + "; accuracy mean [min..max]",
                "net / data", "sparsity", "dense acc", "plain fine-tuning", "distilled T=4, alpha=0.7", "diff pp",
                "distilled T=2, alpha=0.5", "diff pp");
        one(t, "LeNet-300-100 / MNIST split", Models::lenet300100, mnist, PruningBenchmark.DENSE, out);
        one(t, "SmallCNN / Fashion-MNIST 10,000 / 2,000", Models::smallCnn, fashion, TrainConfig.builder()
                .optEpochs(6).optLearningRate(2e-3f).optSchedule(org.prunekit.train.LearningRateSchedule.COSINE)
                .build(), out);
        return t;
    }

    private static void one(Rows t, String title, Supplier<Net> factory, DataSplit data, TrainConfig pretrain,
            PrintStream out) {
        try (Net dense = factory.get()) {
            Training.fit(dense, data, pretrain, Progress.none());
            double denseAcc = dense.accuracy(data.test());
            for (double s : SPARSITIES) {
                List<List<Double>> acc = new ArrayList<>();
                for (int v = 0; v <= SETTINGS.length; v++) {
                    acc.add(new ArrayList<>());
                }
                for (long seed : SEEDS) {
                    for (int v = 0; v <= SETTINGS.length; v++) {
                        TrainConfig.Builder c = TrainConfig.builder().optEpochs(2).optSeed(seed);
                        if (v > 0) {
                            c.optDistillation(dense, SETTINGS[v - 1][0], SETTINGS[v - 1][1]);
                        }
                        try (Net pruned = dense.copy()) {
                            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(s)
                                    .optScope(Scope.GLOBAL).build().plan(pruned).apply();
                            Training.fit(pruned, data, c.build(), Progress.none());
                            acc.get(v).add(pruned.accuracy(data.test()));
                        }
                    }
                }
                double p = mean(acc.get(0));
                t.add(title, s, denseAcc, summary(acc.get(0)), summary(acc.get(1)),
                        String.format("%+.2f", 100 * (mean(acc.get(1)) - p)), summary(acc.get(2)),
                        String.format("%+.2f", 100 * (mean(acc.get(2)) - p)));
                out.printf("  distillation %s %.0f%%: plain %s, distilled %s / %s%n", title, 100 * s,
                        summary(acc.get(0)), summary(acc.get(1)), summary(acc.get(2)));
            }
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String summary(List<Double> v) {
        double min = v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format("%.4f [%.4f..%.4f]", mean(v), min, max);
    }

    /** Deep compression of LeNet-300-100: sparsity x bits -> file size and accuracy. */
    static Rows deepCompression(DataSplit mnist, PrintStream out) {
        try (Net net = Models.lenet300100()) {
            Training.fit(net, mnist, PruningBenchmark.DENSE, Progress.none());
            DeepCompression.Result r = DeepCompression.builder().setSparsities(0, 0.5, 0.9, 0.95)
                    .setBits(32, 8, 6, 4, 2).optFineTune(TrainConfig.builder().optEpochs(2).optLearningRate(5e-4f)
                            .build()).optProgress(Progress.none()).build().run(net, mnist);
            out.print(r);
            Rows t = Rows.of("Pruned + quantized LeNet-300-100 / MNIST split (" + r.provenance().get("criterion")
                    + " global, fine-tuned " + r.provenance().get("fine-tune", TrainConfig.class).epochs()
                    + " epoch(s) after pruning; dense 32-bit file "
                    + r.denseBytes() + " B, accuracy " + String.format("%.4f", r.denseAccuracy()) + ")",
                    "sparsity", "bits", "file B", "x smaller", "accuracy", "change pp");
            for (DeepCompression.Point p : r.points()) {
                t.add(p.sparsity(), p.bits(), p.bytes(), String.format("%.1fx", r.denseBytes() / (double) p.bytes()),
                        p.accuracy(), String.format("%+.2f", 100 * (p.accuracy() - r.denseAccuracy())));
            }
            return t;
        }
    }
}
