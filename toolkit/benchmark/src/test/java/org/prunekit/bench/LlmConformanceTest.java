package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Calibration;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.SparseGpt;

/**
 * Magnitude, Wanda and SparseGPT in PruneKit against the PyTorch peer
 * ({@code torch_llm_prune.py}, written from the papers in torch: F.unfold for a convolution's
 * inputs, torch's Cholesky and {@code cholesky_inverse}), on the same float32 weights and
 * calibration images: an MLP and a CNN, unstructured 50 %, 2:4 and 4:8, SparseGPT with blocks of
 * 128 and of 16 columns. Masks must be equal (ties aside: at most one weight in 10,000 may
 * differ) and SparseGPT's updated weights equal within 1e-5 of the layer's largest weight (measured: 2.2e-7 at most, float32 rounding).
 */
class LlmConformanceTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(600).optTestLimit(200).build();

    private static List<LlmPeer.Run> runs() {
        List<LlmPeer.Run> r = new ArrayList<>();
        r.add(new LlmPeer.Run("magnitude-50", "magnitude", 0.5, 0, 0, null, 128, false));
        r.add(new LlmPeer.Run("magnitude-2-4", "magnitude", 0.5, 2, 4, null, 128, false));
        r.add(new LlmPeer.Run("wanda-50", "wanda", 0.5, 0, 0, "cal", 128, false));
        r.add(new LlmPeer.Run("wanda-2-4", "wanda", 0.5, 2, 4, "cal", 128, false));
        r.add(new LlmPeer.Run("sparsegpt-50", "sparsegpt", 0.5, 0, 0, "cal", 128, true));
        r.add(new LlmPeer.Run("sparsegpt-50-b16", "sparsegpt", 0.5, 0, 0, "cal", 16, true));
        r.add(new LlmPeer.Run("sparsegpt-2-4", "sparsegpt", 0.5, 2, 4, "cal", 128, true));
        r.add(new LlmPeer.Run("sparsegpt-4-8", "sparsegpt", 0.5, 4, 8, "cal", 128, false));
        return r;
    }

    /** The same run in PruneKit, on a copy of the net. */
    private static void prune(Net net, LlmPeer.Run r, Calibration cal) {
        Granularity g = r.n() == 0 ? Granularity.UNSTRUCTURED : Granularity.nm(r.n(), r.m());
        switch (r.method()) {
            case "magnitude" -> {
                Pruner.Builder b = Pruner.builder().setImportance(Importance.magnitudeL1()).optGranularity(g);
                (r.n() == 0 ? b.setSparsity(r.sparsity()) : b).build().plan(net).apply();
            }
            case "wanda" -> {
                Pruner.Builder b = Pruner.builder().setImportance(Importance.wanda()).optGranularity(g);
                (r.n() == 0 ? b.setSparsity(r.sparsity()) : b).build().plan(net, cal).apply();
            }
            case "sparsegpt" -> {
                SparseGpt.Builder b = SparseGpt.builder().optBlockSize(r.block()).optSequential(r.sequential());
                (r.n() == 0 ? b.setSparsity(r.sparsity()) : b.optPattern(r.n(), r.m())).build().prune(net, cal);
            }
            default -> throw new IllegalStateException(r.method());
        }
    }

    private static void check(Net net) {
        Calibration cal = Calibration.builder().setData(DATA).optExamples(128).optSeed(5).build();
        LlmPeer peer = LlmPeer.run(Peer.inRepo(), net, Map.of("cal", cal), null, runs());
        try {
            for (LlmPeer.Run r : runs()) {
                try (Net c = net.copy()) {
                    prune(c, r, cal);
                    long differ = 0;
                    long total = 0;
                    double worst = 0;
                    for (Layer l : c.prunableLayers()) {
                        float[] theirs = peer.mask(r.name(), l.name());
                        float[] ours = c.masks().containsKey(l.weight()) ? c.masks().get(l.weight()).toFloatArray()
                                : null;
                        float[] w = l.weightValues();
                        float[] tw = peer.weights(r.name(), l.name());
                        float max = 0;
                        for (float v : tw) {
                            max = Math.max(max, Math.abs(v));
                        }
                        assertEquals(theirs.length, w.length, r.name() + " " + l.name());
                        for (int i = 0; i < theirs.length; i++) {
                            float mine = ours == null ? 1f : ours[i];
                            total++;
                            if (mine != theirs[i]) {
                                differ++;
                            } else {
                                assertEquals(tw[i], w[i], 1e-5 * max, r.name() + " " + l.name() + " weight " + i);
                                worst = Math.max(worst, Math.abs(tw[i] - w[i]) / max);
                            }
                        }
                    }
                    assertTrue(differ <= total / 10_000, r.name() + ": " + differ + " of " + total + " mask entries differ");
                    System.out.printf("%s %s: %d of %d mask entries differ, largest weight difference %.2e of the"
                            + " layer's largest weight%n", net.name(), r.name(), differ, total, worst);
                }
            }
        } finally {
            peer.delete();
        }
    }

    @Test
    void mlpMasksAndWeightsEqualThePeers() {
        try (Net net = Models.mlp(64, 32)) {
            check(net);
        }
    }

    @Test
    void cnnMasksAndWeightsEqualThePeers() {
        try (Net net = Models.sequential("CNN", 1, 28, 28).conv(8, 3, 1, 1).relu().maxPool(2).conv(16, 3, 2, 1).relu()
                .maxPool(2).flatten().dense(32).relu().dense(10).build(7)) {
            check(net);
        }
    }
}
