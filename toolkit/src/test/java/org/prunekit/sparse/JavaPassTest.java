package org.prunekit.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.prunekit.data.ImageSet;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.train.Training;

/**
 * The Java training pass against the engine's autograd (the loss, the outputs and every parameter's gradient on
 * the same batch) on nets of every layer kind it takes, and the kernels it adds against double loops.
 */
class JavaPassTest {

    /** Nets of every kind the pass takes: an MLP, LeNet-5 (padded 5x5), and 3x3 / 2x2 / overlapping pools on RGB. */
    private static List<Supplier<Net>> nets() {
        return List.of(
                () -> Models.mlp("MLP-784-40-24-10", 7, 40, 24),
                () -> Models.lenet5(11),
                () -> Models.sequential("RGB", 3, 13, 11)
                        .conv(8, 3, 1, 1).relu().maxPool(3, 2)
                        .conv(5, 2, 1, 0).relu().maxPool(2)
                        .flatten().dense(17).relu().dense(6)
                        .build(5),
                () -> Models.sequential("NoBias", 2, 9, 9)
                        .conv(4, 4, 1, 3, false).maxPool(2).relu()
                        .flatten().dense(9, false)
                        .build(9),
                () -> Models.smallCnn(3),
                () -> Models.sequential("DenseNorm", 30).dense(20).batchNorm().relu().dense(4).build(2));
    }

