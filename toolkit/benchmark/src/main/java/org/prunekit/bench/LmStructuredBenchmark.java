package org.prunekit.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.SparsityReport;
import org.prunekit.train.Evaluation;
import org.prunekit.train.SpeedUp;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Structured pruning of the {@link BenchLm} transformer: 50 % of the attention heads of every
 * block, 50 % of the MLP units of every block, and both, each ranked by Taylor importance per
 * channel group (|gradient x weight| over 256 training windows, a group's score the mean of its
 * members'), physically removed. Test perplexity right after removal and after a short fine-tune
 * (one epoch over {@value #FINE_TUNE_WINDOWS} other training windows, Adam 1e-3; the dense net gets
 * the same epoch as a control), parameters, multiply-accumulates of the linear layers per window,
 * and the measured speed-up of the shrunk nets over the dense one ({@link SpeedUp}: the nets in
 * turns, 5 rounds; one window and 64 windows per pass).
 */
final class LmStructuredBenchmark {

    /** Windows of the fine-tuning epoch. */
    static final int FINE_TUNE_WINDOWS = 1500;

    private LmStructuredBenchmark() {}

    /**
     * @param lm the trained language model (left unchanged)
     * @param out progress
     * @return one row for the dense net and one per structured variant
     */
    static Rows run(BenchLm lm, PrintStream out) {
        CorpusSplit data = lm.corpus();
        Net dense = lm.net();
        CorpusSplit tune = Datasets.mobyDick().optWindow(BenchLm.WINDOW).optBatchSize(32).optLimit(FINE_TUNE_WINDOWS)
                .optSeed(7).optVocabulary(data.vocabulary()).build();
        TrainConfig fineTune = TrainConfig.builder().optEpochs(1).optLearningRate(1e-3f).build();
        Map<String, String[]> variants = new LinkedHashMap<>();
        variants.put("50 % of heads", groups(dense, "_attn.sa.q"));
        variants.put("50 % of MLP units", groups(dense, "_mlp.fc1"));
        variants.put("50 % of heads and MLP units", concat(groups(dense, "_attn.sa.q"), groups(dense, "_mlp.fc1")));
        Rows t = Rows.of("Structured pruning of " + dense.name() + " (Taylor per group, removed), perplexity on "
                + data.test().size() * data.test().window() + " held-out characters without and with one"
                + " fine-tuning epoch of " + FINE_TUNE_WINDOWS + " windows; speed-up over dense measured in turns"
                + " (median of 5 rounds, range)",
                "model", "removed", "parameters", "linear MACs/window", "MACs saved", "perplexity", "after fine-tune",
                "speed-up b1", "b1 range", "speed-up b64", "b64 range");
        long denseMacs = SparsityReport.of(dense).macs();
        Map<String, Net> nets = new LinkedHashMap<>();
        Map<String, double[]> ppl = new LinkedHashMap<>();
        try {
            nets.put("dense", dense.copy());
            ppl.put("dense", new double[] {lm.dense().perplexity(), tuned(dense, tune, fineTune, data)});
            for (Map.Entry<String, String[]> v : variants.entrySet()) {
                Net c = dense.copy();
                nets.put(v.getKey(), c);
                Pruner.builder().setImportance(Importance.taylor()).setSparsity(0.5).optLayers(v.getValue())
                        .optGranularity(Granularity.STRUCTURED).optSamples(256).build().plan(c, data).apply();
                c.removePrunedUnits();
                ppl.put(v.getKey(), new double[] {Evaluation.of(c, data.test()).perplexity(),
                        tuned(c, tune, fineTune, data)});
                out.printf("  llm structured %s: perplexity %.4f, after fine-tune %.4f, %,d parameters%n", v.getKey(),
                        ppl.get(v.getKey())[0], ppl.get(v.getKey())[1], c.parameterCount());
            }
            SpeedUp one = SpeedUp.measure(nets, data.test(), 1, 5, 20);
            SpeedUp many = SpeedUp.measure(nets, data.test(), 64, 5, 3);
            for (Map.Entry<String, Net> e : nets.entrySet()) {
                String name = e.getKey();
                long macs = SparsityReport.of(e.getValue()).macs();
                boolean base = name.equals("dense");
                t.add(dense.name(), name, e.getValue().parameterCount(), macs, base ? "" : String.format("%.1f%%",
                        100.0 * (denseMacs - macs) / denseMacs), ppl.get(name)[0], ppl.get(name)[1],
                        base ? null : one.speedUp(name), base ? "" : range(one, name), base ? null : many.speedUp(name),
                        base ? "" : range(many, name));
            }
        } finally {
            nets.values().forEach(Net::close);
        }
        return t;
    }

    /** @return the test perplexity of a copy of the net after the fine-tuning epoch */
    private static double tuned(Net net, CorpusSplit tune, TrainConfig config, CorpusSplit data) {
        try (Net c = net.copy()) {
            Training.fit(c, tune, config, org.prunekit.train.Progress.none());
            return Evaluation.of(c, data.test()).perplexity();
        }
    }

    /** @return the first layer of each block's channel group, e.g. {@code t1_attn.sa.q} for its heads */
    private static String[] groups(Net net, String suffix) {
        return net.prunableLayers().stream().map(l -> l.name()).filter(n -> n.endsWith(suffix)).toArray(String[]::new);
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(List.of(a).stream(), List.of(b).stream()).toArray(String[]::new);
    }

    private static String range(SpeedUp s, String name) {
        SpeedUp.Row r = s.row(name);
        return String.format("%.2f-%.2f", r.minRatio(), r.maxRatio());
    }
}
