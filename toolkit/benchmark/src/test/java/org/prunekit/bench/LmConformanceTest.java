package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Calibration;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.SparseGpt;
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

    /** Dense, magnitude 50 %, Wanda and SparseGPT (sequential) at 50 % and 2:4, on calibration set "cal". */
    private static List<LlmPeer.Run> runs() {
        return List.of(new LlmPeer.Run("dense", "dense", 0.5, 0, 0, null, 128, false),
                new LlmPeer.Run("magnitude-50", "magnitude", 0.5, 0, 0, null, 128, false),
                new LlmPeer.Run("wanda-50", "wanda", 0.5, 0, 0, "cal", 128, false),
                new LlmPeer.Run("wanda-2-4", "wanda", 0.5, 2, 4, "cal", 128, false),
                new LlmPeer.Run("sparsegpt-50", "sparsegpt", 0.5, 0, 0, "cal", 128, true),
                new LlmPeer.Run("sparsegpt-2-4", "sparsegpt", 0.5, 2, 4, "cal", 128, true));
    }

    private static void prune(Net net, LlmPeer.Run r, Calibration cal, String[] layers) {
        Granularity g = r.n() == 0 ? Granularity.UNSTRUCTURED : Granularity.nm(r.n(), r.m());
        switch (r.method()) {
            case "dense" -> { }
            case "magnitude" -> Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(r.sparsity())
                    .optLayers(layers).build().plan(net).apply();
            case "wanda" -> {
                Pruner.Builder b = Pruner.builder().setImportance(Importance.wanda()).optGranularity(g)
                        .optLayers(layers);
                (r.n() == 0 ? b.setSparsity(r.sparsity()) : b).build().plan(net, cal).apply();
            }
            case "sparsegpt" -> {
                SparseGpt.Builder b = SparseGpt.builder().optLayers(layers).optSequential(r.sequential());
                (r.n() == 0 ? b.setSparsity(r.sparsity()) : b.optPattern(r.n(), r.m())).build().prune(net, cal);
            }
            default -> throw new IllegalStateException(r.method());
        }
    }

    private static void check(Net net) {
        Training.fit(net, TEXT, TrainConfig.epochs(1), Progress.none());   // weights that are not the initial ones
        List<String> layers = BenchLm.blockLinears(net);
        assertEquals(net.prunableLayers().size() - 1, layers.size(), "all but the head");
        Calibration cal = Calibration.builder().setData(TEXT.train()).optExamples(32).optSeed(3).build();
        double denseLoss = Evaluation.of(net, TEXT.test()).loss();
        LlmPeer peer = LlmPeer.run(Peer.inRepo(), net, Map.of("cal", cal), TEXT.test(), runs(), layers, denseLoss,
                true);
        try {
            float[] theirs = peer.logits("dense");
            float[][] ours = net.logits(TEXT.test());
            assertEquals(theirs.length, ours.length * ours[0].length);
            double worst = 0;
            for (int i = 0; i < ours.length; i++) {
                for (int k = 0; k < ours[i].length; k++) {
                    worst = Math.max(worst, Math.abs(ours[i][k] - theirs[i * ours[i].length + k]));
                }
            }
            assertTrue(worst <= 1e-4, net.name() + ": logits differ by up to " + worst);
            System.out.printf("%s: dense logits differ by at most %.2e%n", net.name(), worst);
            for (LlmPeer.Run r : runs()) {
                try (Net c = net.copy()) {
                    prune(c, r, cal, layers.toArray(String[]::new));
                    compare(c, r, peer, layers);
                }
            }
        } finally {
            peer.delete();
        }
    }

    private static void compare(Net c, LlmPeer.Run r, LlmPeer peer, List<String> layers) {
        long differ = 0;
        long total = 0;
        long pruned = 0;
        for (Layer l : c.prunableLayers()) {
            float[] theirs = peer.mask(r.name(), l.name());
            float[] ours = c.masks().containsKey(l.weight()) ? c.masks().get(l.weight()).toFloatArray() : null;
            assertEquals(ours != null, !r.method().equals("dense") && layers.contains(l.name()), r.name() + " "
                    + l.name() + " is pruned in PruneKit");
            float[] w = l.weightValues();
            float[] tw = peer.weights(r.name(), l.name());
            float max = 0;
            for (float v : tw) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < theirs.length; i++) {
                float mine = ours == null ? 1f : ours[i];
                total++;
                pruned += mine == 0 ? 1 : 0;
                if (mine != theirs[i]) {
                    differ++;
                } else {
                    assertEquals(tw[i], w[i], 1e-5 * max, r.name() + " " + l.name() + " weight " + i);
                }
            }
        }
        assertTrue(differ <= total / 10_000, r.name() + ": " + differ + " of " + total + " mask entries differ");
        assertTrue(r.method().equals("dense") == (pruned == 0), r.name() + " pruned " + pruned);
        double loss = Evaluation.of(c, TEXT.test()).loss();
        assertEquals(peer.outcomes().get(r.name()).loss(), loss, 1e-4 * loss, r.name() + " test loss");
        System.out.printf("%s %s: %d of %d mask entries differ, loss %.5f / peer %.5f%n", c.name(), r.name(), differ,
                total, loss, peer.outcomes().get(r.name()).loss());
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
