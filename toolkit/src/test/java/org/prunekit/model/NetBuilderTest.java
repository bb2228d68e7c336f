package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/** The fluent architecture builder: names, shapes, every layer kind, and its errors. */
class NetBuilderTest {

    static NDArray input(NDManager m, Shape one, int batch, long seed) {
        java.util.Random r = new java.util.Random(seed);
        Shape shape = new Shape(batch).addAll(one);
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return m.create(v, shape);
    }

    @Test
    void theIssuesExampleBuildsWithReadableNames() {
        try (Net net = Models.sequential("MyCNN", new Shape(1, 28, 28)).conv(16, 3).batchNorm().relu().maxPool(2)
                .flatten().dense(64).relu().dropout(0.2).dense(10).build(42)) {
            assertEquals(List.of("conv1", "bn1", "relu1", "pool1", "flatten", "fc1", "relu2", "drop1", "fc2"),
                    net.layers().stream().map(Layer::name).toList());
            assertEquals(10, net.numClasses());
            assertEquals(new Shape(1, 16, 26, 26), net.outputShapes().get(0));
            assertEquals(new Shape(1, 16 * 13 * 13), net.outputShapes().get(4));
            assertEquals(List.of("conv1", "fc1", "fc2"), net.prunableLayers().stream().map(Layer::name).toList());
        }
    }

    @Test
    void givenNamesAndResidualNamesAreKept() {
        try (Net net = Models.sequential("R", 1, 12, 12).conv(8, 3, 1, 1).named("stem").relu()
                .residual(8, 1).residual(16, 2).globalAvgPool().dense(3).named("head").build()) {
            List<String> names = net.layers().stream().map(Layer::name).toList();
            assertEquals("stem", names.get(0));
            assertTrue(names.containsAll(List.of("res1.conv1", "res1.bn1", "res1.relu1", "res1.conv2", "res1.bn2",
                    "res1.relu", "res2.conv1", "res2.sc_conv1", "res2.sc_bn1", "gap", "head")), names.toString());
            assertFalse(names.contains("res1.sc_conv1"), "a block that keeps the shape has an identity shortcut");
            assertEquals(new Shape(1, 16, 6, 6), net.outputShapes().get(names.indexOf("res2.relu")));
        }
    }

    @Test
    void everyLayerKindBuildsRunsAndRoundTripsAsText() {
        Architecture arch;
        try (Net net = allKinds()) {
            arch = net.architecture();
            Architecture back = Architecture.parse(arch.encode());
            assertEquals(arch, back);
            try (NDManager m = net.manager().newSubManager(); Net rebuilt = new Net("again", back, 42)) {
                NDArray x = input(m, net.inputShape(), 3, 1);
                assertArrayEquals(net.forward(x, false).toFloatArray(), rebuilt.forward(x, false).toFloatArray(), 0f,
                        "same architecture and seed give the same net");
            }
        }
    }

    /** A net with every layer kind the builder offers. */
    static Net allKinds() {
        return Models.sequential("AllKinds", 1, 16, 16)
                .conv(6, 3, 1, 1).batchNorm().leakyRelu(0.1f).maxPool(2)
                .conv(8, 3).tanh().avgPool(2, 1)
                .residual(8, 1)
                .residual(m -> m.conv(8, 3, 1, 1).batchNorm().gelu()).relu()
                .residual(12, 2)
                .flatten().dense(20).batchNorm().relu().dropout(0.3)
                .residual(m -> m.dense(20).relu(), s -> s.dense(20, false)).relu()
                .dense(4)
                .build(42);
    }

