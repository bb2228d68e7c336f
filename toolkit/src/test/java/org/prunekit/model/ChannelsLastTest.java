package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Image batches of 2 or more run channels-last in memory: the layout changes, the values do not.
 * A batch of 16 (channels-last) must give what its examples give one by one (default layout),
 * on every kind of convolutional net the toolkit builds.
 */
class ChannelsLastTest {

    @Test
    void theLayoutKeepsShapeAndValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Shape one : List.of(new Shape(1, 6, 5), new Shape(3, 4, 7))) {
                NDArray x = NetBuilderTest.input(m, one, 16, 7);
                NDArray cl = Tensors.channelsLast(x);
                assertEquals(x.getShape(), cl.getShape());
                assertArrayEquals(x.toFloatArray(), cl.toFloatArray());
                assertArrayEquals(x.get("3, :, 2").toFloatArray(), cl.get("3, :, 2").toFloatArray());
                assertArrayEquals(x.sum(new int[] {0, 2, 3}).toFloatArray(), cl.sum(new int[] {0, 2, 3})
                        .toFloatArray(), 1e-3f); // another summation order
            }
        }
    }

    @Test
    void smallBatchesAndOtherShapesAreLeftAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray few = NetBuilderTest.input(m, new Shape(1, 28, 28), Tensors.CHANNELS_LAST_MIN_BATCH - 1, 1);
            assertSame(few, Tensors.channelsLast(few));
            NDArray flat = NetBuilderTest.input(m, new Shape(784), 64, 1);
            assertSame(flat, Tensors.channelsLast(flat));
        }
    }

    @Test
    void aBatchComputesWhatItsExamplesComputeOneByOne() {
        List<Net> nets = List.of(Models.lenet5(3), Models.smallCnn(3), Models.resNet8(3),
                Models.sequential("RGB", 3, 12, 12).conv(8, 3, 1, 1).batchNorm().relu().avgPool(2)
                        .residual(8, 1).conv(6, 3).relu().maxPool(2, 1).globalAvgPool().dropout(0.3).dense(4)
                        .build(3));
        for (Net net : nets) {
            try (net; NDManager m = net.manager().newSubManager()) {
                NDArray batch = NetBuilderTest.input(m, net.inputShape(), 16, 11);
                NDArray together = net.forward(batch, false);
                NDList alone = new NDList();
                for (int i = 0; i < 16; i++) {
                    alone.add(net.forward(batch.get(i + ":" + (i + 1)), false));
                }
                float[] expected = NDArrays.concat(alone).toFloatArray();
                assertArrayEquals(expected, together.toFloatArray(), 1e-4f, net.name());
                // the layer-by-layer pass runs in the same layout and gives the same logits
                Map<String, NDArray> observed = net.forwardWithActivations(batch, List.of(net.layers().get(0)
                        .name()));
                assertArrayEquals(together.toFloatArray(), observed.get("output").toFloatArray(), 1e-5f, net.name());
                assertEquals(new Shape(16).addAll(net.outputShapes().get(0).slice(1)),
                        observed.get(net.layers().get(0).name()).getShape());
            }
        }
    }

    /**
     * A net whose batch norms cover 13 and 11 channels trains in the default layout but infers
     * channels-last, those batch norms in their affine form: a batch of 16 must give what its examples
     * give one by one (default layout, the engine's batch-norm kernel), with running statistics,
     * scales and shifts far from their initial values.
     */
    @Test
    void oddBatchNormsInferChannelsLastAsTheirAffineFormWithTheSameValues() {
        try (Net net = Models.sequential("Odd", 1, 12, 12).conv(13, 3, 1, 1).batchNorm().relu()
                .residual(m -> m.conv(13, 3, 1, 1).batchNorm()).relu().conv(11, 3, 2, 1).batchNorm().relu()
                .globalAvgPool().dense(4).build(5); NDManager m = net.manager().newSubManager()) {
            java.util.Random r = new java.util.Random(5);
            for (Layer l : net.layers()) {
                if (l.isBatchNorm()) {
                    for (String key : List.of("gamma", "beta", "runningMean", "runningVar")) {
                        NDArray p = l.parameter(key).getArray();
                        float[] v = new float[(int) p.size()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = key.equals("runningVar") ? 0.2f + 2 * r.nextFloat() : (float) r.nextGaussian();
                        }
                        p.set(v);
                    }
                }
            }
            assertEquals(false, net.runsChannelsLast());
            NDArray batch = NetBuilderTest.input(m, net.inputShape(), 16, 3);
            float[] together = net.forward(batch, false).toFloatArray();
            NDList alone = new NDList();
            for (int i = 0; i < 16; i++) {
                alone.add(net.forward(batch.get(i + ":" + (i + 1)), false));
            }
            assertArrayEquals(NDArrays.concat(alone).toFloatArray(), together, 1e-4f);
            Map<String, NDArray> observed = net.forwardWithActivations(batch, List.of("bn1"));
            assertArrayEquals(observed.get("output").toFloatArray(), together, 1e-4f);
            // the affine form leaves nothing behind with the parameters: a pass's arrays all go with its manager
            long live = org.prunekit.reliability.Memory.liveArrays(net.manager());
            for (int pass = 0; pass < 20; pass++) {
                try (NDManager p = m.newSubManager()) {
                    batch.tempAttach(p);
                    net.forward(batch, false).toFloatArray();
                }
            }
            assertEquals(live, org.prunekit.reliability.Memory.liveArrays(net.manager()));
        }
    }

    @Test
    void batchNormOverChannelsThatAreNoMultipleOfEightKeepsTheDefaultLayout() {
        try (Net lenet = Models.lenet5(1); Net cnn = Models.smallCnn(1); Net res = Models.resNet8(1);
                Net odd = Models.sequential("Odd", 1, 12, 12).conv(13, 3).batchNorm().relu().flatten().dense(4)
                        .build(1);
                Net denseNorm = Models.sequential("DenseNorm", 1, 12, 12).conv(8, 3).batchNorm().relu().flatten()
                        .dense(100).batchNorm().relu().dense(4).build(1)) {
            assertEquals(true, lenet.runsChannelsLast());
            assertEquals(true, cnn.runsChannelsLast());
            assertEquals(true, res.runsChannelsLast());
            assertEquals(false, odd.runsChannelsLast(), "13 channels under batch norm");
            assertEquals(true, denseNorm.runsChannelsLast(), "a batch norm over 100 dense units does not count");
        }
    }
}
