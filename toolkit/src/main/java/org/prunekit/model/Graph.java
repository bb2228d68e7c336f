package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data flow of a net, computed from its architecture: every layer's input and output shape,
 * and which <em>channel space</em> each tensor lives in. A producer (dense or convolution) opens
 * a new space; per-channel layers (batch norm, activations, pools, dropout) keep it; a flatten
 * keeps it but spreads each channel over {@code HW} features; a residual sum unites the spaces
 * of its two branches (Torch-Pruning's dependency graph, for sequential nets with residual
 * blocks). The united spaces are the {@link ChannelGroups}: channel {@code c} of a group can only
 * be removed from all its members at once.
 */
final class Graph {

    /**
     * One computing layer in the flow.
     *
     * @param layer the layer
     * @param in its input shape (batch 1)
     * @param out its output shape (batch 1)
     * @param inSpace the channel space of its input
     * @param outSpace the channel space of its output
     * @param inHw features per channel of its input's feature axis (1 unless behind a flatten)
     * @param outHw features per channel of its output
     */
    record Node(Layer layer, Shape in, Shape out, int inSpace, int outSpace, int inHw, int outHw) {}

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, String> taps = new LinkedHashMap<>();
    private final Map<String, String> normAfter = new LinkedHashMap<>();
    private final List<Integer> parent = new ArrayList<>();
    private final List<Integer> channels = new ArrayList<>();
    private final List<String> blocked = new ArrayList<>();
    private final List<Layer> leaves;
    private int next;
    private final Shape outputShape;

    private record State(Shape shape, int space, int hw) {}

    /**
     * @param arch the architecture
     * @param leaves its computing layers, in {@link Architecture#leaves()} order (blocks may be uninitialised)
     * @throws IllegalArgumentException if shapes do not fit (the message names the layer)
     */
    Graph(Architecture arch, List<Layer> leaves) {
        this.leaves = leaves;
        Shape in = new Shape(1).addAll(arch.inputShape());
        int input = newSpace(in.dimension() >= 2 ? (int) in.get(1) : 1);
        block(input, "it is the net's input");
        State end = walk(arch.layers(), "", new State(in, input, 1));
        if (next != leaves.size()) {
            throw new IllegalStateException(leaves.size() + " layers for " + next + " leaves.");
        }
        this.outputShape = end.shape;
        block(end.space, "it is the net's output (one unit per class)");
    }

    private State walk(List<Architecture.Entry> entries, String prefix, State state) {
        String lastProducer = null;
        for (Architecture.Entry e : entries) {
            String name = prefix + e.name();
            LayerSpec spec = e.spec();
            if (spec instanceof LayerSpec.Residual r) {
                State a = walk(r.main(), name + ".", state);
                State b = r.shortcut().isEmpty() ? state : walk(r.shortcut(), name + ".", state);
                if (!a.shape.equals(b.shape)) {
                    throw new IllegalArgumentException("Residual block " + name + ": its main branch gives " + a.shape
                            + " but its " + (r.shortcut().isEmpty() ? "identity shortcut" : "shortcut") + " gives "
                            + b.shape + "; the two must match (use a projection shortcut with the same filters and"
                            + " stride, e.g. residual(filters, stride)).");
                }
                if (a.hw != b.hw) {
                    block(a.space, "residual block " + name + " adds tensors of different layouts");
                    block(b.space, "residual block " + name + " adds tensors of different layouts");
                }
                state = new State(a.shape, union(a.space, b.space), a.hw);
                lastProducer = null;
                continue;
            }
            Layer layer = leaves.get(next++);
            if (!layer.name().equals(name)) {
                throw new IllegalStateException("Layer " + layer.name() + " found where " + name + " was expected.");
            }
            Shape out = outputShape(layer, state.shape);
            State after;
            if (spec.isPrunable() && !(spec instanceof LayerSpec.Foreign)) {
                if (spec instanceof LayerSpec.Dense && state.shape.dimension() != 2) {
                    block(state.space, "dense layer " + name + " reads the last axis of a " + state.shape.slice(1)
                            + " tensor (put flatten() or globalAvgPool() before it)");
                }
                after = new State(out, newSpace((int) out.get(1)), 1);
                lastProducer = name;
                taps.put(name, name);
            } else if (spec instanceof LayerSpec.Flatten) {
                long spread = 1;
                for (int d = 2; d < state.shape.dimension(); d++) {
                    spread *= state.shape.get(d);
                }
                after = new State(out, state.space, (int) (state.hw * spread));
            } else if (spec instanceof LayerSpec.Foreign f) {
                block(state.space, "it reaches " + name + " (" + f.description() + "), a block PruneKit cannot slice");
                after = new State(out, newSpace(out.dimension() >= 2 ? (int) out.get(1) : 1), 1);
                block(after.space, "it comes from " + name + " (" + f.description() + "), a block PruneKit cannot"
                        + " slice");
                lastProducer = null;
            } else if (spec instanceof LayerSpec.Sigmoid) {
                block(state.space, "sigmoid " + name + " turns a removed (zero) channel into 0.5, so removing it would"
                        + " change the outputs");
                after = new State(out, state.space, state.hw);
                lastProducer = null;
            } else {
                if (!out.slice(0, Math.min(2, out.dimension())).equals(state.shape.slice(0,
                        Math.min(2, state.shape.dimension())))) {
                    block(state.space, "layer " + name + " changes the channel axis");
                }
                after = new State(out, state.space, state.hw);
                boolean tap = spec instanceof LayerSpec.Norm || spec instanceof LayerSpec.Relu
                        || spec instanceof LayerSpec.Tanh || spec instanceof LayerSpec.Gelu
                        || spec instanceof LayerSpec.LeakyRelu || spec instanceof LayerSpec.Dropout;
                if (tap && lastProducer != null) {
                    taps.put(lastProducer, name);
                    if (spec instanceof LayerSpec.Norm) {
                        normAfter.putIfAbsent(lastProducer, name);
                    }
                } else {
                    lastProducer = null;
                }
            }
            nodes.put(name, new Node(layer, state.shape, out, state.space, after.space, state.hw, after.hw));
            state = after;
        }
        return state;
    }

