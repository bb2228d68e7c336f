package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.Examples;
import org.prunekit.data.TextSplit;
import org.prunekit.data.TokenWindows;
import org.prunekit.data.Tokenizer;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;

/**
 * Token tasks through the normal training and evaluation calls: a text classifier on
 * SpamAssassin and a character language model on Moby Dick, with the loss checked against exact
 * values and a plain-Java cross-entropy.
 */
class TextTasksTest {

    private static final CorpusSplit MOBY = Datasets.mobyDick().optWindow(64).optLimit(400).optTestLimit(100)
            .optBatchSize(32).build();

    /** Zeroes the output layer, so every logit is 0: the loss is ln(classes) whatever the input. */
    private static void zeroOutput(Net net) {
        Layer out = net.prunableLayers().get(net.prunableLayers().size() - 1);
        out.weight().getArray().muli(0);
        out.bias().getArray().muli(0);
    }

    @Test
    void aLanguageModelWithZeroOutputHasLossLnVAndPerplexityV() {
        int v = MOBY.vocabulary().size();
        try (Net net = Models.bigramLm(v, 64)) {
            assertEquals(v, net.numClasses(), "a language model has one output per token");
            zeroOutput(net);
            assertEquals(Math.log(v), net.loss(MOBY.test()), 1e-6);
            assertEquals(v, net.perplexity(MOBY.test()), 1e-3);
            Evaluation e = net.evaluate(MOBY.test());
            assertEquals(Math.log(v), e.loss(), 1e-5);
            assertEquals(Metric.PERPLEXITY, e.metric());
            assertTrue(e.toString().contains("perplexity " + org.prunekit.notebook.TableFormat.number(e.perplexity())),
                    e.toString());
            assertThrows(IllegalStateException.class, () -> e.f1(0), "no per-class table for next tokens");
            assertEquals(MOBY.test().size() * 64, e.size(), "every position is a target");
            // training with a learning rate of 1e-20 changes (almost) nothing: every batch's loss is ln V
            History h = Training.fit(net, MOBY, TrainConfig.builder().optEpochs(1).optLearningRate(1e-20f).build(),
                    Progress.none());
            assertEquals(Math.log(v), h.epochs().get(0).trainLoss(), 1e-5);
            assertEquals(v, h.finalTestPerplexity(), 1e-2);
            assertEquals(Metric.PERPLEXITY, h.metric());
            assertEquals(java.util.List.of("epoch", "loss", "train acc", "next-token acc", "test perplexity", "seconds"),
                    h.toTable().columnNames());
        }
        TextSplit mail = Datasets.spamAssassin().optLimit(200).optTestLimit(100).optMaxLength(64).build();
        try (Net net = Models.textClassifier(mail.vocabulary().size(), 64, 2); NDManager m = net.manager()
                .newSubManager()) {
            // a net that reads more tokens than the texts hold gets them padded with <pad> (id 0)
            NDArray x = mail.test().batch(m, new int[] {0, 1}, 0, 2, new ai.djl.ndarray.types.Shape(96)).get(0);
            float[] ids = x.toFloatArray();
            for (int i = 0; i < 2; i++) {
                int[] seq = mail.test().sequence(i);
                for (int t = 0; t < 96; t++) {
                    assertEquals(t < 64 ? seq[t] : 0, ids[i * 96 + t], 0f);
                }
            }
            zeroOutput(net);
            assertEquals(Math.log(2), net.loss(mail.test()), 1e-6);
            assertEquals(Math.log(2), net.evaluate(mail.test()).loss(), 1e-6);
        }
    }

