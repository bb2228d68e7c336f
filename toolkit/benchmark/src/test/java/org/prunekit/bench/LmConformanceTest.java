package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Calibration;
import org.prunekit.train.Evaluation;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * A transformer language model in PruneKit against the PyTorch peer ({@code torch_llm_prune.py}
 * builds the same forward in torch: nn.Embedding, a learned position table, pre-LN blocks of
 * causal multi-head attention and a GELU MLP, nn.LayerNorm, a linear head) on the same exported
 * weights: the peer's logits on held-out windows equal PruneKit's within 1e-4, and magnitude,
 * Wanda and SparseGPT (50 % and 2:4, sequential), applied to the blocks' linear layers with
 * calibration inputs the peer captures by forward hooks, give the same masks (ties aside: at most
 * one entry in 10,000 may differ), SparseGPT the same updated weights (within 1e-5 of a layer's
 * largest) and the same test loss (1e-4 relative). Two architectures: one block of 2 heads, and
 * two blocks of 4 heads with a different MLP width.
 */
class LmConformanceTest {

    private static final int T = 16;
    private static final CorpusSplit TEXT = Datasets.mobyDick().optWindow(T).optLimit(300).optTestLimit(40).build();

    private static void check(Net net) {
        Training.fit(net, TEXT, TrainConfig.epochs(1), Progress.none());   // weights that are not the initial ones
        List<String> layers = BenchLm.blockLinears(net);
        assertEquals(net.prunableLayers().size() - 1, layers.size(), "all but the head");
        Calibration cal = Calibration.builder().setData(TEXT.train()).optExamples(32).optSeed(3).build();
        double denseLoss = Evaluation.of(net, TEXT.test()).loss();
        LlmPeer peer = LlmPeer.run(Peer.inRepo(), net, Map.of("cal", cal), TEXT.test(), PeerPruning.runs(), layers,
                denseLoss, true);
        try {
            double worst = PeerPruning.logitDifference(net, TEXT.test(), peer.logits("dense"));
            assertTrue(worst <= 1e-4, net.name() + ": logits differ by up to " + worst);
            System.out.printf("%s: dense logits differ by at most %.2e%n", net.name(), worst);
            for (LlmPeer.Run r : PeerPruning.runs()) {
                try (Net c = net.copy()) {
                    PeerPruning.prune(c, r, cal, layers.toArray(String[]::new));
                    PeerPruning.compare(c, r, peer, layers, TEXT.test());
                }
            }
        } finally {
            peer.delete();
        }
    }

    @Test
    void oneBlockOfTwoHeadsEqualsThePeer() {
        try (Net net = Models.sequential("LM-1x2", T).embedding(TEXT.vocabulary().size(), 16).positionEmbedding(T)
                .transformerBlock(2, 32, true).layerNorm().dense(TEXT.vocabulary().size()).build(5)) {
            check(net);
        }
    }

    @Test
    void twoBlocksOfFourHeadsEqualThePeer() {
        try (Net net = Models.sequential("LM-2x4", T).embedding(TEXT.vocabulary().size(), 24).positionEmbedding(T + 4)
                .transformerBlock(4, 48, true).transformerBlock(4, 40, true).layerNorm()
                .dense(TEXT.vocabulary().size()).build(6)) {
            check(net);
        }
    }
}
