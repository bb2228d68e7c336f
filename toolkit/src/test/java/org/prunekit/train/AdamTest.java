package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prunekit.PruneKit;

class AdamTest {

    /** torch.optim.Adam, written out in doubles from its documentation. */
    private static double[] reference(double[] w, double[][] grads, double lr, double wd) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] x = w.clone();
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < x.length; i++) {
                double g = grads[t - 1][i] + wd * x[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                x[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return x;
    }

    @ParameterizedTest(name = "weight decay {0}, Java loop {1}")
    @CsvSource({"0, false", "0.1, false", "0, true", "0.1, true"})
    void matchesTorchAdamStepByStep(float weightDecay, boolean javaLoop) {
        PruneKit.init();
        double[] start = {1.0, -2.0, 0.5, 0.0};
        double[][] grads = {{0.3, -1.0, 2.0, 1e-4}, {0.1, -0.5, -2.0, 0.0}, {-0.2, 0.25, 1.0, 3.0}};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -2f, 0.5f, 0f});
            try (Adam adam = new Adam(List.of(w), m, 0.01f, weightDecay, javaLoop)) {
                stepThrough(adam, w, m, grads);
                assertEquals(3, adam.steps());
            }
            assertArrayEquals(floats(reference(start, grads, 0.01, weightDecay)), w.toFloatArray(), 1e-6f);
        }
    }

    /**
     * One Adam step per gradient, each gradient arriving through real autograd (d/dw of
     * sum(w * g) is g, in w's shape); checks that every step zeroes the gradient.
     */
    private static void stepThrough(Adam adam, NDArray w, NDManager m, double[][] grads) {
        for (double[] g : grads) {
            try (NDManager batch = m.newSubManager();
                    GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(w.mul(batch.create(floats(g), w.getShape())).sum());
            }
            adam.step();
            assertEquals(0f, w.getGradient().abs().sum().getFloat(), "gradient is zeroed after a step");
        }
    }

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /**
     * A strided weight (a transposed view) on the Java-loop path: DJL hands out a copy of such a
     * tensor's memory, so the loop must notice that its writes would be lost and work on copies.
     */
    @ParameterizedTest(name = "weight decay {0}")
    @CsvSource({"0", "0.1"})
    void aStridedWeightIsStillUpdated(float weightDecay) {
        PruneKit.init();
        double[] start = {1.0, -2.0, 0.5, 0.0};
        double[][] grads = {{0.3, -1.0, 2.0, 1e-4}, {0.1, -0.5, -2.0, 0.0}};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, 0.5f, -2f, 0f}, new ai.djl.ndarray.types.Shape(2, 2)).transpose();
            try (Adam adam = new Adam(List.of(w), m, 0.01f, weightDecay, true)) {
                stepThrough(adam, w, m, grads);
            }
            assertArrayEquals(floats(reference(start, grads, 0.01, weightDecay)), w.toFloatArray(), 1e-6f);
        }
    }

    /**
     * Both paths on a parameter large enough for the JIT to compile the Java loop (vector
     * instructions and a scalar tail, 100,003 values), five steps, against torch's formulas.
     */
    @ParameterizedTest(name = "weight decay {0}, Java loop {1}")
    @CsvSource({"0, true", "0.01, true", "0, false", "0.01, false"})
    void aLargeParameterMatchesTorchAdam(float weightDecay, boolean javaLoop) {
        PruneKit.init();
        int n = 100_003;
        java.util.Random random = new java.util.Random(7);
        double[] start = new double[n];
        for (int i = 0; i < n; i++) {
            start[i] = (float) random.nextGaussian();
        }
        double[][] grads = new double[5][n];
        for (double[] g : grads) {
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * (i % 7 == 0 ? 1e-6 : 1));
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(floats(start), new ai.djl.ndarray.types.Shape(n));
            try (Adam adam = new Adam(List.of(w), m, 1e-3f, weightDecay, javaLoop)) {
                stepThrough(adam, w, m, grads);
            }
            assertArrayEquals(floats(reference(start, grads, 1e-3, weightDecay)), w.toFloatArray(), 1e-6f);
        }
    }

    /**
     * A step with masks gives the same bits as a step without them followed by {@code w.muli(mask)}
     * (the order Training used before the masks moved into the step), on both paths, over several
     * steps (the moments of masked weights keep accumulating in both), including a mask that is
     * replaced by a sparser one half-way and a weight without a mask.
     */
    @ParameterizedTest(name = "weight decay {0}, Java loop {1}")
    @CsvSource({"0, true", "0.01, true", "0, false", "0.01, false"})
    void maskedStepEqualsStepThenMask(float weightDecay, boolean javaLoop) {
        PruneKit.init();
        java.util.Random random = new java.util.Random(11);
        float[] start = gaussian(random, 10_007);
        int n = start.length;
        float[] keep = new float[n];
        float[] keepLess = new float[n];
        for (int i = 0; i < n; i++) {
            keep[i] = random.nextDouble() < 0.3 ? 1 : 0;
            keepLess[i] = keep[i] * (random.nextDouble() < 0.5 ? 1 : 0);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray fused = m.create(start);
            NDArray separate = m.create(start);
            NDArray free = m.create(new float[] {0.5f, -1f, 2f});
            NDArray freeRef = m.create(new float[] {0.5f, -1f, 2f});
            NDArray mask = m.create(keep);
            NDArray sparser = m.create(keepLess);
            fused.muli(mask);
            separate.muli(mask);
            try (Adam a = new Adam(List.of(fused, free), m, 0.01f, weightDecay, javaLoop);
                    Adam b = new Adam(List.of(separate, freeRef), m, 0.01f, weightDecay, javaLoop)) {
                for (int step = 0; step < 6; step++) {
                    NDArray current = step < 3 ? mask : sparser;
                    float[] g = gaussian(random, n);
                    gradient(fused, free, m, g);
                    gradient(separate, freeRef, m, g);
                    a.step(java.util.Arrays.asList(current, null));
                    b.step();
                    separate.muli(current);
                    assertArrayEquals(separate.toFloatArray(), fused.toFloatArray(), "step " + step);
                    assertArrayEquals(freeRef.toFloatArray(), free.toFloatArray());
                }
            }
            float[] w = fused.toFloatArray();
            for (int i = 0; i < n; i++) {
                if (keepLess[i] == 0) {
                    assertEquals(0f, Math.abs(w[i]), "a masked weight is zero");
                }
            }
        }
    }

    private static float[] gaussian(java.util.Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    /** Gives {@code w} the gradient {@code g} and {@code other} the gradient 1 through autograd. */
    private static void gradient(NDArray w, NDArray other, NDManager m, float[] g) {
        try (NDManager batch = m.newSubManager();
                GradientCollector c = Engine.getInstance().newGradientCollector()) {
            c.backward(w.mul(batch.create(g, w.getShape())).sum().add(other.sum()));
        }
    }
}
