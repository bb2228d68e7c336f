package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * The calibration methods cover recurrent layers through {@code LayerSpec.weightInputs}: the input
 * weights read {@code x_t}, the recurrent weights {@code h_(t-1)} (zero at the first step). Wanda's
 * masks match a by-hand computation of those column norms; SparseGPT prunes both weights of LSTM
 * and GRU layers and reconstructs them better than masks alone.
 */
class RecurrentCalibrationTest {

    private static final DataSplit DATA = SequenceTask.split(6, 4, 400, 100, 21);

    @Test
    void wandaScoresTheInputWeightsByXAndTheRecurrentWeightsByThePreviousOutput() {
        for (String kind : List.of("lstm", "gru")) {
            var b = Models.sequential("W", 6, 4);
            try (Net net = (kind.equals("lstm") ? b.lstm(4) : b.gru(4)).flatten().dense(4).build(3)) {
                ImageSet cal = DATA.train().select(IntStream.range(0, 16).toArray(), "calibration");
                int t = 6;
                int c = 4;
                int h = 4;
                double[] nx = new double[c];
                double[] nh = new double[h];
                try (NDManager m = net.manager().newSubManager()) {
                    float[] x = cal.batch(m, IntStream.range(0, 16).toArray(), 0, 16, net.inputShape()).get(0)
                            .toFloatArray();
                    float[] y = net.forwardWithActivations(m.create(x, new Shape(16, t, c)), List.of(kind + "1"))
                            .get(kind + "1").toFloatArray();
                    for (int n = 0; n < 16; n++) {
                        for (int s = 0; s < t; s++) {
                            for (int j = 0; j < c; j++) {
                                nx[j] += x[(n * t + s) * c + j] * (double) x[(n * t + s) * c + j];
                            }
                            for (int j = 0; j < h && s > 0; j++) { // h_(s-1); h_(-1) = 0
                                nh[j] += y[(n * t + s - 1) * h + j] * (double) y[(n * t + s - 1) * h + j];
                            }
                        }
                    }
                }
                PruningPlan plan = Pruner.builder().setImportance(Importance.wanda()).setSparsity(0.5).build().plan(net,
                        Calibration.builder().setData(cal).optExamples(16).build());
                assertEquals(List.of(kind + "1/input", kind + "1/recurrent", "fc1"), plan.layers().stream()
                        .map(LayerPlan::layer).toList());
                assertArrayEquals(WandaTest.rowMask(net.layer(kind + "1/input").weightValues(), nx, c, c / 2),
                        plan.layers().get(0).mask(), 0f, kind);
                assertArrayEquals(WandaTest.rowMask(net.layer(kind + "1/recurrent").weightValues(), nh, h, h / 2),
                        plan.layers().get(1).mask(), 0f, kind);
            }
        }
    }

    @Test
    void sparseGptPrunesBothWeightsOfLstmAndGruAndReconstructsBetterThanMasksAlone() {
        try (Net net = Models.sequential("LG", 6, 4).lstm(8).gru(8).flatten().dense(4).build(5)) {
            Training.fit(net, DATA, TrainConfig.epochs(2), Progress.none());
            Calibration cal = Calibration.builder().setData(DATA.train()).optExamples(128).optSeed(1).build();
            for (SparseGpt method : List.of(SparseGpt.builder().setSparsity(0.5).build(), SparseGpt.builder()
                    .optPattern(2, 4).build())) {
                try (Net c = net.copy()) {
                    SparseGptResult r = method.prune(c, cal);
                    assertEquals(List.of("lstm1/input", "lstm1/recurrent", "gru1/input", "gru1/recurrent", "fc1"),
                            r.layers().stream().map(SparseGptResult.LayerResult::layer).toList(), r.toString());
                    for (SparseGptResult.LayerResult lr : r.layers()) {
                        assertEquals(0.5, lr.sparsity(), 1e-6, lr.layer());
                        // the first layer reads independent unit Gaussians (H ≈ n·I): OBS can do no better than magnitude
                        double slack = lr.layer().equals("lstm1/input") ? 1.05 : 1;
                        assertTrue(lr.error() < slack * lr.magnitudeError(), r.toString());
                        Layer l = c.layer(lr.layer());
                        float[] w = l.weightValues();
                        float[] mask = c.masks().get(l.weight()).toFloatArray();
                        for (int i = 0; i < w.length; i++) {
                            assertTrue(mask[i] != 0 || w[i] == 0, lr.layer() + " weight " + i);
                        }
                    }
                }
            }
        }
    }
}
