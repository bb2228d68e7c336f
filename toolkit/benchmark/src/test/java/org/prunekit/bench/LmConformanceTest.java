package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
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
        PeerPruning.matchesThePeer(net, TEXT, layers, 1e-4);
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
