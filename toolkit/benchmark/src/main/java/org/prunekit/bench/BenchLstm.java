package org.prunekit.bench;

import java.io.PrintStream;
import java.util.List;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Evaluation;
import org.prunekit.train.LearningRateSchedule;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * The language model of the {@code lstm} section: the catalogue's LSTM language model
 * ({@link Models#lstmLm}: token embedding of 64, one LSTM layer of 256 units, a dense head over
 * the vocabulary; 358 K parameters for Moby Dick's 89 characters) on windows of {@value #WINDOW}
 * characters, as in tutorial 08. Trained once per run, {@value #EPOCHS} epochs over
 * {@value #TRAIN_WINDOWS} training windows (Adam 5e-3, cosine, batch 32, seed 42), nothing
 * cached; then pruned one-shot by {@link LlmBenchmark} on the LSTM's input and recurrent weights
 * beside the PyTorch peer.
 *
 * @param corpus the data (every test window of the 13 held-out chapters)
 * @param net the trained net
 * @param dense the trained net's test evaluation
 */
record BenchLstm(CorpusSplit corpus, Net net, Evaluation dense) implements AutoCloseable {

    /** Characters per window. */
    static final int WINDOW = 64;
    /** Training windows drawn (seed 42) from the 17,507 of the training text. */
    static final int TRAIN_WINDOWS = 8000;
    /** Training epochs. */
    static final int EPOCHS = 2;

    /**
     * @param out progress
     * @return the model, trained
     */
    static BenchLstm trained(PrintStream out) {
        CorpusSplit corpus = Datasets.mobyDick().optWindow(WINDOW).optBatchSize(32).optLimit(TRAIN_WINDOWS).build();
        Net net = Models.lstmLm(corpus.vocabulary().size(), WINDOW, 1);
        long start = System.nanoTime();
        Training.fit(net, corpus, TrainConfig.builder().optEpochs(EPOCHS).optLearningRate(5e-3f)
                .optSchedule(LearningRateSchedule.COSINE).build(), Progress.none());
        double secs = (System.nanoTime() - start) / 1e9;
        Evaluation dense = Evaluation.of(net, corpus.test());
        out.printf("  lstm %s: %,d parameters, trained in %.0f s, test perplexity %.4f%n", net.name(),
                net.parameterCount(), secs, dense.perplexity());
        return new BenchLstm(corpus, net, dense);
    }

    /**
     * @param net a net
     * @return the prunable weights of its LSTM layers: each one's input and recurrent weights
     */
    static List<String> recurrentWeights(Net net) {
        return net.prunableLayers().stream().map(Layer::name).filter(n -> n.startsWith("lstm")).toList();
    }

    /**
     * The {@code lstm} section: the model trained, then pruned one-shot beside the peer.
     *
     * @param peer the peer runner
     * @param out progress
     * @return the perplexity table and its verdict
     */
    static LlmBenchmark.Result run(Peer peer, PrintStream out) {
        try (BenchLstm lm = trained(out)) {
            return LlmBenchmark.run(peer, lm.net(), lm.corpus(), lm.dense(), recurrentWeights(lm.net()),
                    "the LSTM's input and recurrent weights", out);
        }
    }

    /** Closes the net. */
    @Override
    public void close() {
        net.close();
    }
}