    @Test
    void dropoutIsTheIdentityAtEvaluationAndSeededInTraining() {
        DataSplit data = Datasets.mnist().optLimit(256).optTestLimit(64).optBatchSize(64).build();
        try (Net a = Models.sequential("D", 784).dense(32).relu().dropout(0.5).dense(10).build(1);
                Net b = Models.sequential("D", 784).dense(32).relu().dropout(0.5).dense(10).build(1);
                NDManager m = a.manager().newSubManager()) {
            NDArray x = input(m, a.inputShape(), 8, 3);
            float[] once = a.forward(x, false).toFloatArray();
            assertArrayEquals(once, a.forward(x, false).toFloatArray(), 0f, "evaluation is deterministic");
            // without the dropout the same weights give the same outputs: dropout is the identity at evaluation
            try (Net plain = Models.sequential("P", 784).dense(32).relu().dense(10).build(1)) {
                assertArrayEquals(once, plain.forward(x, false).toFloatArray(), 1e-6f);
            }
            assertFalse(java.util.Arrays.equals(a.forward(x, true).toFloatArray(), once), "training mode drops");
            Training.fit(a, data, TrainConfig.builder().optEpochs(1).optSeed(5).build(), Progress.none());
            Training.fit(b, data, TrainConfig.builder().optEpochs(1).optSeed(5).build(), Progress.none());
            assertArrayEquals(a.layer("fc1").weight().getArray().toFloatArray(),
                    b.layer("fc1").weight().getArray().toFloatArray(), 0f, "the training seed fixes the dropout draws");
        }
    }

    @Test
    void shapeMistakesAreReportedAtTheLayerThatMakesThem() {
        IllegalStateException dense = assertThrows(IllegalStateException.class,
                () -> Models.sequential("X", 1, 28, 28).conv(4, 3).dense(10));
        assertTrue(dense.getMessage().contains("flatten()"), dense.getMessage());
        IllegalStateException conv = assertThrows(IllegalStateException.class,
                () -> Models.sequential("X", 30).conv(4, 3));
        assertTrue(conv.getMessage().contains("images"), conv.getMessage());
        IllegalArgumentException kernel = assertThrows(IllegalArgumentException.class,
                () -> Models.sequential("X", 1, 4, 4).conv(4, 5));
        assertTrue(kernel.getMessage().contains("conv1") && kernel.getMessage().contains("(1, 4, 4)"),
                kernel.getMessage());
        IllegalArgumentException residual = assertThrows(IllegalArgumentException.class,
                () -> Models.sequential("X", 1, 8, 8).conv(4, 3).residual(m -> m.conv(6, 3, 1, 1)));
        assertTrue(residual.getMessage().contains("res1") && residual.getMessage().contains("shortcut"),
                residual.getMessage());
        IllegalStateException end = assertThrows(IllegalStateException.class,
                () -> Models.sequential("X", 1, 8, 8).conv(4, 3).build());
        assertTrue(end.getMessage().contains("dense(classes)"), end.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Models.sequential("X", 30).dense(8).named("a").dense(2)
                .named("a"));
        assertThrows(IllegalArgumentException.class, () -> Models.sequential("X", 30).dense(0));
        assertThrows(IllegalArgumentException.class, () -> Models.sequential("X", 30).dropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> Models.sequential("X", 0, 28, 28));
        assertThrows(IllegalArgumentException.class, () -> Models.sequential("X", 30).residual(m -> { }));
        assertThrows(IllegalStateException.class, () -> Models.sequential("X", 30).named("first"));
    }

    @Test
    void logitsAndProbabilitiesCoverTheWholeSetAndAgreeWithTheEvaluation() {
        DataSplit data = Datasets.mnist().optLimit(100).optTestLimit(1234).build();
        try (Net net = Models.lenet5()) {
            float[][] z = net.logits(data.test());
            float[][] p = net.probabilities(data.test());
            assertEquals(1234, z.length);
            long correct = 0;
            for (int i = 0; i < z.length; i++) {
                double sum = 0;
                int best = 0;
                for (int k = 0; k < 10; k++) {
                    sum += p[i][k];
                    best = z[i][k] > z[i][best] ? k : best;
                }
                assertEquals(1.0, sum, 1e-5);
                correct += best == data.test().label(i) ? 1 : 0;
            }
            assertEquals(net.accuracy(data.test()), correct / 1234.0, 1e-12);
        }
    }

    @Test
    void theCatalogueIsBuiltWithTheBuilderAndKeepsItsNames() {
        try (Net lenet5 = Models.lenet5(); Net cnn = Models.smallCnn(); Net resnet = Models.resNet8()) {
            assertEquals(List.of("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "relu3", "fc2",
                    "relu4", "fc3"), lenet5.layers().stream().map(Layer::name).toList());
            assertEquals(61_706, lenet5.parameterCount());
            assertEquals(106_058, cnn.parameterCount());
            assertEquals(78_426, resnet.parameterCount());
            assertEquals(10, resnet.numClasses());
        }
    }
}