    @Test
    void theTokenLossIsThePlainJavaCrossEntropyOverTheFlattenedLogits() {
        TokenWindows test = MOBY.test().limit(20, 3);
        int v = MOBY.vocabulary().size();
        try (Net net = Models.bigramLm(v, 64, 5); NDManager m = net.manager().newSubManager()) {
            Training.fit(net, MOBY, TrainConfig.epochs(1), Progress.none());
            int[] order = Examples.inOrder(test.size());
            NDList batch = test.batch(m, order, 0, test.size(), net.inputShape());
            NDArray logits = net.forward(batch.get(0), false);
            assertArrayEquals(new long[] {test.size(), 64, v}, logits.getShape().getShape());
            float[] z = logits.toFloatArray();
            double sum = 0;
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                int[] next = test.targets(i);
                for (int t = 0; t < 64; t++) {
                    int row = (i * 64 + t) * v;
                    double max = Double.NEGATIVE_INFINITY;
                    int arg = 0;
                    for (int k = 0; k < v; k++) {
                        if (z[row + k] > max) {
                            max = z[row + k];
                            arg = k;
                        }
                    }
                    double norm = 0;
                    for (int k = 0; k < v; k++) {
                        norm += Math.exp(z[row + k] - max);
                    }
                    sum += Math.log(norm) + max - z[row + next[t]];
                    correct += arg == next[t] ? 1 : 0;
                }
            }
            double expected = sum / (test.size() * 64);
            assertEquals(expected, net.loss(test), 1e-6);
            assertEquals(expected, Training.crossEntropy(logits, batch.get(1)).getFloat(), 1e-5);
            Evaluation e = net.evaluate(test);
            assertEquals(expected, e.loss(), 1e-5);
            assertEquals(Math.exp(expected), e.perplexity(), 1e-4 * Math.exp(expected));
            assertEquals(correct / (double) (test.size() * 64), e.accuracy(), 1e-12);
        }
    }

    /** The unigram perplexity: exp of the cross-entropy of the test tokens under the training frequencies. */
    static double unigramPerplexity(CorpusSplit data) {
        int v = data.vocabulary().size();
        double[] counts = new double[v];
        int[] train = data.train().targets();
        for (int t : train) {
            counts[t]++;
        }
        double sum = 0;
        int[] test = data.test().targets();
        for (int t : test) {
            sum -= Math.log((counts[t] + 1) / (train.length + v)); // add-one, so no test token has probability 0
        }
        return Math.exp(sum / test.length);
    }

    @Test
    void aCharacterLanguageModelTrainsWithTheNormalCallsAndBeatsTheUnigramBaseline() {
        CorpusSplit data = Datasets.mobyDick().optWindow(64).optLimit(1500).optTestLimit(150).optBatchSize(32).build();
        double unigram = unigramPerplexity(data);
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        try (Net net = Models.bigramLm(data.vocabulary().size(), 64)) {
            double before = net.perplexity(data.test());
            History h = Training.fit(net, data, TrainConfig.epochs(3),
                    Progress.console(new PrintStream(lines, true, StandardCharsets.UTF_8)));
            double after = h.finalTestPerplexity();
            System.out.printf("bigram LM on %s: perplexity %.2f before, %.2f after 3 epochs (%.1f s); unigram %.2f,"
                    + " vocabulary %d%n", data.dataName(), before, after, h.epochs().stream()
                    .mapToDouble(EpochStats::seconds).sum(), unigram, data.vocabulary().size());
            assertEquals(after, net.perplexity(data.test()), 1e-3 * after);
            assertTrue(after < 0.75 * unigram, after + " vs unigram " + unigram);
            assertTrue(lines.toString(StandardCharsets.UTF_8).contains("test perplexity"), lines.toString());
            assertEquals(data.vocabulary(), net.vocabulary(), "the net remembers the vocabulary it was trained on");
        }
    }

    @Test
    void aTextClassifierOnSpamAssassinBeatsTheMajorityBaseline() {
        TextSplit mail = Datasets.spamAssassin().optTokenizer(Tokenizer.WORDS).optMaxLength(128).optLimit(2500)
                .optTestLimit(800).build();
        double majority = java.util.Arrays.stream(mail.test().classCounts()).max().getAsInt()
                / (double) mail.test().size();
        try (Net net = Models.textClassifier(mail.vocabulary().size(), 128, mail.numClasses())) {
            History h = Training.fit(net, mail, TrainConfig.epochs(4), Progress.none());
            Evaluation e = net.evaluate(mail.test());
            System.out.printf("text classifier on %s: accuracy %.4f, macro F1 %.4f, spam F1 %.4f (majority %.4f),"
                    + " %d parameters, %.1f s%n", mail.dataName(), e.accuracy(), e.macroF1(), e.f1(1), majority,
                    net.parameterCount(), h.epochs().stream().mapToDouble(EpochStats::seconds).sum());
            assertEquals(Metric.ACCURACY, h.metric());
            assertTrue(majority > 0.6 && majority < 0.8, "ham is about 70 %: " + majority);
            assertTrue(e.accuracy() > majority + 0.15, e.toString());
            assertTrue(e.f1(1) > 0.75 && e.macroF1() > 0.8, e.toString());
        }
    }

    @Test
    void dataTheNetCannotReadAreClearErrors() {
        TextSplit mail = Datasets.spamAssassin().optLimit(100).optTestLimit(50).optMaxLength(64).build();
        int v = mail.vocabulary().size();
        try (Net shortNet = Models.textClassifier(v, 32, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Training.fit(shortNet, mail, TrainConfig.epochs(1), Progress.none()));
            assertTrue(e.getMessage().contains("sequences of 64 tokens but the net reads 32"), e.getMessage());
        }
        try (Net small = Models.textClassifier(v - 5, 64, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Training.fit(small, mail, TrainConfig.epochs(1), Progress.none()));
            assertTrue(e.getMessage().contains(v + " tokens") && e.getMessage().contains((v - 5) + " ids"),
                    e.getMessage());
        }
        try (Net tiny = Models.textClassifier(10, 64, 2)) {
            IllegalArgumentException token = assertThrows(IllegalArgumentException.class,
                    () -> tiny.evaluate(mail.test()));
            assertTrue(token.getMessage().contains("outside the embedding's vocabulary of 10"), token.getMessage());
        }
        try (Net three = Models.textClassifier(v, 64, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Training.fit(three, mail, TrainConfig.epochs(1), Progress.none()));
            assertTrue(e.getMessage().contains("3 outputs") && e.getMessage().contains("2 classes"), e.getMessage());
        }
        try (Net lm = Models.bigramLm(MOBY.vocabulary().size(), 32)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lm.evaluate(MOBY.test()));
            assertTrue(e.getMessage().contains("windows of 64 tokens but the net reads 32"), e.getMessage());
        }
        try (Net lm = Models.bigramLm(MOBY.vocabulary().size(), 64)) {
            lm.setVocabulary(MOBY.vocabulary());
            CorpusSplit words = Datasets.mobyDick().optTokenizer(Tokenizer.WORDS).optMaxVocabulary(
                    MOBY.vocabulary().size()).optWindow(64).optLimit(50).optTestLimit(10).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Training.fit(lm, words, TrainConfig.epochs(1), Progress.none()));
            assertTrue(e.getMessage().contains("optVocabulary(net.vocabulary())"), e.getMessage());
        }
    }

    @Test
    void resultsCountTextsAndPositionsNotImages() {
        TextSplit mail = Datasets.spamAssassin().optLimit(100).optTestLimit(50).optMaxLength(64).build();
        try (Net spam = Models.textClassifier(mail.vocabulary().size(), 64, mail.numClasses())) {
            String text = spam.evaluate(mail.test()).toString();
            assertTrue(text.contains("(50 texts)"), text);
            assertTrue(Agreement.of(spam, spam, mail.test()).toString().startsWith("two TextClassifier nets on 50 texts of"));
        }
        int v = MOBY.vocabulary().size();
        try (Net lm = Models.bigramLm(v, 64, 1); Net other = Models.bigramLm(v, 64, 2)) {
            Agreement same = Agreement.of(lm, lm, MOBY.test());
            assertTrue(same.toString().startsWith("two BigramLM nets on 6,400 positions of "), same.toString());
            assertEquals(MOBY.test().size() * 64, same.images());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Agreement.of(lm, other, MOBY.test()).requireWithin(1e-5));
            assertTrue(e.getMessage().contains(" logit difference over 6,400 positions is "), e.getMessage());
            assertTrue(e.getMessage().contains(" (position "), e.getMessage());
            java.util.Map<String, Net> timed = new java.util.LinkedHashMap<>();
            timed.put("one", lm);
            timed.put("other", other);
            SpeedUp s = SpeedUp.measure(timed, MOBY.test(), 10, 1, 1);
            assertTrue(s.toTable().columnNames().contains("ms per 10 windows (median of rounds)"), s.toString());
            assertTrue(s.toString().startsWith("Inference time per 10 windows, "), s.toString());
        }
        assertEquals("windows", MOBY.test().noun());
        assertEquals("images", Datasets.mnist().optLimit(10).optTestLimit(10).build().test().noun());
    }
}
