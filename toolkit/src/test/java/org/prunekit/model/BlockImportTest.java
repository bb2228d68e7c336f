package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicmodelzoo.cv.classification.LeNet;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparsityReport;

/** Importing blocks built with DJL's own layers. */
class BlockImportTest {

    private static final Shape IMAGE = new Shape(1, 28, 28);

    private static float[] run(ai.djl.nn.Block block, NDArray x) {
        return block.forward(new ParameterStore(x.getManager(), false), new NDList(x), false).singletonOrThrow()
                .toFloatArray();
    }

    /** A DJL CNN using every kind of DJL layer the import knows, in the forms DJL users write them. */
    private static SequentialBlock djlCnn() {
        SequentialBlock features = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().optEpsilon(1e-3f).build())
                .add(Activation::relu) // an anonymous lambda
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        return new SequentialBlock()
                .add(features) // nested
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(12).optStride(new Shape(2, 2)).build())
                .add(Activation.leakyReluBlock(0.1f))
                .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(1, 1)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(32).build())
                .add(Activation.tanhBlock())
                .add(Dropout.builder().optRate(0.25f).build())
                .add(Linear.builder().setUnits(10).build());
    }

    @Test
    void aDjlCnnIsRecognisedLayerByLayerAndComputesTheSame() {
        PruneKit.init();
        SequentialBlock block = djlCnn();
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(1).addAll(IMAGE));
            try (Net net = Net.of(block, IMAGE, 10, "DJL-CNN", 1)) {
                assertEquals(List.of("conv1", "bn1", "relu1", "pool1", "conv2", "lrelu1", "avgpool1", "flatten", "fc1",
                        "tanh1", "drop1", "fc2"), net.layers().stream().map(Layer::name).toList());
                assertEquals(new org.prunekit.model.layers.Norm(1e-3f, 0.9f), net.layer("bn1").spec());
                assertEquals(new org.prunekit.model.layers.MaxPool(2, 2, 0), net.layer("pool1").spec());
                assertEquals(new org.prunekit.model.layers.AvgPool(2, 1, 0), net.layer("avgpool1").spec());
                assertEquals(new org.prunekit.model.layers.LeakyRelu(0.1f), net.layer("lrelu1").spec());
                assertEquals(new org.prunekit.model.layers.Dropout(0.25f), net.layer("drop1").spec());
                assertEquals(new org.prunekit.model.layers.Conv(12, 3, 3, 2, 2, 0, 0, 1, true), net.layer("conv2").spec());
                try (NDManager b = net.manager().newSubManager()) {
                    NDArray x = NetBuilderTest.input(b, IMAGE, 4, 9);
                    assertArrayEquals(run(block, x), net.forward(x, false).toFloatArray(), 1e-5f);
                }
                // the net holds copies: changing it leaves the block alone
                net.layer("fc2").weight().getArray().muli(0);
                assertTrue(block.getChildren().get(8).getValue().getParameters().get("weight").getArray().abs().sum()
                        .getFloat() > 0);
                // structured pruning and removal work on the imported net
                Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.5)
                        .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
                assertEquals(3, net.removePrunedUnits().size());
            }
        }
    }

    @Test
    void djlResNetV1IsImportedWithItsResidualUnitsAndPrunedByGroups() {
        SequentialBlock resnet = ResNetV1.builder().setImageShape(IMAGE).setNumLayers(8).setOutSize(10).build();
        try (Net net = Net.of(resnet, IMAGE, 10)) {
            assertInstanceOf(org.prunekit.model.layers.Residual.class, net.architecture().layers().get(1).spec());
            assertEquals(new org.prunekit.model.layers.Relu(), net.architecture().layers().get(2).spec(), "relu after the sum");
            ChannelGroups groups = net.channelGroups();
            assertEquals(List.of("res1.conv2", "res1.sc_conv1"), groups.of("res1.conv2").producers());
            assertEquals(7, groups.prunable().size());
            try (NDManager m = net.manager().newSubManager()) {
                NDArray x = NetBuilderTest.input(m, IMAGE, 2, 4);
                assertArrayEquals(run(resnet, x), net.forward(x, false).toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void djlLeNetWithSigmoidsPrunesPerWeightAndSaysWhyNotPerUnit() {
        SequentialBlock lenet = (SequentialBlock) LeNet.builder().setOutSize(10).build();
        try (Net net = Net.of(lenet, IMAGE, 10)) {
            SparsityReport r = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.8)
                    .optScope(Scope.GLOBAL).build().plan(net).apply();
            assertEquals(0.8, r.sparsity(), 1e-3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pruner.builder()
                    .setImportance(Importance.magnitudeL1()).setSparsity(0.5).optGranularity(Granularity.STRUCTURED)
                    .build().plan(net));
            assertTrue(e.getMessage().contains("sigmoid") && e.getMessage().contains("unstructured"), e.getMessage());
        }
    }

    @Test
    void aBlockPruneKitDoesNotKnowIsKeptTrainsAndPrunesPerWeightButNamesItselfWhenItStopsSomething() throws Exception {
        // a two-branch block that concatenates (not a residual sum), with Linear layers inside
        ParallelBlock concat = new ParallelBlock(list -> new NDList(NDArrays.concat(new NDList(list.get(0)
                .singletonOrThrow(), list.get(1).singletonOrThrow()), 1)),
                List.of(Linear.builder().setUnits(8).build(), Linear.builder().setUnits(8).build()));
        SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(32).build()).add(Activation.reluBlock()).add(concat)
                .add(Activation.reluBlock()).add(Linear.builder().setUnits(10).build());
        try (Net net = Net.of(block, IMAGE, 10)) {
            org.prunekit.model.layers.Foreign foreign = assertInstanceOf(org.prunekit.model.layers.Foreign.class, net.layer("block1").spec());
            assertEquals("ParallelBlock", foreign.description());
            assertEquals(4, net.prunableLayers().size(), "fc1, the two Linear layers inside the block, fc2: "
                    + net.prunableLayers().stream().map(Layer::name).toList());
            SparsityReport r = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).build()
                    .plan(net).apply();
            assertEquals(0.5, r.row("block1/01Linear").sparsity(), 1e-3);
            assertTrue(r.row("block1/01Linear").macs() < 0, "shapes inside a foreign block are not known");
            IllegalArgumentException structured = assertThrows(IllegalArgumentException.class, () -> Pruner.builder()
                    .setImportance(Importance.magnitudeL1()).setSparsity(0.5).optGranularity(Granularity.STRUCTURED)
                    .optLayers("fc1").build().plan(net));
            assertTrue(structured.getMessage().contains("block1") && structured.getMessage().contains("ParallelBlock"),
                    structured.getMessage());
            IllegalStateException copy = assertThrows(IllegalStateException.class, net::copy);
            assertTrue(copy.getMessage().contains("block1"), copy.getMessage());
            // saving works; loading needs the block again
            Path file = Files.createTempFile("prunekit-foreign", ".pk");
            try {
                NetIO.save(net, file);
                IllegalArgumentException load = assertThrows(IllegalArgumentException.class, () -> NetIO.load(file));
                assertTrue(load.getMessage().contains("loadInto"), load.getMessage());
                float[] saved = net.layer("fc1").weight().getArray().toFloatArray();
                net.layer("fc1").weight().getArray().muli(0);
                NetIO.loadInto(net, file);
                assertArrayEquals(saved, net.layer("fc1").weight().getArray().toFloatArray(), 0f);
                assertFalse(net.masks().isEmpty(), "masks restored");
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void aBlockThatDoesNotFitSaysSo() {
        SequentialBlock block = new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(5).build());
        IllegalArgumentException classes = assertThrows(IllegalArgumentException.class, () -> Net.of(block, IMAGE, 10));
        assertTrue(classes.getMessage().contains("(5)") && classes.getMessage().contains("10"), classes.getMessage());
        SequentialBlock conv = new SequentialBlock().add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4)
                .build()).add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(10).build());
        assertThrows(IllegalArgumentException.class, () -> Net.of(conv, new Shape(30), 10));
    }
}
