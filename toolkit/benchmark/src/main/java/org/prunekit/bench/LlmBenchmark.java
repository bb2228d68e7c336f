package org.prunekit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.prune.Calibration;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.SparseGpt;
import org.prunekit.train.LearningRateSchedule;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * The one-shot pruning methods of LLM pruning (issue 22): dense, magnitude, Wanda and SparseGPT
 * at 50 % unstructured and 2:4, without fine-tuning, on trained nets; PruneKit beside the PyTorch
 * peer ({@link LlmPeer}) on the same exported weights, calibration draws (128 examples, several
 * seeds) and test set. What a subject is evaluated by is its {@link Subject#metric()}: test loss
 * and accuracy for the image classifiers here; a language model will plug in with perplexity.
 */
final class LlmBenchmark {

    /** Calibration draws per method and pattern. */
    static final long[] SEEDS = {1, 2, 3};

    private LlmBenchmark() {}

    /**
     * A net to prune and how it is judged.
     *
     * @param name the name in the table
     * @param net a fresh net
     * @param train how it is trained first
     * @param data its data (train: calibration draws; test: the metric)
     * @param metric the metric's names, e.g. {@code loss, acc}: PruneKit computes them by
     *     {@link #evaluate}, the peer by its own evaluation of the same test set
     */
    record Subject(String name, Supplier<Net> net, TrainConfig train, DataSplit data, List<String> metric) {

        /** @return the metric of a net on the test set: mean cross-entropy and accuracy */
        double[] evaluate(Net n) {
            return new double[] {n.loss(data.test()), n.accuracy(data.test())};
        }
    }

    /** One pruning setting: a method at a pattern (n = 0: 50 % unstructured), with a calibration seed or none. */
    private record Setting(String method, int n, int m, long seed) {
        String name() {
            return method + "-" + (n == 0 ? "50" : n + "-" + m) + (seed == 0 ? "" : "-s" + seed);
        }

        String pattern() {
            return n == 0 ? "50 % unstr." : n + ":" + m;
        }
    }

    /**
     * @param peer the peer runner
     * @param mnist the MNIST split
     * @param out progress
     * @return the table
     */
    static Rows run(Peer peer, DataSplit mnist, PrintStream out) {
        TrainConfig mlp = TrainConfig.builder().optEpochs(8).optLearningRate(2e-3f)
                .optSchedule(LearningRateSchedule.COSINE).build();
        TrainConfig cnn = TrainConfig.builder().optEpochs(4).optLearningRate(2e-3f)
                .optSchedule(LearningRateSchedule.COSINE).build();
        List<Subject> subjects = List.of(
                new Subject("LeNet-300-100", Models::lenet300100, mlp, mnist, List.of("loss", "acc")),
                new Subject("CNN 8-16-64", () -> Models.sequential("CNN-8-16-64", 1, 28, 28).conv(8, 3, 1, 1).relu()
                        .maxPool(2).conv(16, 3, 1, 1).relu().maxPool(2).flatten().dense(64).relu().dense(10).build(42),
                        cnn, mnist, List.of("loss", "acc")));
        Rows t = Rows.of("One-shot pruning without fine-tuning (" + mnist.train().size() + " train / "
                + mnist.test().size() + " test MNIST images): mean over " + SEEDS.length + " calibration draws of 128"
                + " examples; PruneKit beside the PyTorch peer on the same weights and draws",
                "model", "sparsity", "method", "PK loss", "PK acc", "PK acc sd", "PT loss", "PT acc", "PT acc sd",
                "masks equal", "PK s", "PT s");
        for (Subject s : subjects) {
            try (Net net = s.net().get()) {
                Training.fit(net, s.data(), s.train(), Progress.none());
                List<Setting> settings = settings();
                Map<String, Calibration> cals = new LinkedHashMap<>();
                for (long seed : SEEDS) {
                    cals.put("s" + seed, Calibration.builder().setData(s.data()).optExamples(128).optSeed(seed).build());
                }
                List<LlmPeer.Run> runs = new ArrayList<>();
                for (Setting st : settings) {
                    runs.add(new LlmPeer.Run(st.name(), st.method(), 0.5, st.n(), st.m(), st.seed() == 0 ? null
                            : "s" + st.seed(), 128, st.method().equals("sparsegpt")));
                }
                LlmPeer theirs = LlmPeer.run(peer, net, cals, s.data().test(), runs);
                try {
                    Map<String, double[]> ours = new LinkedHashMap<>();
                    for (Setting st : settings) {
                        try (Net c = net.copy()) {
                            long start = System.nanoTime();
                            prune(c, st, st.seed() == 0 ? null : cals.get("s" + st.seed()));
                            double secs = (System.nanoTime() - start) / 1e9;
                            double[] metric = s.evaluate(c);
                            ours.put(st.name(), new double[] {metric[0], metric[1], secs, agreement(c, theirs,
                                    st.name())});
                        }
                    }
                    addRows(t, s, settings, ours, theirs, out);
                } finally {
                    theirs.delete();
                }
            }
        }
        return t;
    }

    private static List<Setting> settings() {
        List<Setting> out = new ArrayList<>();
        out.add(new Setting("dense", 0, 0, 0));
        for (int[] nm : new int[][] {{0, 0}, {2, 4}}) {
            out.add(new Setting("magnitude", nm[0], nm[1], 0));
            for (String method : List.of("wanda", "sparsegpt")) {
                for (long seed : SEEDS) {
                    out.add(new Setting(method, nm[0], nm[1], seed));
                }
            }
        }
        return out;
    }

    private static void prune(Net net, Setting st, Calibration cal) {
        Granularity g = st.n() == 0 ? Granularity.UNSTRUCTURED : Granularity.nm(st.n(), st.m());
        switch (st.method()) {
            case "dense" -> { }
            case "magnitude" -> {
                Pruner.Builder b = Pruner.builder().setImportance(Importance.magnitudeL1()).optGranularity(g);
                (st.n() == 0 ? b.setSparsity(0.5) : b).build().plan(net).apply();
            }
            case "wanda" -> {
                Pruner.Builder b = Pruner.builder().setImportance(Importance.wanda()).optGranularity(g);
                (st.n() == 0 ? b.setSparsity(0.5) : b).build().plan(net, cal).apply();
            }
            case "sparsegpt" -> {
                SparseGpt.Builder b = SparseGpt.builder();
                (st.n() == 0 ? b.setSparsity(0.5) : b.optPattern(st.n(), st.m())).build().prune(net, cal);
            }
            default -> throw new IllegalStateException(st.method());
        }
    }

    /** The share of mask entries (over every prunable layer) equal in PruneKit and the peer. */
    private static double agreement(Net net, LlmPeer peer, String run) {
        long same = 0;
        long total = 0;
        for (Layer l : net.prunableLayers()) {
            float[] theirs = peer.mask(run, l.name());
            float[] ours = net.masks().containsKey(l.weight()) ? net.masks().get(l.weight()).toFloatArray() : null;
            for (int i = 0; i < theirs.length; i++) {
                same += (ours == null ? 1f : ours[i]) == theirs[i] ? 1 : 0;
                total++;
            }
        }
        return same / (double) total;
    }

    /** One row per method and pattern: means over the seeds (one run for dense and magnitude). */
    private static void addRows(Rows t, Subject s, List<Setting> settings, Map<String, double[]> ours, LlmPeer theirs,
            PrintStream out) {
        Map<String, List<Setting>> byRow = new LinkedHashMap<>();
        for (Setting st : settings) {
            byRow.computeIfAbsent(st.method() + "|" + (st.method().equals("dense") ? "" : st.pattern()),
                    k -> new ArrayList<>()).add(st);
        }
        for (List<Setting> group : byRow.values()) {
            Setting first = group.get(0);
            double[] pkLoss = new double[group.size()];
            double[] pkAcc = new double[group.size()];
            double[] ptLoss = new double[group.size()];
            double[] ptAcc = new double[group.size()];
            double[] agree = new double[group.size()];
            double[] pkS = new double[group.size()];
            double[] ptS = new double[group.size()];
            for (int i = 0; i < group.size(); i++) {
                double[] o = ours.get(group.get(i).name());
                LlmPeer.Outcome p = theirs.outcomes().get(group.get(i).name());
                pkLoss[i] = o[0];
                pkAcc[i] = o[1];
                pkS[i] = o[2];
                agree[i] = o[3];
                ptLoss[i] = p.loss();
                ptAcc[i] = p.accuracy();
                ptS[i] = p.seconds();
            }
            String sparsity = first.method().equals("dense") ? "0" : first.pattern();
            t.add(s.name(), sparsity, first.method(), mean(pkLoss), mean(pkAcc), sd(pkAcc), mean(ptLoss), mean(ptAcc),
                    sd(ptAcc), String.format("%.4f%%", 100 * mean(agree)), mean(pkS), mean(ptS));
            out.printf("  llm %s %s %s: loss %.4f / peer %.4f, acc %.4f / peer %.4f%n", s.name(), sparsity,
                    first.method(), mean(pkLoss), mean(ptLoss), mean(pkAcc), mean(ptAcc));
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
