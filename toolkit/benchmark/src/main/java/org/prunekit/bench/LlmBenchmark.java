package org.prunekit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.data.CorpusSplit;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.prune.Calibration;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.SparseGpt;
import org.prunekit.train.Evaluation;

/**
 * The one-shot pruning methods of LLM pruning (issue 22) on a language model: dense, magnitude,
 * Wanda and SparseGPT at 50 % unstructured and 2:4, without fine-tuning, on the small causal
 * transformer of {@link BenchLm} (section {@code llm}) and on the LSTM language model of
 * {@link BenchLstm} (section {@code lstm}); test perplexity in PruneKit beside the PyTorch peer
 * ({@link LlmPeer}, the same transformer forward in torch) on the same exported weights,
 * calibration draws (128 training windows, several seeds) and test windows. The methods prune, layer
 * by layer, the transformer's block linear layers (attention's q, k, v, out; the MLP's fc1, fc2)
 * or the LSTM's input and recurrent weights (the peer calibrates the recurrent weight on the
 * hidden states {@code h_(t-1)} of its step-by-step LSTM); embedding, position table and head
 * stay dense. The peer checks first that its dense perplexity
 * equals PruneKit's within 1e-3 relative.
 */
final class LlmBenchmark {

    /** Calibration draws per method and pattern. */
    static final long[] SEEDS = {1, 2, 3};

    private LlmBenchmark() {}

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
     * The perplexity table and its verdict.
     *
     * @param table one row per method and pattern
     * @param verdict whether the published ordering holds, in words
     */
    record Result(Rows table, String verdict) {}

    /**
     * @param peer the peer runner
     * @param lm the trained transformer language model (left unchanged)
     * @param out progress
     * @return the table and the verdict
     */
    static Result run(Peer peer, BenchLm lm, PrintStream out) {
        return run(peer, lm.net(), lm.corpus(), lm.dense(), BenchLm.blockLinears(lm.net()),
                "the blocks' linear layers", out);
    }

