package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Questions about a net's shape, answered from its layers and graph: the output shape of every
 * layer, all weights end to end, and the one-line-per-layer summary. {@link Net} exposes them.
 */
final class NetShapes {

    private NetShapes() {}

    /**
     * @param name the net's name
     * @param graph its graph
     * @return the number of classes: the width of the output's last axis (one score per class, or
     *     per position of a sequence and class: a language model's {@code (T, vocabulary)})
     * @throws IllegalArgumentException if the output is not one value per class (per position)
     */
    static int classes(String name, Graph graph) {
        Shape out = graph.outputShape();
        if (out.dimension() != 2 && out.dimension() != 3) {
            throw new IllegalArgumentException("Net " + name + " ends in an output of shape " + out.slice(1)
                    + " per input; a classifier must end in one value per class: add flatten() or globalAvgPool()"
                    + " and a dense(classes) layer.");
        }
        return (int) out.get(out.dimension() - 1);
    }

    /**
     * @param net a net
     * @param what what is about to be done to it, e.g. {@code "copied"}
     * @throws IllegalStateException if it holds DJL blocks PruneKit cannot rebuild (the message names them)
     */
    static void requireRebuildable(Net net, String what) {
        if (net.architecture().hasForeignBlocks()) {
            List<String> foreign = net.layers().stream().filter(l -> !l.spec().isRebuildable()
                    && net.graph().node(l.name()) != null).map(l -> l.name() + " (" + l.spec().description() + ")")
                    .toList();
            throw new IllegalStateException("Net " + net.name() + " cannot be " + what + ": it holds DJL blocks"
                    + " PruneKit cannot rebuild: " + foreign + ". Build the net from supported layers (see LayerSpec)"
                    + " or rebuild the block yourself and use NetIO.loadInto(net, file).");
        }
    }

    /** @return the output shape of every layer (null inside a foreign block), in layer order */
    static List<Shape> outputShapes(List<Layer> layers, Graph graph) {
        List<Shape> out = new ArrayList<>();
        for (Layer l : layers) {
            Graph.Node n = graph.node(l.name());
            out.add(n == null ? null : n.out());
        }
        return out;
    }

    /** @return the weights of the given layers end to end, as one array */
    static float[] weightValues(List<Layer> prunable) {
        List<float[]> parts = prunable.stream().map(Layer::weightValues).toList();
        float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int k = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }

    /** @return the summary {@link Net#summary()} gives */
    static String summary(Net net) {
        StringBuilder sb = new StringBuilder(net.name()).append(" (input ").append(net.inputShape()).append(", ")
                .append(String.format("%,d", net.parameterCount())).append(" parameters)\n");
        List<Shape> shapes = net.outputShapes();
        List<Layer> layers = net.layers();
        int width = Math.max(8, layers.stream().mapToInt(l -> l.name().length()).max().orElse(8));
        int kinds = Math.max(12, layers.stream().mapToInt(l -> l.kind().length()).max().orElse(12));
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            sb.append(String.format("  %-" + width + "s %-" + kinds + "s %-14s", l.name(), l.kind(),
                    shapes.get(i) == null ? "" : "-> " + shapes.get(i).slice(1)));
            l.block().getParameters().forEach(p -> sb.append(' ').append(p.getKey()).append(p.getValue().getArray()
                    .getShape()));
            sb.append('\n');
        }
        return sb.toString();
    }
}
