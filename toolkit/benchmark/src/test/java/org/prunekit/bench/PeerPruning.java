package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Examples;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.prune.Calibration;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.SparseGpt;
import org.prunekit.train.Evaluation;

/**
 * What the language-model conformance tests ({@link LmConformanceTest}, {@link LstmConformanceTest})
 * share: the one-shot runs done in both libraries, the same run in PruneKit, and the comparison of
 * a pruned net with the peer's result (masks, weights, test loss) and of dense logits.
 */
final class PeerPruning {

    private PeerPruning() {}

    /** @return dense, magnitude 50 %, Wanda and SparseGPT (sequential) at 50 % and 2:4, on calibration set "cal" */
    static List<LlmPeer.Run> runs() {
        return List.of(new LlmPeer.Run("dense", "dense", 0.5, 0, 0, null, 128, false),
                new LlmPeer.Run("magnitude-50", "magnitude", 0.5, 0, 0, null, 128, false),
                new LlmPeer.Run("wanda-50", "wanda", 0.5, 0, 0, "cal", 128, false),
                new LlmPeer.Run("wanda-2-4", "wanda", 0.5, 2, 4, "cal", 128, false),
                new LlmPeer.Run("sparsegpt-50", "sparsegpt", 0.5, 0, 0, "cal", 128, true),
                new LlmPeer.Run("sparsegpt-2-4", "sparsegpt", 0.5, 2, 4, "cal", 128, true));
    }

    /**
     * The net against the peer on the same weights: its dense logits on {@code text}'s test windows
     * within {@code logitTolerance} of the peer's, and every run of {@link #runs()} (calibrated on
     * 32 training windows) giving the same masks, weights and test loss ({@link #compare}).
     *
     * @param net a trained net the peer builds
     * @param text its data
     * @param layers the weights the runs prune
     * @param logitTolerance the largest difference of a dense logit allowed
     */
    static void matchesThePeer(Net net, CorpusSplit text, List<String> layers, double logitTolerance) {
        Calibration cal = Calibration.builder().setData(text.train()).optExamples(32).optSeed(3).build();
        double denseLoss = Evaluation.of(net, text.test()).loss();
        LlmPeer peer = LlmPeer.run(Peer.inRepo(), net, Map.of("cal", cal), text.test(), runs(), layers, denseLoss,
                true);
        try {
            double worst = logitDifference(net, text.test(), peer.logits("dense"));
            assertTrue(worst <= logitTolerance, net.name() + ": logits differ by up to " + worst);
            System.out.printf("%s: dense logits differ by at most %.2e%n", net.name(), worst);
            for (LlmPeer.Run r : runs()) {
                try (Net c = net.copy()) {
                    prune(c, r, cal, layers.toArray(String[]::new));
                    compare(c, r, peer, layers, text.test());
                }
            }
        } finally {
            peer.delete();
        }
    }

    /** Does run {@code r} in PruneKit on {@code net}, pruning only {@code layers}. */
    static void prune(Net net, LlmPeer.Run r, Calibration cal, String[] layers) {
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

    /**
     * @param net a net
     * @param test examples
     * @param theirs the peer's logits on them, flattened
     * @return the largest absolute difference between the net's logits and the peer's
     */
    static double logitDifference(Net net, Examples test, float[] theirs) {
        float[][] ours = net.logits(test);
        assertEquals(theirs.length, ours.length * ours[0].length, "logits of the peer");
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            for (int k = 0; k < ours[i].length; k++) {
                worst = Math.max(worst, Math.abs(ours[i][k] - theirs[i * ours[i].length + k]));
            }
        }
        return worst;
    }

    /**
     * Checks a net pruned by run {@code r} in PruneKit against the peer's: the masks of every
     * prunable layer equal (ties aside: at most one entry in 10,000 may differ), where the masks
     * agree the weights within 1e-5 of the layer's largest, only {@code layers} pruned, and the
     * test loss within 1e-4 relative.
     */
    static void compare(Net c, LlmPeer.Run r, LlmPeer peer, List<String> layers, Examples test) {
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
            assertEquals(w.length, theirs.length, r.name() + " " + l.name() + ": the peer's mask has another size");
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
        double loss = Evaluation.of(c, test).loss();
        assertEquals(peer.outcomes().get(r.name()).loss(), loss, 1e-4 * loss, r.name() + " test loss");
        System.out.printf("%s %s: %d of %d mask entries differ, loss %.5f / peer %.5f%n", c.name(), r.name(), differ,
                total, loss, peer.outcomes().get(r.name()).loss());
    }
}
