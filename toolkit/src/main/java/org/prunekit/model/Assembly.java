package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.prunekit.model.layers.Foreign;

/**
 * The DJL blocks of an architecture, not yet initialised: the sequential block, every layer
 * with its block (Linear/Conv2d layers inside foreign blocks included, and after a layer that
 * holds several weight matrices, one layer per {@link WeightPart}) and the data flow, whose
 * construction checks that the shapes fit.
 */
final class Assembly {

    final SequentialBlock block;
    final List<Layer> layers;
    final Graph graph;

    Assembly(Architecture arch) {
        block = new SequentialBlock();
        List<Block> tops = new ArrayList<>();
        for (Architecture.Entry e : arch.layers()) {
            Block b = e.spec().build();
            tops.add(b);
            block.add(b);
        }
        List<Layer> leaves = new ArrayList<>();
        collect(arch.layers(), tops, "", leaves);
        List<Layer> all = new ArrayList<>();
        List<Layer> flow = new ArrayList<>();
        for (Layer l : leaves) {
            Layer indexed = new Layer(l.name(), all.size(), l.block(), l.spec());
            all.add(indexed);
            flow.add(indexed);
            if (!l.spec().isRebuildable()) {
                insideForeign(l.name(), l.block(), all);
            }
            for (WeightPart part : l.spec().weightParts()) {
                all.add(new Layer(part.nameIn(l.name()), all.size(), new WeightPartBlock(indexed, part), l.spec()));
            }
        }
        layers = Collections.unmodifiableList(all);
        graph = new Graph(arch, flow);
    }

    /**
     * @param arch an architecture
     * @return the shape of its output for one input (batch 1)
     * @throws IllegalArgumentException if the shapes do not fit (the message names the layer)
     */
    static Shape output(Architecture arch) {
        return new Assembly(arch).graph.outputShape();
    }

    /** Pairs each leaf spec with its built block, in {@link Architecture#leaves()} order. */
    private static void collect(List<Architecture.Entry> entries, List<Block> blocks, String prefix, List<Layer> out) {
        for (int i = 0; i < entries.size(); i++) {
            Architecture.Entry e = entries.get(i);
            Block b = blocks.get(i);
            if (e.spec().role().isContainer()) {
                // a container's block holds one block per branch (a SequentialBlock, or an identity for an empty one)
                List<Block> branchBlocks = new ArrayList<>(b.getChildren().values());
                List<List<Architecture.Entry>> branches = e.spec().branches();
                for (int k = 0; k < branches.size(); k++) {
                    if (!branches.get(k).isEmpty()) {
                        collect(branches.get(k), new ArrayList<>(branchBlocks.get(k).getChildren().values()),
                                prefix + e.name() + ".", out);
                    }
                }
            } else {
                out.add(new Layer(prefix + e.name(), out.size(), b, e.spec()));
            }
        }
    }

    /** Linear and Conv2d layers inside a foreign block: prunable per weight. */
    private static void insideForeign(String prefix, Block b, List<Layer> out) {
        for (Pair<String, Block> child : b.getChildren()) {
            Block c = child.getValue();
            String n = prefix + "/" + child.getKey();
            if (c instanceof Linear || c instanceof Conv2d) {
                out.add(new Layer(n, out.size(), c, new Foreign(c, c.getClass().getSimpleName())));
            } else {
                insideForeign(n, c, out);
            }
        }
    }
}