    @Test
    void lossOutputsAndGradientsAreTheEngines() {
        assumeVector();
        for (Supplier<Net> make : nets()) {
            for (int batch : new int[] {64, 37, 5}) {
                try (Net net = make.get()) {
                    ImageSet data = randomImages(net, batch, 100 + batch);
                    int[] order = ImageSet.inOrder(batch);
                    int[] targets = data.targets();
                    Map<Parameter, float[]> values = new IdentityHashMap<>();
                    Map<Parameter, float[]> grads = new IdentityHashMap<>();
                    for (Pair<String, Parameter> p : net.block().getParameters()) {
                        values.put(p.getValue(), p.getValue().getArray().toFloatArray());
                        grads.put(p.getValue(), new float[(int) p.getValue().getArray().size()]);
                    }
                    Map<String, float[]> runningBefore = running(net);
                    JavaPass pass = JavaPass.of(net, 64, JavaPass.ParameterArrays.of(values::get, grads::get));
                    pass.readState();
                    pass.assemble(data, order, 0, batch, targets);
                    pass.forward();
                    double loss = pass.loss();
                    pass.backward();

                    String what = net.name() + " at batch " + batch;
                    try (NDManager m = net.manager().newSubManager()) {
                        NDList b = data.batch(m, order, 0, batch, net.inputShape());
                        for (Pair<String, Parameter> p : net.block().getParameters()) {
                            if (p.getValue().requiresGradient()) {
                                p.getValue().getArray().setRequiresGradient(true);
                            }
                        }
                        float[] logits;
                        double engineLoss;
                        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                            NDArray z = net.forward(b.get(0), true);
                            NDArray l = Training.crossEntropy(z, b.get(1));
                            logits = z.toFloatArray();
                            engineLoss = l.getFloat();
                            c.backward(l);
                        }
                        // the running statistics: the engine's update of the net's, then the pass's written over them
                        Map<String, float[]> engineRunning = running(net);
                        pass.writeState();
                        Map<String, float[]> javaRunning = running(net);
                        assertEquals(runningBefore.keySet(), javaRunning.keySet());
                        for (String key : engineRunning.keySet()) {
                            float[] e = engineRunning.get(key);
                            float[] j = javaRunning.get(key);
                            for (int i = 0; i < e.length; i++) {
                                assertEquals(e[i], j[i], 1e-5 * (1 + Math.abs(e[i])), what + ": " + key + " at " + i);
                                assertTrue(e[i] != runningBefore.get(key)[i], what + ": " + key + " did not move");
                            }
                        }
                        assertEquals(engineLoss, loss, 1e-5 * Math.max(1, engineLoss), what + ": loss");
                        float[][] out = pass.outputs();
                        int classes = out[0].length;
                        long right = 0;
                        for (int i = 0; i < batch; i++) {
                            int arg = 0;
                            for (int c = 0; c < classes; c++) {
                                assertEquals(logits[i * classes + c], out[i][c], 1e-4, what + ": output");
                                arg = logits[i * classes + c] > logits[i * classes + arg] ? c : arg;
                            }
                            right += arg == targets[i] ? 1 : 0;
                        }
                        assertEquals(right, pass.correct(), what + ": correct");
                        for (Pair<String, Parameter> p : net.block().getParameters()) {
                            if (!p.getValue().requiresGradient()) {
                                continue; // a batch norm's running statistics (compared above)
                            }
                            NDArray g = p.getValue().getArray().getGradient();
                            g.attach(m);
                            float[] expect = g.toFloatArray();
                            float[] got = grads.get(p.getValue());
                            double scale = 0;
                            for (float v : expect) {
                                scale = Math.max(scale, Math.abs(v));
                            }
                            assertTrue(scale > 0, what + ": " + p.getKey() + " has a zero gradient");
                            for (int i = 0; i < expect.length; i++) {
                                assertEquals(expect[i], got[i], 2e-5 * scale + 1e-6,
                                        what + ": gradient of " + p.getKey() + " at " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void saysWhichNetsItCannotTrain() {
        assumeVector();
        try (Net bn = Models.smallCnn(); Net strided = Models.sequential("Strided", 1, 8, 8).conv(2, 3, 2, 1).flatten()
                .dense(3).build(1); Net lenet = Models.lenet5()) {
            assertNull(JavaPass.unsupported(bn));
            assertTrue(JavaPass.unsupported(strided).contains("stride"), JavaPass.unsupported(strided));
            assertNull(JavaPass.unsupported(lenet));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JavaPass.of(strided, 8,
                    null));
            assertTrue(e.getMessage().contains("engine"), e.getMessage());
        }
    }

    @Test
    void correlationAndMaxRoutingMatchDoubleLoops() {
        assumeVector();
        Random r = new Random(3);
        int l = VectorProducts.lanes();
        for (int trial = 0; trial < 20; trial++) {
            int m = 1 + r.nextInt(7);
            int k = 1 + r.nextInt(11);
            int rows = 1 + r.nextInt(4);
            int len = l * (1 + r.nextInt(5));
            int aRow = len + l * r.nextInt(2);
            int aStride = rows * aRow;
            int xRow = len + r.nextInt(9);
            int[] at = new int[k];
            for (int c = 0; c < k; c++) {
                at[c] = r.nextInt(13);
            }
            float[] a = random(r, m * aStride);
            float[] x = random(r, 13 + rows * xRow + len);
            float[] g = new float[m * k];
            VectorProducts.correlate(a, 0, aStride, aRow, m, x, 0, at, xRow, k, rows, len, g);
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < k; c++) {
                    double s = 0;
                    for (int q = 0; q < rows; q++) {
                        for (int j = 0; j < len; j++) {
                            s += (double) a[i * aStride + q * aRow + j] * x[at[c] + q * xRow + j];
                        }
                    }
                    assertEquals(s, g[i * k + c], 1e-4 * (1 + Math.abs(s)), "trial " + trial);
                }
            }
        }
        // max routing: ties go to the first window position, as torch routes them
        for (int n : new int[] {l, 3 * l + 5, 7}) {
            int[] window = {0, n, 2 * n, 3 * n};
            float[] x = new float[4 * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(3); // many ties
            }
            float[] y = new float[n];
            VectorProducts.maxOver(x, 0, window, y, 0, n);
            float[] dy = random(r, n);
            float[] dx = new float[4 * n];
            VectorProducts.maxBackward(x, dx, 0, window, y, dy, 0, n);
            for (int i = 0; i < n; i++) {
                int first = -1;
                for (int w = 0; w < 4; w++) {
                    if (first < 0 && x[w * n + i] == y[i]) {
                        first = w;
                    }
                }
                for (int w = 0; w < 4; w++) {
                    assertEquals(w == first ? dy[i] : 0f, dx[w * n + i], "lane " + i + " position " + w);
                }
            }
        }
    }

    /** @return the batch norms' running statistics of a net, by parameter name */
    private static Map<String, float[]> running(Net net) {
        Map<String, float[]> out = new java.util.TreeMap<>();
        for (Pair<String, Parameter> p : net.block().getParameters()) {
            if (p.getKey().contains("running")) {
                out.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        }
        return out;
    }

    private static void assumeVector() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.VECTOR, "the Vector API is not available in this JVM");
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static ImageSet randomImages(Net net, int n, long seed) {
        Random r = new Random(seed);
        Shape shape = net.inputShape();
        float[] values = random(r, (int) (n * shape.size()));
        int[] labels = new int[n];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < net.numClasses(); c++) {
            names.add("c" + c);
        }
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(net.numClasses());
        }
        return ImageSet.of("random", values, shape, labels, names);
    }

    @Test
    void aNetWithNothingItTakesIsNamed() {
        assumeVector();
        try (Net tanh = Models.sequential("Tanh", 4).dense(3).tanh().dense(2).build(1)) {
            String why = JavaPass.unsupported(tanh);
            assertNotNull(why);
            assertTrue(why.toLowerCase(java.util.Locale.ROOT).contains("tanh"), why);
        }
    }
}
