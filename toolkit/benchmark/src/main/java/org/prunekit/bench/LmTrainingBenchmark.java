package org.prunekit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.TextSplit;
import org.prunekit.data.Tokenizer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Rows;
import org.prunekit.train.EpochStats;
import org.prunekit.train.History;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Training speed of the text models, PruneKit (DJL) against the same model in the PyTorch peer
 * ({@link LlmPeer#train}: built from the same exported initial weights, Adam at the same rate, the
 * same examples in the same shuffled order per epoch, the same batch size, one thread each), as
 * the {@code training} section does for CNNs. Three models: the {@link BenchLm} transformer
 * (Moby Dick, windows of {@value BenchLm#WINDOW} characters), the LSTM language model of the
 * catalogue ({@link Models#lstmLm}: windows of {@value #LSTM_WINDOW}; the peer runs
 * {@code torch.lstm}, the kernel of {@code nn.LSTM}) and the text classifier
 * ({@link Models#textClassifier}: SpamAssassin, words, {@value #MAIL_LENGTH} per mail).
 * {@value #RUNS} runs of {@value #EPOCHS} epochs per model and side, interleaved (run by run, model
 * by model, the two sides one after the other, which side first alternating between runs); the
 * first {@value #WARM_UP} epochs of every run are a warm-up; per model the ratio of the medians of the counted epochs
 * against the target {@value #TARGET}. Beside the wall clock, the CPU time of the training
 * thread per epoch in both libraries ({@link EpochCpuClock}, Python's {@code time.thread_time}):
 * on a machine shared with other work it says what the wall clock cannot.
 */
final class LmTrainingBenchmark {

    /** Training windows per epoch for the language models. */
    static final int WINDOWS = 1000;
    /**
     * Training mails per epoch for the classifier: all of the training split (4,693). With 2,000
     * an epoch took ~0.1 s, too short for the JIT to finish compiling in the warm-up epoch (the
     * runs' epochs went 0.12, 0.11, 0.10 s in one invocation); a limit above the split's size takes it all.
     */
    static final int MAILS = 5000;
    /** Characters per window of the LSTM language model (as tutorial 08). */
    static final int LSTM_WINDOW = 64;
    /** Words per mail (as tutorial 08). */
    static final int MAIL_LENGTH = 128;
    /** Epochs per run, the first {@value #WARM_UP} not counted. */
    static final int EPOCHS = 4;
    /** Epochs per run not counted (JIT compilation, allocator and cache warm-up on both sides). */
    static final int WARM_UP = 2;
    /** Runs per side. */
    static final int RUNS = 3;
    /** PruneKit seconds / PyTorch seconds to reach (issue 22). */
    static final double TARGET = 1.2;

    private LmTrainingBenchmark() {}

    /** One model to time: a fresh net (its initial weights are both sides'), its data and step. */
    private record Case(Net init, ExampleSplit data, String what, float rate, List<Double> ours,
            List<Double> theirs, List<Double> oursCpu, List<Double> theirsCpu) {
        Case(Net init, ExampleSplit data, String what, float rate) {
            this(init, data, what, rate, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /**
     * @param peer the peer runner
     * @param out progress
     * @return one row per model
     */
    static Rows run(Peer peer, PrintStream out) {
        CorpusSplit moby = Datasets.mobyDick().optWindow(BenchLm.WINDOW).optBatchSize(32).optLimit(WINDOWS)
                .optTestLimit(32).build();
        CorpusSplit lstmText = Datasets.mobyDick().optWindow(LSTM_WINDOW).optBatchSize(32).optLimit(WINDOWS)
                .optTestLimit(32).build();
        TextSplit mail = Datasets.spamAssassin().optTokenizer(Tokenizer.WORDS).optMaxLength(MAIL_LENGTH)
                .optMaxVocabulary(8_000).optLimit(MAILS).optTestLimit(64).optBatchSize(32).build();
        List<Case> cases = List.of(
                new Case(BenchLm.transformer(moby.vocabulary().size()), moby, WINDOWS + " windows of "
                        + BenchLm.WINDOW + " characters", 3e-3f),
                new Case(Models.lstmLm(lstmText.vocabulary().size(), LSTM_WINDOW, 1), lstmText, WINDOWS
                        + " windows of " + LSTM_WINDOW + " characters", 3e-3f),
                new Case(Models.textClassifier(mail.vocabulary().size(), MAIL_LENGTH, mail.numClasses(), 1), mail,
                        mail.train().size() + " mails of " + MAIL_LENGTH + " words, vocabulary " + mail.vocabulary().size(), 2e-3f));
        try {
            for (int r = 0; r < RUNS; r++) {
                for (Case c : cases) {
                    if (r % 2 == 0) {
                        ours(c);
                        theirs(peer, c, r);
                    } else {
                        theirs(peer, c, r);
                        ours(c);
                    }
                    out.printf("  text training run %d, %s: PruneKit %s s/epoch (CPU %s), PyTorch %s s/epoch (CPU"
                            + " %s)%n", r + 1, c.init().name(), format(c.ours()), format(c.oursCpu()),
                            format(c.theirs()), format(c.theirsCpu()));
                }
            }
        } finally {
            cases.forEach(c -> c.init().close());
        }
        Rows t = Rows.of("Training speed of the text models: Adam, batch 32, the same initial weights, examples and"
                + " order in both libraries, one thread; median of " + RUNS + " interleaved runs x " + (EPOCHS - WARM_UP)
                + " counted epochs after " + WARM_UP + " warm-up epochs", "model", "parameters", "data per epoch",
                "PruneKit s/epoch", "PyTorch s/epoch",
                "ratio", "target", "met", "PK CPU s/epoch", "PT CPU s/epoch", "CPU ratio");
        for (Case c : cases) {
            double pk = Stats.median(c.ours());
            double pt = Stats.median(c.theirs());
            double pkCpu = Stats.median(c.oursCpu());
            double ptCpu = Stats.median(c.theirsCpu());
            t.add(c.init().name(), c.init().parameterCount(), c.what(), pk, pt, pk / pt, TARGET,
                    pk / pt <= TARGET ? "met" : "NOT MET", pkCpu, ptCpu, pkCpu / ptCpu);
        }
        return t;
    }

    private static void ours(Case c) {
        int batches = (c.data().train().size() + c.data().batchSize() - 1) / c.data().batchSize();
        EpochCpuClock cpu = new EpochCpuClock(batches);
        try (Net n = c.init().copy()) {
            History h = Training.fit(n, c.data(), config(c, 42), cpu);
            h.epochs().stream().skip(WARM_UP).mapToDouble(EpochStats::seconds).forEach(c.ours()::add);
        }
        c.oursCpu().addAll(cpu.seconds().subList(WARM_UP, cpu.seconds().size()));
    }

    private static void theirs(Peer peer, Case c, int run) {
        LlmPeer.Trained t = LlmPeer.train(peer, c.init(), c.data().train(), LlmPeer.trainingOrders(
                c.data().train().size(), 42, EPOCHS), c.data().batchSize(), c.rate());
        for (int e = WARM_UP; e < t.seconds().length; e++) {
            c.theirs().add(t.seconds()[e]);
            c.theirsCpu().add(t.cpuSeconds()[e]);
        }
    }

    private static TrainConfig config(Case c, long seed) {
        return TrainConfig.builder().optEpochs(EPOCHS).optLearningRate(c.rate()).optSeed(seed).build();
    }

    private static String format(List<Double> seconds) {
        return seconds.stream().map(s -> String.format("%.2f", s)).toList().toString();
    }
}
