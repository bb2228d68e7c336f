package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prunekit.model.layers.LayerNorm;
import org.prunekit.model.layers.SelfAttention;
import org.prunekit.train.Agreement;

/**
 * The transformer's layer kinds — layer norm (over the channels present), position embedding,
 * multi-head self-attention (causal and not) and the pre-LN block built from them — checked
 * against plain-Java double-precision references, with their errors, channel groups, copies and
 * {@link NetIO} round trips.
 */
public class TransformerLayersTest {

    private static final int T = 4;
    private static final int C = 6;

    /** Sets every parameter of a net to seeded values in [-scale, scale] (present flags stay 1). */
    static void randomise(Net net, long seed, float scale) {
        Random r = new Random(seed);
        for (var p : net.block().getParameters()) {
            if (p.getKey().endsWith("present")) {
                continue;
            }
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
            }
            try (NDArray src = net.manager().create(v, a.getShape())) {
                Tensors.copy(src, a);
            }
        }
    }

    static float[] randomInput(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** @return the output of one layer of the net on the batch x of shape (b, T, C) */
    static float[] activation(Net net, NDManager m, float[] x, Shape shape, String layer) {
        return net.forwardWithActivations(m.create(x, shape), List.of(layer)).get(layer).toFloatArray();
    }

    // --- plain-Java references ------------------------------------------------------------------

    /** Layer norm of each row of x (rows of c values) over the present channels; 0 where absent. */
    static double[] layerNorm(double[] x, int c, float[] gamma, float[] beta, float[] present, double eps) {
        double[] y = new double[x.length];
        for (int row = 0; row < x.length / c; row++) {
            double n = 0;
            double mean = 0;
            for (int j = 0; j < c; j++) {
                n += present[j];
                mean += present[j] * x[row * c + j];
            }
            mean /= n;
            double var = 0;
            for (int j = 0; j < c; j++) {
                var += present[j] * Math.pow(x[row * c + j] - mean, 2);
            }
            var /= n;
            for (int j = 0; j < c; j++) {
                y[row * c + j] = present[j] * ((x[row * c + j] - mean) / Math.sqrt(var + eps) * gamma[j] + beta[j]);
            }
        }
        return y;
    }

    /** A dense layer on each row: rows of {@code in} values to rows of {@code out}. */
    public static double[] dense(double[] x, int in, float[] w, float[] b) {
        int out = w.length / in;
        int rows = x.length / in;
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < out; u++) {
                double s = b == null ? 0 : b[u];
                for (int j = 0; j < in; j++) {
                    s += (double) w[u * in + j] * x[r * in + j];
                }
                y[r * out + u] = s;
            }
        }
        return y;
    }

    /** Multi-head attention of one batch of sequences (b, t, heads·size), by the definition. */
    public static double[] attention(double[] q, double[] k, double[] v, int b, int t, int heads, int size,
            boolean causal) {
        int w = heads * size;
        double[] out = new double[b * t * w];
        for (int s = 0; s < b; s++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double[] score = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        if (causal && j > i) {
                            score[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double d = 0;
                        for (int e = 0; e < size; e++) {
                            d += q[(s * t + i) * w + h * size + e] * k[(s * t + j) * w + h * size + e];
                        }
                        score[j] = d / Math.sqrt(size);
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        score[j] = Math.exp(score[j] - max);
                        sum += score[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int e = 0; e < size; e++) {
                            out[(s * t + i) * w + h * size + e] += score[j] / sum * v[(s * t + j) * w + h * size + e];
                        }
                    }
                }
            }
        }
        return out;
    }

    static double[] selfAttention(Net net, String name, double[] x, int b, int t, int c, int heads, boolean causal) {
        double[] q = dense(x, c, net.layer(name + ".q").weightValues(), net.layer(name + ".q").biasValues());
        double[] k = dense(x, c, net.layer(name + ".k").weightValues(), net.layer(name + ".k").biasValues());
        double[] v = dense(x, c, net.layer(name + ".v").weightValues(), net.layer(name + ".v").biasValues());
        int inner = (int) net.layer(name + ".q").weight().getArray().getShape().get(0);
        double[] a = attention(q, k, v, b, t, heads, inner / heads, causal);
        return dense(a, inner, net.layer(name + ".out").weightValues(), net.layer(name + ".out").biasValues());
    }

    /** GELU with the exact error function (PyTorch's default), erf to ~1e-7 (Abramowitz and Stegun 7.1.26 is too coarse). */
    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    static double erf(double x) {
        // Numerical Recipes' erfc by a Chebyshev fit, fractional error below 1.2e-7
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
                        + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }

    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + " at " + i);
        }
    }

    // --- tests --------------------------------------------------------------------------------------

    @Test
    void layerNormIsStandardWithEveryChannelAndNormalisesOverThePresentOnes() {
        try (Net net = Models.sequential("LN", T, C).layerNorm().flatten().dense(3).build(1);
                NDManager m = net.manager().newSubManager()) {
            randomise(net, 5, 1f);
            float[] x = randomInput(2 * T * C, 6);
            Layer ln = net.layer("ln1");
            float[] gamma = ln.parameter("gamma").getArray().toFloatArray();
            float[] beta = ln.parameter("beta").getArray().toFloatArray();
            float[] all = {1, 1, 1, 1, 1, 1};
            double[] ref = layerNorm(toDouble(x), C, gamma, beta, all, 1e-5);
            assertClose(ref, activation(net, m, x, new Shape(2, T, C), "ln1"), 1e-5, "layer norm");
            // against the textbook formula with the population variance: mean 0, variance 1 before scaling
            float[] plain = {1, 1, 1, 1, 1, 1};
            Tensors.copy(m.create(plain), ln.parameter("gamma").getArray());
            Tensors.copy(m.create(new float[C]), ln.parameter("beta").getArray());
            float[] y = activation(net, m, x, new Shape(2, T, C), "ln1");
            for (int row = 0; row < 2 * T; row++) {
                double mean = 0;
                double sq = 0;
                for (int j = 0; j < C; j++) {
                    mean += y[row * C + j] / C;
                    sq += y[row * C + j] * y[row * C + j] / C;
                }
                assertEquals(0, mean, 1e-5);
                assertEquals(1, sq, 1e-3); // ε = 1e-5 shrinks it slightly
            }
            Tensors.copy(m.create(gamma), ln.parameter("gamma").getArray());
            Tensors.copy(m.create(beta), ln.parameter("beta").getArray());
            // channels 1 and 4 absent: statistics over the other four, zero output there
            float[] present = {1, 0, 1, 1, 0, 1};
            net.addMask(ln.parameter("present"), m.create(present));
            double[] partial = layerNorm(toDouble(x), C, gamma, beta, present, 1e-5);
            float[] got = activation(net, m, x, new Shape(2, T, C), "ln1");
            assertClose(partial, got, 1e-5, "layer norm over present channels");
            assertEquals(0f, got[1]);
            assertEquals(0f, got[4]);
            assertTrue(Math.abs(partial[0] - ref[0]) > 1e-3, "absent channels change the statistics");
        }
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(0));
    }

    @Test
    void layerNormTakesNoGradientForItsPresenceFlags() {
        try (Net net = Models.sequential("LN", T, C).dense(C).layerNorm().flatten().dense(3).build(1)) {
            assertTrue(net.layer("ln1").parameter("gamma").requiresGradient());
            assertTrue(!net.layer("ln1").parameter("present").requiresGradient());
            assertEquals(new Shape(C), net.layer("ln1").parameter("present").getArray().getShape());
        }
    }

    @Test
    void attentionMatchesTheDefinitionCausalAndNot() {
        for (boolean causal : new boolean[] {false, true}) {
            try (Net net = Models.sequential("Att", T, C).selfAttention(2, causal).flatten().dense(3).build(2);
                    NDManager m = net.manager().newSubManager()) {
                randomise(net, 7, 0.8f);
                float[] x = randomInput(3 * T * C, 8);
                double[] ref = selfAttention(net, "attn1", toDouble(x), 3, T, C, 2, causal);
                assertClose(ref, activation(net, m, x, new Shape(3, T, C), "attn1.out"), 1e-5, "attention " + causal);
                // the DJL block's own forward gives the same (the net's forward runs it)
                NDArray direct = net.block().getChildren().get(0).getValue().forward(new ParameterStore(m, false),
                        new NDList(m.create(x, new Shape(3, T, C))), false).singletonOrThrow();
                assertClose(ref, direct.toFloatArray(), 1e-5, "attention block " + causal);
                // causal: position 0 sees only itself, so its output does not depend on later positions
                float[] changed = x.clone();
                changed[(T - 1) * C] += 5;
                float[] a = activation(net, m, x, new Shape(3, T, C), "attn1.out");
                float[] b = activation(net, m, changed, new Shape(3, T, C), "attn1.out");
                assertEquals(causal, Math.abs(a[0] - b[0]) < 1e-7, "position 0 looks ahead: " + !causal);
            }
        }
    }

    @Test
    void aTinyCausalAttentionByHand() {
        // one head of size 1 over width 1, q = k = v = x (weights 1, biases 0), out = identity: position t
        // gets the softmax(x_t·x_s)-weighted mean of x_s over s ≤ t
        try (Net net = Models.sequential("Tiny", 3, 1).add(new SelfAttention(1, 1, 1, true, true)).flatten().dense(1)
                .build(1); NDManager m = net.manager().newSubManager()) {
            for (String p : List.of("q", "k", "v", "out")) {
                Tensors.copy(m.create(new float[] {1}, new Shape(1, 1)), net.layer("attn1." + p).weight().getArray());
                Tensors.copy(m.create(new float[] {0}), net.layer("attn1." + p).bias().getArray());
            }
            float[] y = activation(net, m, new float[] {1, 2, 3}, new Shape(1, 3, 1), "attn1.out");
            double e2 = Math.exp(2);
            double e4 = Math.exp(4);
            double e3 = Math.exp(3);
            double e6 = Math.exp(6);
            double e9 = Math.exp(9);
            assertEquals(1, y[0], 1e-6);
            assertEquals((e2 * 1 + e4 * 2) / (e2 + e4), y[1], 1e-5);
            assertEquals((e3 * 1 + e6 * 2 + e9 * 3) / (e3 + e6 + e9), y[2], 1e-5);
        }
    }

    @Test
    void positionEmbeddingAddsItsRowsAndRefusesLongerSequences() {
        try (Net net = Models.sequential("Pos", T, C).positionEmbedding(7).flatten().dense(3).build(3);
                NDManager m = net.manager().newSubManager()) {
            float[] table = net.layer("pos").parameter("table").getArray().toFloatArray();
            assertEquals(new Shape(7, C), net.layer("pos").parameter("table").getArray().getShape());
            float[] x = randomInput(2 * T * C, 9);
            float[] y = activation(net, m, x, new Shape(2, T, C), "pos");
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < T * C; i++) {
                    assertEquals(x[s * T * C + i] + table[i], y[s * T * C + i], 1e-6);
                }
            }
            IllegalArgumentException longer = assertThrows(IllegalArgumentException.class, () -> net.layer("pos")
                    .block().forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 9, C))), false));
            assertTrue(longer.getMessage().contains("9 positions is longer than the position embedding's maxLength 7"),
                    longer.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.sequential("Pos", 9, C).positionEmbedding(8));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void aPreLnTransformerBlockMatchesItsDefinition() {
        int heads = 3;
        try (Net net = Models.sequential("Block", T, C).transformerBlock(heads, 10, true).flatten().dense(3).build(4);
                NDManager m = net.manager().newSubManager()) {
            randomise(net, 11, 0.5f);
            float[] x = randomInput(2 * T * C, 12);
            double[] in = toDouble(x);
            Layer ln1 = net.layer("t1_attn.ln");
            double[] a = layerNorm(in, C, ln1.parameter("gamma").getArray().toFloatArray(),
                    ln1.parameter("beta").getArray().toFloatArray(), new float[] {1, 1, 1, 1, 1, 1}, 1e-5);
            double[] att = selfAttention(net, "t1_attn.sa", a, 2, T, C, heads, true);
            double[] h = new double[in.length];
            for (int i = 0; i < h.length; i++) {
                h[i] = in[i] + att[i];
            }
            Layer ln2 = net.layer("t1_mlp.ln");
            double[] b = layerNorm(h, C, ln2.parameter("gamma").getArray().toFloatArray(),
                    ln2.parameter("beta").getArray().toFloatArray(), new float[] {1, 1, 1, 1, 1, 1}, 1e-5);
            double[] u = dense(b, C, net.layer("t1_mlp.fc1").weightValues(), net.layer("t1_mlp.fc1").biasValues());
            for (int i = 0; i < u.length; i++) {
                u[i] = gelu(u[i]);
            }
            double[] f = dense(u, 10, net.layer("t1_mlp.fc2").weightValues(), net.layer("t1_mlp.fc2").biasValues());
            double[] out = new double[h.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = h[i] + f[i];
            }
            float[] got = net.forwardWithActivations(m.create(x, new Shape(2, T, C)), List.of("flatten")).get("flatten")
                    .toFloatArray();
            assertClose(out, got, 1e-5, "transformer block");
        }
    }

    @Test
    void clearErrorsForHeadsAndWidths() {
        IllegalArgumentException divide = assertThrows(IllegalArgumentException.class,
                () -> Models.sequential("Att", T, C).selfAttention(4, false));
        assertTrue(divide.getMessage().contains("4 heads do not divide the width 6"), divide.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Models.sequential("Att", T, C).transformerBlock(0, 8, false));
        assertTrue(none.getMessage().contains("heads"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SelfAttention(8, 0, 4, false, true));
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> Models.sequential("Att", T, C).add(new SelfAttention(8, 2, 4, false, true)));
        assertTrue(width.getMessage().contains("self-attention over 8 channels"), width.getMessage());
        IllegalStateException images = assertThrows(IllegalStateException.class,
                () -> Models.sequential("Img", 1, 8, 8).selfAttention(1, false));
        assertTrue(images.getMessage().contains("sequences"), images.getMessage());
    }

    static Net tinyTransformer(long seed) {
        return Models.sequential("TinyGPT", 8, 5).dense(12).positionEmbedding(8).transformerBlock(3, 16, true)
                .transformerBlock(2, 20, true).layerNorm().flatten().dense(3).build(seed);
    }

    @Test
    void channelGroupsOfATransformer() {
        try (Net net = tinyTransformer(1)) {
            ChannelGroups g = net.channelGroups();
            ChannelGroup heads = g.of("t1_attn.sa.q");
            assertEquals(3, heads.channels());
            assertEquals(4, heads.width());
            assertEquals(List.of("t1_attn.sa.q", "t1_attn.sa.k", "t1_attn.sa.v"), heads.producers());
            assertEquals(List.of("t1_attn.sa.out"), heads.consumers());
            assertTrue(heads.isPrunable() && heads.toString().contains("3 heads of 4"), heads.toString());
            assertEquals(2, g.of("t2_attn.sa.v").channels());
            assertEquals(6, g.of("t2_attn.sa.v").width());
            ChannelGroup mlp = g.of("t1_mlp.fc1");
            assertEquals(16, mlp.channels());
            assertEquals(List.of("t1_mlp.fc2"), mlp.consumers());
            ChannelGroup stream = g.of("fc1");
            assertEquals(12, stream.channels());
            assertEquals(List.of("fc1", "t1_attn.sa.out", "t1_mlp.fc2", "t2_attn.sa.out", "t2_mlp.fc2"),
                    stream.producers());
            assertEquals(List.of("pos", "t1_attn.ln", "t1_mlp.ln", "t2_attn.ln", "t2_mlp.ln", "ln1"), stream.perChannel());
            assertEquals(List.of("t1_attn.sa.q", "t1_attn.sa.k", "t1_attn.sa.v", "t1_mlp.fc1", "t2_attn.sa.q",
                    "t2_attn.sa.k", "t2_attn.sa.v", "t2_mlp.fc1", "fc2"), stream.consumers());
            assertTrue(stream.isPrunable());
            assertEquals(5, g.prunable().size(), g.toString());
        }
    }

    @Test
    void aTransformerCopiesSavesAndLoadsExactly() throws Exception {
        Path file = Files.createTempFile("prunekit-transformer", ".pk");
        try (Net net = tinyTransformer(2); Net copy = net.copy()) {
            assertEquals(net.architecture(), Architecture.parse(net.architecture().encode()));
            assertTrue(net.architecture().encode().contains("sa attention 12 3 4 true true"),
                    net.architecture().encode());
            NetIO.save(net, file);
            try (Net loaded = NetIO.load(file)) {
                assertEquals(net.architecture(), loaded.architecture());
                float[] x = randomInput(20 * 8 * 5, 3);
                var probe = org.prunekit.data.ImageSet.of("probe", x, new Shape(8, 5), new int[20],
                        List.of("a", "b", "c"));
                Agreement.of(net, copy, probe).requireWithin(0);
                Agreement.of(net, loaded, probe).requireWithin(0);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
