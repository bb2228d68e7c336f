package org.prunekit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.train.EpochStats;
import org.prunekit.train.History;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Training speed of the {@link BenchLm} transformer, PruneKit (DJL) against the same model in the
 * PyTorch peer ({@link LlmPeer#trainSeconds}: built from the same exported initial weights, Adam,
 * the same windows and batch size, one thread each), as the {@code training} section does for
 * CNNs: {@value #RUNS} runs of {@value #EPOCHS} epochs over {@value #WINDOWS} windows each side,
 * the two sides one after the other; the first epoch of every run is a warm-up; the ratio of the
 * medians of the counted epochs against the target {@value #TARGET}.
 */
final class LmTrainingBenchmark {

    /** Training windows per epoch. */
    static final int WINDOWS = 1000;
    /** Epochs per run, the first not counted. */
    static final int EPOCHS = 3;
    /** Runs per side. */
    static final int RUNS = 2;
    /** PruneKit seconds / PyTorch seconds to reach (issue 22). */
    static final double TARGET = 1.2;

    private LmTrainingBenchmark() {}

    /**
     * @param peer the peer runner
     * @param lm the benchmark's language model (its vocabulary; a fresh net of its architecture is trained)
     * @param out progress
     * @return one row
     */
    static Rows run(Peer peer, BenchLm lm, PrintStream out) {
        CorpusSplit data = Datasets.mobyDick().optWindow(BenchLm.WINDOW).optBatchSize(32).optLimit(WINDOWS)
                .optTestLimit(32).optVocabulary(lm.corpus().vocabulary()).build();
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        String name;
        long parameters;
        try (Net init = BenchLm.transformer(lm.corpus().vocabulary().size())) {
            name = init.name();
            parameters = init.parameterCount();
            for (int r = 0; r < RUNS; r++) {
                try (Net c = init.copy()) {
                    History h = Training.fit(c, data, TrainConfig.builder().optEpochs(EPOCHS).optLearningRate(3e-3f)
                            .build(), Progress.none());
                    h.epochs().stream().skip(1).mapToDouble(EpochStats::seconds).forEach(ours::add);
                }
                double[] s = LlmPeer.trainSeconds(peer, init, data.train(), 32, 3e-3f, EPOCHS);
                for (int e = 1; e < s.length; e++) {
                    theirs.add(s[e]);
                }
                out.printf("  llm training run %d: PruneKit %s s/epoch, PyTorch %s s/epoch%n", r + 1, ours, theirs);
            }
        }
        double pk = Stats.median(ours);
        double pt = Stats.median(theirs);
        Rows t = Rows.of("Training speed of " + name + " (" + parameters + " parameters): Adam, batch 32, " + WINDOWS
                + " windows of " + BenchLm.WINDOW + " characters per epoch, one thread; median of " + RUNS + " runs x "
                + (EPOCHS - 1) + " counted epochs", "model", "PruneKit s/epoch", "PyTorch s/epoch", "ratio", "target",
                "met");
        t.add(name, pk, pt, pk / pt, TARGET, pk / pt <= TARGET ? "yes" : "no");
        return t;
    }
}
