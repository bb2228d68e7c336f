package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Pruning per weight reaches the input and the recurrent weights of LSTM and GRU layers (each a
 * part of its own, {@code lstm1/input}, {@code lstm1/recurrent}), with every criterion that
 * needs no activations, globally and per layer, and the masks hold through training.
 */
class RecurrentPruningTest {

    private static final DataSplit DATA = SequenceTask.split(8, 4, 1500, 300, 5);

    static Map<String, Supplier<Net>> nets() {
        return Map.of("lstm, gru, flatten, dense", () -> Models.sequential("LSTM-GRU", 8, 4).lstm(12).gru(8).flatten()
                .dense(4).build(2), "gru, lstm, flatten, dense, relu, dense", () -> Models.sequential("GRU-LSTM", 8, 4)
                .gru(8).lstm(4).flatten().dense(16).relu().dense(4).build(2));
    }

    @Test
    void masksOnInputAndRecurrentWeightsHoldThroughTraining() {
        for (Map.Entry<String, Supplier<Net>> e : nets().entrySet()) {
            try (Net net = e.getValue().get()) {
                double before = net.loss(DATA.test());
                SparsityReport r = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.6)
                        .optScope(Scope.GLOBAL).build().plan(net).apply();
                assertEquals(net.prunableLayers().size(), r.rows().size(), e.getKey());
                assertTrue(r.rows().stream().anyMatch(row -> row.layer().endsWith("/recurrent")), r.toString());
                Training.fit(net, DATA, TrainConfig.builder().optEpochs(4).optLearningRate(0.01f).build(), Progress.none());
                assertEquals(0.6, SparsityReport.of(net).sparsity(), 1e-3, e.getKey());
                for (Layer l : net.prunableLayers()) {
                    Parameter w = l.weight();
                    float[] mask = net.masks().get(w).toFloatArray();
                    float[] values = w.getArray().toFloatArray();
                    int kept = 0;
                    for (int i = 0; i < mask.length; i++) {
                        assertTrue(mask[i] != 0 || values[i] == 0, l.name() + " weight " + i);
                        kept += mask[i] != 0 && values[i] != 0 ? 1 : 0;
                    }
                    assertTrue(kept > 0, l.name());
                }
                double after = net.loss(DATA.test());
                assertTrue(after < before - 0.2, e.getKey() + ": the pruned net learns, loss " + before + " -> " + after);
            }
        }
    }

    @Test
    void everyWeightCriterionPrunesThePartsGloballyAndPerLayer() {
        try (Net net = nets().get("lstm, gru, flatten, dense").get()) {
            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            for (Importance i : List.of(Importance.magnitudeL1(), Importance.magnitudeL2(), Importance.random(1),
                    Importance.gradient(), Importance.gradientSquared(), Importance.taylor(), Importance.hessianDiagonal(),
                    Importance.fpgm(), Importance.lamp(), Importance.wanda())) {
                for (Scope scope : Scope.values()) {
                    PruningChecks.prunesPerWeight(net, DATA, i, scope);
                }
            }
            // 2:4 along each row's inputs: 4 features, 12 and 8 units read by the recurrent weights
            try (Net c = net.copy()) {
                SparsityReport r = Pruner.builder().setImportance(Importance.magnitudeL1()).optGranularity(Granularity
                        .nm(2, 4)).build().plan(c).apply();
                assertEquals(0.5, r.sparsity(), 1e-6);
            }
            IllegalArgumentException apoz = assertThrows(IllegalArgumentException.class, () -> Pruner.builder()
                    .setImportance(Importance.apoz()).setSparsity(0.5).optLayers("lstm1/input").build().plan(net, DATA));
            assertTrue(apoz.getMessage().contains("recurrent layer, whose rows are gates"), apoz.getMessage());
        }
    }
}
