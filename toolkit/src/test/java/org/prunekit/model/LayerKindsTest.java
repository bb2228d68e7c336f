package org.prunekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.layers.DepthwiseConv;
import org.prunekit.model.layers.LayerKinds;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.Pruner;
import org.prunekit.train.Agreement;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;
import org.prunekit.train.Training;

/**
 * Layer kinds carry their own behaviour: every kind's encoding reads back through the registry,
 * and the depthwise convolution — the kind added through the kinds' own files alone — works end
 * to end: builder, channel groups, structured removal with masked = shrunk, NetIO and DJL import.
 */
class LayerKindsTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(300).optTestLimit(100).optBatchSize(50).build();

    private static Net separable() {
        return Models.sequential("DW", 1, 28, 28).conv(12, 3, 1, 1).relu().depthwiseConv(3, 1, 1).batchNorm().relu()
                .conv(16, 1, 1, 0).relu().globalAvgPool().dense(10).build(5);
    }

    @Test
    void everyKindReadsBackFromItsEncoding() {
        try (Net net = separable(); Net res = Models.resNet8(); Net text = Models.sequential("Text", 16)
                .embedding(40, 8).dense(12).relu().timeMaxPool().dense(3).build(2);
                Net bag = Models.sequential("Bag", 16).embedding(40, 8).timePool().dense(3).build(2)) {
            for (Net n : List.of(net, res, text, bag)) {
                Architecture back = Architecture.parse(n.architecture().encode());
                assertEquals(n.architecture(), back);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerKinds.decode("conv3d 8"));
        assertTrue(e.getMessage().contains("unknown layer kind 'conv3d'") && e.getMessage().contains("depthwise"),
                e.getMessage());
        assertTrue(LayerKinds.keywords().containsAll(List.of("dense", "conv", "depthwise", "batchnorm", "residual",
                "embedding", "timepool")));
    }

    @Test
    void aDepthwiseConvolutionIsSlicedWithTheChannelsOfItsGroup() throws Exception {
        try (Net net = separable()) {
            ChannelGroup g = net.channelGroups().of("conv1");
            assertEquals(List.of("conv1"), g.producers());
            assertEquals(List.of("dw1", "bn1"), g.perChannel());
            assertEquals(List.of("conv2"), g.consumers());
            assertEquals(new DepthwiseConv(12, 3, 1, 1, true), net.layer("dw1").spec());
            assertEquals(new Shape(12, 1, 3, 3), net.layer("dw1").weight().getArray().getShape());

            Training.fit(net, DATA, TrainConfig.epochs(1), Progress.none());
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net).apply();
            try (Net masked = net.copy()) {
                assertEquals(6, net.removePrunedUnits().get("conv1"));
                Agreement.of(masked, net, DATA.test()).requireWithin(1e-5);
            }
            assertEquals(new DepthwiseConv(6, 3, 1, 1, true), net.layer("dw1").spec());
            assertEquals(new Shape(6, 1, 3, 3), net.layer("dw1").weight().getArray().getShape());
            assertEquals(new Shape(6), net.layer("bn1").parameter("gamma").getArray().getShape());
            assertEquals(12L * 9, net.originalWeights().get("dw1"), "the depthwise filters as built");
            assertEquals(12L * 9, net.originalWeights().get("conv1"), "conv1 as built: 12 filters of 1 channel, 3x3");
            assertEquals(16L * 12, net.originalWeights().get("conv2"), "conv2 as built: 16 filters of 12 channels, 1x1");
            assertTrue(org.prunekit.prune.SparsityReport.of(net).compression() > 1.3, "shrinking compresses");

            Path file = Files.createTempFile("prunekit-dw", ".pk");
            try {
                NetIO.save(net, file, NetIO.Format.SPARSE);
                try (Net loaded = NetIO.load(file)) {
                    Agreement.of(net, loaded, DATA.test()).requireWithin(0);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void aDjlConvolutionWithOneGroupPerChannelImportsAsDepthwise() {
        SequentialBlock block = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).optPadding(new Shape(1, 1)).build())
                .add(Activation::relu)
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).optGroups(8)
                        .optPadding(new Shape(1, 1)).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(10).build());
        try (Net net = Net.of(block, new Shape(1, 28, 28), 10)) {
            assertEquals(new DepthwiseConv(8, 3, 1, 1, true), net.layer("dw1").spec());
            assertEquals(List.of("dw1"), net.channelGroups().of("conv1").perChannel());
        }
    }
}
