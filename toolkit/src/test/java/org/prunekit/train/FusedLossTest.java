package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prunekit.PruneKit;

/**
 * The training loop's fused loss against a plain double-precision reference (softmax written out)
 * and against the engine's own loss ({@link Training#crossEntropy}) and its autograd gradient, on
 * classifier-shaped and sequence-shaped logits, with large logits, ties and a target out of range.
 */
class FusedLossTest {

    @ParameterizedTest(name = "{0} rows of {1}, scale {2}")
    @CsvSource({"64, 10, 3", "7, 2, 1", "128, 37, 30", "1, 5, 0"})
    void agreesWithAReferenceAndWithTheEngine(int rows, int classes, float scale) {
        PruneKit.init();
        Random random = new Random(rows * 31L + classes);
        float[] z = new float[rows * classes];
        int[] y = new int[rows];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (random.nextGaussian() * scale);
        }
        for (int r = 0; r < rows; r++) {
            y[r] = random.nextInt(classes);
        }
        FusedLoss fused = FusedLoss.of(z, classes, y);
        // the reference in doubles: loss = mean(log Σ exp z − z_y), d/dz = (softmax − onehot)/rows
        double loss = 0;
        long correct = 0;
        double[] grad = new double[z.length];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            int best = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(z[r * classes + j]);
                best = z[r * classes + j] > z[r * classes + best] ? j : best;
            }
            loss += (Math.log(sum) - z[r * classes + y[r]]) / rows;
            correct += best == y[r] ? 1 : 0;
            for (int j = 0; j < classes; j++) {
                grad[r * classes + j] = (Math.exp(z[r * classes + j]) / sum - (j == y[r] ? 1 : 0)) / rows;
            }
        }
        assertEquals(loss, fused.loss(), 1e-9 * Math.max(1, loss));
        assertEquals(correct, fused.correct());
        for (int i = 0; i < z.length; i++) {
            assertEquals(grad[i], fused.gradient()[i], 1e-7, "gradient " + i);
        }
        // the engine: its loss and, through autograd, its gradient, and the objective's gradient
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(z, new Shape(rows, classes));
            NDArray b = m.create(z, new Shape(rows, classes));
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            NDArray labels = m.create(java.util.Arrays.stream(y).asLongStream().toArray()).toType(DataType.INT64, false);
            float engineLoss;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray l = Training.crossEntropy(a, labels);
                engineLoss = l.getFloat();
                c.backward(l);
            }
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(fused.objective(b, m));
            }
            assertEquals(engineLoss, fused.loss(), 2e-6 * Math.max(1, loss));
            assertArrayEquals(a.getGradient().toFloatArray(), b.getGradient().toFloatArray(), 2e-7f);
            assertArrayEquals(fused.gradient(), b.getGradient().toFloatArray(), 0f, "the objective's gradient is G");
            PruneKit.noGrad();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ties", "nan", "range"})
    void edgeCases(String which) {
        switch (which) {
            case "ties" -> // the first of equal largest logits is the prediction, as the engine's argmax
                assertEquals(1, FusedLoss.of(new float[] {2, 2, 1, 0, 3, 3}, 3, new int[] {1, 1}).correct());
            case "nan" -> assertTrue(Double.isNaN(FusedLoss.of(new float[] {1, Float.NaN}, 2, new int[] {0}).loss()));
            default -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> FusedLoss.of(new float[] {1, 2}, 2, new int[] {2}));
                assertTrue(e.getMessage().contains("Target 2 of row 0 is not one of the 2 classes"), e.getMessage());
            }
        }
    }
}