    private static Shape outputShape(Layer layer, Shape in) {
        try {
            Shape out = layer.block().getOutputShapes(new Shape[] {in})[0];
            for (long d : out.getShape()) {
                if (d < 1) {
                    throw new IllegalArgumentException("gives an empty output " + out);
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Layer " + layer.name() + " (" + layer.spec().encode() + ") cannot take an"
                    + " input of shape " + in.slice(1) + ": " + e.getMessage() + ". Check the kernel, stride and padding"
                    + " against the size of its input (or the input shape of the net).", e);
        }
    }

    private int newSpace(int size) {
        parent.add(parent.size());
        channels.add(size);
        blocked.add(null);
        return parent.size() - 1;
    }

    private int find(int s) {
        while (parent.get(s) != s) {
            parent.set(s, parent.get(parent.get(s)));
            s = parent.get(s);
        }
        return s;
    }

    private int union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return ra;
        }
        int root = Math.min(ra, rb);
        int other = Math.max(ra, rb);
        parent.set(other, root);
        if (blocked.get(root) == null) {
            blocked.set(root, blocked.get(other));
        }
        return root;
    }

    private void block(int space, String reason) {
        int r = find(space);
        if (blocked.get(r) == null) {
            blocked.set(r, reason);
        }
    }

    /** @return the output shape of the whole net (batch 1) */
    Shape outputShape() {
        return outputShape;
    }

    /**
     * @param layer a layer's full name
     * @return its node, or null for a layer inside a foreign block
     */
    Node node(String layer) {
        return nodes.get(layer);
    }

    /** @return every node, in execution order */
    List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /**
     * @param producer a dense or convolution layer
     * @return the layer whose output is the producer's activation: the last of the batch norms,
     *     activations and dropouts that directly follow it (the producer itself if none do)
     */
    String tap(String producer) {
        return taps.getOrDefault(producer, producer);
    }

    /**
     * @param producer a dense or convolution layer
     * @return the batch norm among the layers that directly follow it (see {@link #tap}), or null
     */
    String normAfter(String producer) {
        return normAfter.get(producer);
    }

    /**
     * @param space a channel space
     * @return the group id (the root of the space)
     */
    int group(int space) {
        return find(space);
    }

    /** @return the channel groups, in the order of their first producer */
    ChannelGroups groups() {
        Map<Integer, List<String>> producers = new LinkedHashMap<>();
        Map<Integer, List<String>> norms = new LinkedHashMap<>();
        Map<Integer, List<String>> consumers = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            int out = find(n.outSpace);
            int in = find(n.inSpace);
            LayerSpec spec = n.layer().spec();
            if (spec.isPrunable()) {
                producers.computeIfAbsent(out, k -> new ArrayList<>()).add(n.layer().name());
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.layer().name());
            } else if (spec instanceof LayerSpec.Norm) {
                norms.computeIfAbsent(in, k -> new ArrayList<>()).add(n.layer().name());
            }
        }
        List<ChannelGroup> out = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : producers.entrySet()) {
            int g = e.getKey();
            List<String> p = e.getValue();
            List<String> c = consumers.getOrDefault(g, List.of());
            String reason = blocked.get(g);
            out.add(new ChannelGroup(p.get(0), channels.get(g), p, norms.getOrDefault(g, List.of()), c, reason));
        }
        return new ChannelGroups(out);
    }

    /**
     * @param producer a dense or convolution layer of the graph
     * @return the group id of its output
     */
    int groupOf(String producer) {
        Node n = nodes.get(producer);
        if (n == null) {
            throw new IllegalArgumentException("Layer " + producer + " is not in the net's data flow.");
        }
        return find(n.outSpace);
    }
}
