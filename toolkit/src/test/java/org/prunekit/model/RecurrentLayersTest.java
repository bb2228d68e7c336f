package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prunekit.model.layers.Gru;
import org.prunekit.model.layers.LayerKinds;
import org.prunekit.model.layers.Lstm;
import org.prunekit.model.layers.Recurrent;
import org.prunekit.prune.SparsityReport;

/**
 * The LSTM and GRU kinds: DJL's recurrent blocks (PyTorch's {@code torch::lstm} and
 * {@code torch::gru}) compute the equations their javadoc states, with the gate order and bias
 * convention it states, checked against a plain-Java double-precision reference on random small
 * shapes and random weights and biases; the kinds build, encode, copy, save and load like the
 * others, and their input and recurrent weights are prunable parts.
 */
class RecurrentLayersTest {

    static Stream<Arguments> shapes() {
        // kind, batch, time, features, units
        return Stream.of(Arguments.of("lstm", 2, 5, 3, 4), Arguments.of("lstm", 3, 7, 6, 2), Arguments.of("lstm", 1, 1, 1, 1),
                Arguments.of("gru", 2, 5, 3, 4), Arguments.of("gru", 3, 6, 2, 5), Arguments.of("gru", 1, 1, 1, 1));
    }

    @ParameterizedTest(name = "{0}: batch {1}, time {2}, features {3}, units {4}")
    @MethodSource("shapes")
    void theLayerComputesItsEquationsInDjlsGateOrder(String kind, int b, int t, int c, int h) {
        boolean lstm = kind.equals("lstm");
        NetBuilder builder = Models.sequential("R", t, c);
        try (Net net = (lstm ? builder.lstm(h) : builder.gru(h)).flatten().dense(3).build(11)) {
            Random r = new Random(b * 100 + t * 10 + c + h);
            Layer layer = net.layer(kind + "1");
            float[][] p = new float[4][];
            String[] keys = {Recurrent.INPUT.weightKey(), Recurrent.RECURRENT.weightKey(), Recurrent.INPUT.biasKey(),
                Recurrent.RECURRENT.biasKey()};
            for (int i = 0; i < 4; i++) {
                p[i] = randomize(net, layer.parameter(keys[i]), r);
            }
            int gates = lstm ? 4 : 3;
            assertEquals(new Shape(gates * h, c), layer.parameter(keys[0]).getArray().getShape());
            assertEquals(new Shape(gates * h, h), layer.parameter(keys[1]).getArray().getShape());
            assertEquals(new Shape(gates * h), layer.parameter(keys[2]).getArray().getShape());
            float[] x = new float[b * t * c];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] out;
            try (NDManager m = net.manager().newSubManager()) {
                NDArray y = net.forwardWithActivations(m.create(x, new Shape(b, t, c)), List.of(kind + "1")).get(kind + "1");
                assertEquals(new Shape(b, t, h), y.getShape());
                out = y.toFloatArray();
            }
            double[] expected = reference(lstm, x, b, t, c, h, p, false);
            for (int i = 0; i < out.length; i++) {
                assertEquals(expected[i], out[i], 1e-5, kind + " output " + i);
            }
            // the reference would catch the usual mistakes: another gate order, or (GRU) b_hn outside the reset gate
            double[] other = reference(lstm, x, b, t, c, h, p, true);
            double gap = 0;
            for (int i = 0; i < out.length; i++) {
                gap = Math.max(gap, Math.abs(other[i] - out[i]));
            }
            assertTrue(gap > 1e-3, "the other convention differs by only " + gap);
        }
    }

    private static float[] randomize(Net net, Parameter p, Random r) {
        NDArray a = p.getArray();
        float[] v = new float[(int) a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 0.6);
        }
        try (NDArray n = net.manager().create(v, a.getShape())) {
            Tensors.copy(n, a);
        }
        return v;
    }

    /**
     * The LSTM (gates i, f, g, o) or GRU (gates r, z, n; {@code n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))})
     * equations in double precision, from zero states. {@code wrong}: an LSTM with gates i, g, f, o
     * (another common order), a GRU with {@code b_hn} outside the reset gate.
     */
    static double[] reference(boolean lstm, float[] x, int b, int t, int c, int h, float[][] p, boolean wrong) {
        float[] wih = p[0];
        float[] whh = p[1];
        float[] bih = p[2];
        float[] bhh = p[3];
        int gates = lstm ? 4 : 3;
        double[] out = new double[b * t * h];
        for (int n = 0; n < b; n++) {
            double[] hs = new double[h];
            double[] cs = new double[h];
            for (int s = 0; s < t; s++) {
                double[] gi = new double[gates * h];
                double[] gh = new double[gates * h];
                for (int row = 0; row < gates * h; row++) {
                    double a = bih[row];
                    for (int j = 0; j < c; j++) {
                        a += wih[row * c + j] * (double) x[(n * t + s) * c + j];
                    }
                    double e = bhh[row];
                    for (int j = 0; j < h; j++) {
                        e += whh[row * h + j] * hs[j];
                    }
                    gi[row] = a;
                    gh[row] = e;
                }
                double[] next = new double[h];
                for (int u = 0; u < h; u++) {
                    if (lstm) {
                        int gRow = wrong ? 1 : 2;
                        int fRow = wrong ? 2 : 1;
                        double i = sigmoid(gi[u] + gh[u]);
                        double f = sigmoid(gi[fRow * h + u] + gh[fRow * h + u]);
                        double g = Math.tanh(gi[gRow * h + u] + gh[gRow * h + u]);
                        double o = sigmoid(gi[3 * h + u] + gh[3 * h + u]);
                        cs[u] = f * cs[u] + i * g;
                        next[u] = o * Math.tanh(cs[u]);
                    } else {
                        double rg = sigmoid(gi[u] + gh[u]);
                        double z = sigmoid(gi[h + u] + gh[h + u]);
                        double cand = wrong ? gi[2 * h + u] + bhh[2 * h + u] + rg * (gh[2 * h + u] - bhh[2 * h + u])
                                : gi[2 * h + u] + rg * gh[2 * h + u];
                        double nn = Math.tanh(cand);
                        next[u] = (1 - z) * nn + z * hs[u];
                    }
                }
                hs = next;
                System.arraycopy(hs, 0, out, (n * t + s) * h, h);
            }
        }
        return out;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    @Test
    void theKindsBuildEncodeAndSayWhatWentWrong() {
        try (Net net = Models.sequential("Seq", 6, 4).lstm(5).gru(3).flatten().dense(2).build(3)) {
            assertEquals(List.of("lstm1", "lstm1/input", "lstm1/recurrent", "gru1", "gru1/input", "gru1/recurrent",
                    "flatten", "fc1"), net.layers().stream().map(Layer::name).toList());
            assertEquals(List.of(new Shape(1, 6, 5), new Shape(1, 6, 3)), net.outputShapes().stream().filter(
                    java.util.Objects::nonNull).limit(2).toList());
            assertEquals(new Lstm(5), LayerKinds.decode("lstm 5"));
            assertEquals(new Gru(3), LayerKinds.decode("gru 3"));
            assertEquals(net.architecture(), Architecture.parse(net.architecture().encode()));
            Layer input = net.layer("lstm1/input");
            assertSame(net.layer("lstm1").parameter("l_0_i2h_WEIGHT"), input.weight());
            assertSame(net.layer("lstm1").parameter("l_0_i2h_BIAS"), input.bias());
            assertSame(net.layer("gru1").parameter("l_0_h2h_WEIGHT"), net.layer("gru1/recurrent").weight());
            assertEquals("LSTM input", input.kind());
            assertEquals(List.of("lstm1/input", "lstm1/recurrent", "gru1/input", "gru1/recurrent", "fc1"),
                    net.prunableLayers().stream().map(Layer::name).toList());
            assertTrue(net.summary().contains("lstm1/recurrent LSTM recurrent"), net.summary());
            // multiply-accumulates: every weight once per step (6 steps), the head's once
            assertEquals(List.of(480L, 600L, 270L, 162L, 36L), SparsityReport.of(net).rows().stream()
                    .map(SparsityReport.Row::macs).toList());
            // 4·5·(4 + 5) + 2·4·5 weights and biases, 3·3·(5 + 3) + 2·3·3, 2·(18 + 1)
            assertEquals(4 * 5 * 9 + 40 + 3 * 3 * 8 + 18 + 2 * 19, net.parameterCount());
        }
        IllegalStateException vector = assertThrows(IllegalStateException.class, () -> Models.sequential("V", 8).lstm(4));
        assertTrue(vector.getMessage().contains("lstm(4) after an output of shape (8): it works on sequences"),
                vector.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new Gru(0));
        assertTrue(none.getMessage().contains("GRU's units must be at least 1"), none.getMessage());
    }

    @Test
    void copiesAndFilesKeepTheWeightsAndMasksExactly() throws Exception {
        Path file = Files.createTempFile("prunekit-recurrent", ".pk");
        try (Net net = Models.sequential("Seq", 5, 3).gru(4).lstm(6).flatten().dense(2).build(8)) {
            Parameter w = net.layer("lstm1/recurrent").weight();
            float[] mask = new float[(int) w.getArray().size()];
            for (int i = 0; i < mask.length; i += 3) {
                mask[i] = 1;
            }
            try (NDArray m = net.manager().create(mask, w.getArray().getShape())) {
                net.addMask(w, m);
            }
            float[] probe = new float[4 * 5 * 3];
            Random r = new Random(1);
            for (int i = 0; i < probe.length; i++) {
                probe[i] = (float) r.nextGaussian();
            }
            float[] expected = run(net, probe);
            for (NetIO.Format f : List.of(NetIO.Format.DENSE, NetIO.Format.SPARSE)) {
                NetIO.save(net, file, f);
                try (Net back = NetIO.load(file); Net copy = net.copy()) {
                    assertEquals(net.architecture(), back.architecture());
                    assertArrayEquals(expected, run(back, probe), 0f, f.toString());
                    assertArrayEquals(expected, run(copy, probe), 0f);
                    assertArrayEquals(mask, back.masks().get(back.layer("lstm1/recurrent").weight()).toFloatArray(), 0f);
                    assertArrayEquals(mask, copy.masks().get(copy.layer("lstm1/recurrent").weight()).toFloatArray(), 0f);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void djlsRecurrentBlocksImportAsTheKindsAndOthersStayForeign() {
        SequentialBlock block = new SequentialBlock().add(LSTM.builder().setStateSize(6).setNumLayers(1).build())
                .add(GRU.builder().setStateSize(5).setNumLayers(1).build()).add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
        try (Net net = Net.of(block, new Shape(7, 4), 3)) { // Net.of checks that the net computes what the block does
            assertEquals(List.of(new Lstm(6), new Gru(5)), net.specs().subList(0, 2));
            assertEquals(List.of("lstm1/input", "lstm1/recurrent", "gru1/input", "gru1/recurrent", "fc1"),
                    net.prunableLayers().stream().map(Layer::name).toList());
        }
        SequentialBlock stacked = new SequentialBlock().add(LSTM.builder().setStateSize(3).setNumLayers(2).build())
                .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(2).build());
        try (Net net = Net.of(stacked, new Shape(5, 2), 2)) {
            assertTrue(net.architecture().hasForeignBlocks(), net.summary());
        }
    }

    static float[] run(Net net, float[] probe) {
        try (NDManager m = net.manager().newSubManager()) {
            Shape in = new Shape(probe.length / net.inputShape().size()).addAll(net.inputShape());
            return net.forward(m.create(probe, in), false).toFloatArray();
        }
    }
}
