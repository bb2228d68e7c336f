package org.prunekit.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;
import org.prunekit.model.Tensors;

/**
 * The cause of the transformer language models' sudden NaN loss (about one training in eight):
 * DJL's {@code x.mul(number)} makes the number a tensor over a Java direct buffer
 * ({@code torch.from_blob}, memory that libtorch does not own), runs the op and closes that tensor
 * at once. Autograd keeps the tensor for the backward pass of {@code mul} and {@code div} — the
 * gradient is multiplied by it — but the buffer belongs to the garbage collector: a collection
 * between forward and backward frees it (malloc's free list then writes a pointer into it), and
 * the backward pass multiplies by whatever is there. Attention's {@code 1/√headSize} was such a
 * number; a collection falls between a training step's forward and backward now and then, and the
 * next weights were garbage.
 *
 * <p>These tests put a garbage collection exactly there, deterministically, and compare the
 * gradients with plain-Java values (the scale itself) and with the same computation without the
 * collection. Before the fix (attention's scale through {@link Tensors#times}) the attention test
 * failed: the queries' gradient differed from the undisturbed one.
 */
class ScalarLifetimeTest {

    /** Collects garbage until direct buffers dropped before are freed (their cleaners run on another thread). */
    static void collectGarbage() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @return d(sum(f(x)))/dx, with (or without) a garbage collection between the forward and the
     *     backward pass
     */
    static float[] gradient(NDManager m, float[] x, Shape shape, Function<NDArray, NDArray> f, boolean gc) {
        NDArray in = m.create(x, shape);
        in.setRequiresGradient(true);
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            NDArray y = f.apply(in).sum();
            if (gc) {
                collectGarbage();
            }
            c.backward(y);
        }
        return in.getGradient().toFloatArray();
    }

    @Test
    void aScaleKeepsItsValueThroughAGarbageCollectionBeforeBackward() {
        PruneKit.noGrad();
        try (NDManager m = PruneKit.init().newBaseManager()) {
            float[] x = new float[64];
            for (int i = 0; i < x.length; i++) {
                x[i] = i - 20;
            }
            float scale = (float) (1 / Math.sqrt(8));
            float[] g = gradient(m, x, new Shape(64), a -> Tensors.times(a, scale), true);
            for (float v : g) {
                assertEquals(scale, v, 0f, "d(scale·x)/dx must be the scale after a garbage collection");
            }
        }
    }

    @Test
    void attentionGradientsDoNotDependOnAGarbageCollectionBeforeBackward() {
        PruneKit.noGrad();
        int b = 3;
        int t = 7;
        int heads = 2;
        int headSize = 8;
        Random r = new Random(5);
        float[] q = new float[b * t * heads * headSize];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) r.nextGaussian();
        }
        Shape shape = new Shape(b, t, heads * headSize);
        try (NDManager m = PruneKit.init().newBaseManager()) {
            NDArray k = m.randomNormal(shape);
            NDArray v = m.randomNormal(shape);
            for (boolean causal : new boolean[] {true, false}) {
                Function<NDArray, NDArray> f = a -> SelfAttention.attend(a, k, v, heads, headSize, causal)
                        .mul(v); // a weighted sum, so that the gradient is not zero
                float[] quiet = gradient(m, q, shape, f, false);
                float[] disturbed = gradient(m, q, shape, f, true);
                for (float g : quiet) {
                    assertTrue(Float.isFinite(g));
                }
                assertTrue(java.util.Arrays.stream(box(quiet)).anyMatch(g -> Math.abs(g) > 1e-3), "a gradient to compare");
                assertArrayEquals(quiet, disturbed, 0f, "the queries' gradient changed when the garbage collector ran"
                        + " between forward and backward (causal " + causal + ")");
            }
        }
    }

    private static Float[] box(float[] a) {
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
