package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;

/**
 * The catalogue's language models learn Moby Dick's characters with the normal calls: a short
 * training lowers the test perplexity well below the unigram baseline (the training tokens'
 * frequencies, computed here), and far below the vocabulary size (a uniform guess).
 */
class LanguageModelsTest {

    private static final CorpusSplit TEXT = Datasets.mobyDick().optWindow(32).optLimit(800).optTestLimit(100)
            .optBatchSize(32).build();

    private static void learns(BiFunction<Integer, Integer, Net> model, double belowUnigram) throws IOException {
        double unigram = TextTasksTest.unigramPerplexity(TEXT);
        int v = TEXT.vocabulary().size();
        try (Net net = model.apply(v, 32)) {
            double before = net.perplexity(TEXT.test());
            History h = Training.fit(net, TEXT, TrainConfig.builder().optEpochs(2).optLearningRate(3e-3f).build(),
                    Progress.none());
            double after = h.finalTestPerplexity();
            System.out.printf("%s (%,d parameters): test perplexity %.2f before, %.2f after 2 epochs of %d windows"
                    + " (%.1f s); unigram %.2f, vocabulary %d%n", net.name(), net.parameterCount(), before, after,
                    TEXT.train().size(), h.epochs().stream().mapToDouble(EpochStats::seconds).sum(), unigram, v);
            assertEquals(after, net.perplexity(TEXT.test()), 1e-3 * after);
            assertTrue(before > 0.5 * v, "an untrained model is about as good as a uniform guess: " + before);
            assertTrue(after < belowUnigram * unigram, net.name() + ": " + after + " vs unigram " + unigram);
            // saved and loaded with its vocabulary, it predicts the same
            Path file = Files.createTempFile("prunekit-lm", ".pk");
            try {
                NetIO.save(net, file, NetIO.Format.SPARSE);
                try (Net back = NetIO.load(file)) {
                    assertEquals(TEXT.vocabulary(), back.vocabulary());
                    assertEquals(after, back.perplexity(TEXT.test()), 1e-6 * after);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void aTinyTransformerLearnsWellBelowTheUnigramBaseline() throws IOException {
        learns(Models::tinyTransformerLm, 0.7);
    }

    @Test
    void anLstmLearnsWellBelowTheUnigramBaseline() throws IOException {
        learns(Models::lstmLm, 0.7);
    }
}