    /**
     * @param peer the peer runner
     * @param net a trained language model the peer builds (left unchanged)
     * @param data its data (calibration draws from the training windows, perplexity on the test windows)
     * @param dense the net's test evaluation
     * @param layers the weights to prune
     * @param what what they are, in words (for the table's title)
     * @param out progress
     * @return the table and the verdict
     */
    static Result run(Peer peer, Net net, CorpusSplit data, Evaluation dense, List<String> layers, String what,
            PrintStream out) {
        Rows t = Rows.of("One-shot pruning of " + net.name() + " (" + net.parameterCount() + " parameters) without"
                + " fine-tuning, " + data.test().size() * data.test().window() + " held-out Moby Dick characters;"
                + " " + what + " pruned; mean (sd) over " + SEEDS.length + " calibration draws of 128"
                + " training windows;"
                + " PruneKit beside the PyTorch peer on the same weights and draws",
                "model", "sparsity", "method", "PK perplexity", "PK sd", "PT perplexity", "PT sd", "masks equal",
                "PK s", "PT s");
        List<Setting> settings = settings();
        Map<String, Calibration> cals = new LinkedHashMap<>();
        for (long seed : SEEDS) {
            cals.put("s" + seed, Calibration.builder().setData(data.train()).optExamples(128).optSeed(seed).build());
        }
        List<LlmPeer.Run> runs = new ArrayList<>();
        for (Setting st : settings) {
            runs.add(new LlmPeer.Run(st.name(), st.method(), 0.5, st.n(), st.m(), st.seed() == 0 ? null
                    : "s" + st.seed(), 128, st.method().equals("sparsegpt")));
        }
        LlmPeer theirs = LlmPeer.run(peer, net, cals, data.test(), runs, layers, dense.loss(), false);
        Map<String, double[]> ours = new LinkedHashMap<>();
        try {
            for (Setting st : settings) {
                try (Net c = net.copy()) {
                    long start = System.nanoTime();
                    prune(c, st, st.seed() == 0 ? null : cals.get("s" + st.seed()), layers);
                    double secs = (System.nanoTime() - start) / 1e9;
                    ours.put(st.name(), new double[] {Evaluation.of(c, data.test()).perplexity(), secs,
                            agreement(c, theirs, st.name())});
                }
            }
        } finally {
            theirs.delete();
        }
        Map<String, double[]> means = addRows(t, net.name(), settings, ours, theirs, out);
        String verdict = verdict(means);
        out.println("  llm verdict: " + verdict);
        return new Result(t, verdict);
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

    private static void prune(Net net, Setting st, Calibration cal, List<String> layers) {
        Granularity g = st.n() == 0 ? Granularity.UNSTRUCTURED : Granularity.nm(st.n(), st.m());
        String[] names = layers.toArray(String[]::new);
        switch (st.method()) {
            case "dense" -> { }
            case "magnitude" -> {
                Pruner.Builder b = Pruner.builder().setImportance(Importance.magnitudeL1()).optGranularity(g)
                        .optLayers(names);
                (st.n() == 0 ? b.setSparsity(0.5) : b).build().plan(net).apply();
            }
            case "wanda" -> {
                Pruner.Builder b = Pruner.builder().setImportance(Importance.wanda()).optGranularity(g)
                        .optLayers(names);
                (st.n() == 0 ? b.setSparsity(0.5) : b).build().plan(net, cal).apply();
            }
            case "sparsegpt" -> {
                SparseGpt.Builder b = SparseGpt.builder().optLayers(names);
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

    /**
     * One row per method and pattern: means over the seeds (one run for dense and magnitude).
     *
     * @return the mean perplexities {PruneKit, PyTorch} by row key {@code method|pattern}
     */
    private static Map<String, double[]> addRows(Rows t, String model, List<Setting> settings,
            Map<String, double[]> ours, LlmPeer theirs, PrintStream out) {
        Map<String, List<Setting>> byRow = new LinkedHashMap<>();
        for (Setting st : settings) {
            byRow.computeIfAbsent(st.method() + "|" + (st.method().equals("dense") ? "" : st.pattern()),
                    k -> new ArrayList<>()).add(st);
        }
        Map<String, double[]> means = new LinkedHashMap<>();
        for (Map.Entry<String, List<Setting>> row : byRow.entrySet()) {
            List<Setting> group = row.getValue();
            Setting first = group.get(0);
            int k = group.size();
            double[] pk = new double[k];
            double[] pt = new double[k];
            double[] agree = new double[k];
            double[] pkS = new double[k];
            double[] ptS = new double[k];
            for (int i = 0; i < k; i++) {
                double[] o = ours.get(group.get(i).name());
                LlmPeer.Outcome p = theirs.outcomes().get(group.get(i).name());
                pk[i] = o[0];
                pkS[i] = o[1];
                agree[i] = o[2];
                pt[i] = Math.exp(p.loss());
                ptS[i] = p.seconds();
            }
            String sparsity = first.method().equals("dense") ? "0" : first.pattern();
            boolean dense = first.method().equals("dense");
            t.add(model, sparsity, first.method(), Stats.mean(pk), k > 1 ? Stats.sd(pk) : null, Stats.mean(pt),
                    k > 1 ? Stats.sd(pt) : null, dense ? "" : String.format("%.4f%%", 100 * Stats.mean(agree)),
                    dense ? null : Stats.mean(pkS), dense ? null : Stats.mean(ptS));
            means.put(row.getKey(), new double[] {Stats.mean(pk), Stats.mean(pt)});
            out.printf("  llm %s %s %s: perplexity %.4f / peer %.4f%n", model, sparsity, first.method(),
                    Stats.mean(pk), Stats.mean(pt));
        }
        return means;
    }

    /**
     * "Far closer to dense": at each pattern, in each library, a method's perplexity increase over
     * dense is at most half of magnitude's. Said for Wanda and SparseGPT apart.
     */
    private static String verdict(Map<String, double[]> means) {
        double[] dense = means.get("dense|");
        StringBuilder sb = new StringBuilder();
        Map<String, Boolean> holds = new LinkedHashMap<>(Map.of("wanda", true, "sparsegpt", true));
        for (String pattern : List.of("50 % unstr.", "2:4")) {
            double[] mag = means.get("magnitude|" + pattern);
            double[] wanda = means.get("wanda|" + pattern);
            double[] gpt = means.get("sparsegpt|" + pattern);
            for (int lib = 0; lib < 2; lib++) {
                double m = mag[lib] - dense[lib];
                holds.merge("wanda", wanda[lib] - dense[lib] <= m / 2, Boolean::logicalAnd);
                holds.merge("sparsegpt", gpt[lib] - dense[lib] <= m / 2, Boolean::logicalAnd);
            }
            sb.append(String.format("%s: perplexity above dense %+.3f magnitude, %+.3f Wanda, %+.3f SparseGPT"
                    + " (PyTorch %+.3f, %+.3f, %+.3f); ", pattern, mag[0] - dense[0], wanda[0] - dense[0],
                    gpt[0] - dense[0], mag[1] - dense[1], wanda[1] - dense[1], gpt[1] - dense[1]));
        }
        return sb + "far closer to dense than magnitude (at most half its increase, both patterns, both"
                + " libraries): SparseGPT " + (holds.get("sparsegpt") ? "yes" : "NO") + ", Wanda "
                + (holds.get("wanda") ? "yes" : "NO") + (holds.get("wanda") && holds.get("sparsegpt")
                        ? ": the published ordering holds." : ": the published ordering holds only in part.");
    }
}
