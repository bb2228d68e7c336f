package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.TextSplit;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.EpochStats;
import org.prunekit.train.Evaluation;
import org.prunekit.train.History;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Text models with recurrent layers and pooling over time in PruneKit against the PyTorch peer
 * ({@code torch_llm_prune.py} with {@code torch_recurrent.py}: an LSTM in torch with PyTorch's gate
 * layout i, f, g, o, run step by step from the exported weights, or fused by {@code torch.lstm}),
 * on the same exported weights:
 * <ul>
 *   <li>LSTM language models (one LSTM layer, and two in a row): the peer's logits on held-out
 *       windows equal PruneKit's within 1e-5, and magnitude, Wanda and SparseGPT (50 % and 2:4,
 *       SparseGPT sequential) on the LSTMs' input and recurrent weights give the same masks (ties
 *       aside), the same SparseGPT weights and the same test loss; the recurrent weights'
 *       calibration inputs are the hidden states {@code h_(t-1)} the peer's step-by-step forward
 *       hands its recurrent weight;</li>
 *   <li>training (what the training-speed comparison times): from the same initial weights, with
 *       the same batches in the same order and Adam, the peer's mean training loss of each of two
 *       epochs equals PruneKit's within 1e-4 relative, for the LSTM language model (fused
 *       {@code torch.lstm} in the peer) and the text classifier (embedding, mean over time, MLP),
 *       whose dense logits also agree within 1e-5.</li>
 * </ul>
 */
class LstmConformanceTest {

    private static final int T = 16;
    private static final CorpusSplit TEXT = Datasets.mobyDick().optWindow(T).optLimit(300).optTestLimit(40).build();

    private static void check(Net net, int lstms) {
        Training.fit(net, TEXT, TrainConfig.epochs(1), Progress.none());   // weights that are not the initial ones
        List<String> layers = BenchLstm.recurrentWeights(net);
        assertEquals(2 * lstms, layers.size(), "an input and a recurrent weight per LSTM: " + layers);
        PeerPruning.matchesThePeer(net, TEXT, layers, 1e-5);
    }

    /** Two epochs in each library from the net's weights: the same mean training loss per epoch. */
    private static void trainsAsThePeer(Net init, ExampleSplit data, float rate) {
        long seed = 7;
        double[] ours;
        try (Net c = init.copy()) {
            History h = Training.fit(c, data, TrainConfig.builder().optEpochs(2).optLearningRate(rate).optSeed(seed)
                    .build(), Progress.none());
            ours = h.epochs().stream().mapToDouble(EpochStats::trainLoss).toArray();
        }
        LlmPeer.Trained theirs = LlmPeer.train(Peer.inRepo(), init, data.train(), LlmPeer.trainingOrders(
                data.train().size(), seed, 2), data.batchSize(), rate);
        for (int e = 0; e < 2; e++) {
            assertEquals(theirs.losses()[e], ours[e], 1e-4 * ours[e], init.name() + " epoch " + (e + 1) + " loss");
        }
        assertTrue(ours[1] < ours[0], init.name() + " learns: " + ours[0] + " then " + ours[1]);
        System.out.printf("%s: training loss per epoch %.6f, %.6f / peer %.6f, %.6f%n", init.name(), ours[0], ours[1],
                theirs.losses()[0], theirs.losses()[1]);
    }

    @Test
    void oneLstmEqualsThePeer() {
        try (Net net = Models.sequential("LSTM-1", T).embedding(TEXT.vocabulary().size(), 16).lstm(24)
                .dense(TEXT.vocabulary().size()).build(5)) {
            check(net, 1);
        }
    }

    @Test
    void twoLstmsInARowEqualThePeer() {
        try (Net net = Models.sequential("LSTM-2", T).embedding(TEXT.vocabulary().size(), 12).lstm(16).lstm(20)
                .dense(TEXT.vocabulary().size()).build(6)) {
            check(net, 2);
        }
    }

    @Test
    void lstmLanguageModelTrainsAsThePeer() {
        CorpusSplit text = Datasets.mobyDick().optWindow(T).optLimit(128).optTestLimit(8).build();
        try (Net net = Models.lstmLm(text.vocabulary().size(), T, 8)) {
            trainsAsThePeer(net, text, 3e-3f);
        }
    }

    @Test
    void textClassifierEqualsThePeerAndTrainsAsIt() {
        TextSplit mail = Datasets.spamAssassin().optLimit(256).optTestLimit(64).optMaxLength(48).build();
        try (Net net = Models.textClassifier(mail.vocabulary().size(), 48, mail.numClasses(), 9)) {
            LlmPeer peer = LlmPeer.run(Peer.inRepo(), net, Map.of(), mail.test(), List.of(PeerPruning.runs().get(0)),
                    null, Evaluation.of(net, mail.test()).loss(), true);
            try {
                double worst = PeerPruning.logitDifference(net, mail.test(), peer.logits("dense"));
                assertTrue(worst <= 1e-5, "classifier logits differ by up to " + worst);
            } finally {
                peer.delete();
            }
            trainsAsThePeer(net, mail, 2e-3f);
        }
    }
}
