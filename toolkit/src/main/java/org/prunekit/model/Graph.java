package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data flow of a net, computed from its architecture: every layer's input and output shape,
 * and which <em>channel space</em> each tensor lives in. What each layer does to the spaces is its
 * kind's {@link ChannelRole}: a producer (dense or convolution) opens a new space; per-channel
 * layers (batch norm, activations, pools, dropout, depthwise convolutions) keep it; a flatten
 * keeps it but spreads each channel over {@code HW} features; a residual sum unites the spaces of
 * its branches (Torch-Pruning's dependency graph, for sequential nets with residual blocks). The
 * united spaces are the {@link ChannelGroups}: channel {@code c} of a group can only be removed
 * from all its members at once.
 *
 * <p>Where the channels are ({@link #channelAxis}): on axis 1 of a vector {@code (1, C)} and of an
 * image {@code (1, C, H, W)}, on the <em>last</em> axis of a sequence {@code (1, T, C)} (what a
 * dense layer reads and writes position by position, what layer norms normalise). A flatten of
 * an image gives channel {@code c} the consecutive features {@code [c·HW, (c+1)·HW)}; a flatten of
 * a sequence gives it the interleaved features {@code {t·C + c}} ({@link #features}).
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
     * @param inInterleaved whether its input is a flattened sequence (channel {@code c} at the
     *     features {@code t·C + c}) rather than consecutive blocks of {@code inHw} features
     */
    record Node(Layer layer, Shape in, Shape out, int inSpace, int outSpace, int inHw, int outHw,
            boolean inInterleaved) {}

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, String> taps = new LinkedHashMap<>();
    private final Map<String, String> normAfter = new LinkedHashMap<>();
    private final List<Integer> parent = new ArrayList<>();
    private final List<Integer> channels = new ArrayList<>();
    private final List<Integer> widths = new ArrayList<>();
    private final List<String> blocked = new ArrayList<>();
    private final List<Layer> leaves;
    private int next;
    private final Shape outputShape;

    /**
     * The channel state of a tensor in the flow.
     *
     * @param shape its shape (batch 1)
     * @param space the channel space it lives in
     * @param hw features per channel on its feature axis (1 unless behind a flatten)
     * @param interleaved whether those features are interleaved (a flattened sequence: channel
     *     {@code c} at {@code t·C + c}) rather than consecutive (a flattened image)
     */
    record State(Shape shape, int space, int hw, boolean interleaved) {

        /**
         * A tensor whose channels are consecutive blocks of {@code hw} features.
         *
         * @param shape its shape (batch 1)
         * @param space the channel space it lives in
         * @param hw features per channel on its feature axis
         */
        State(Shape shape, int space, int hw) {
            this(shape, space, hw, false);
        }
    }

    /**
     * @param shape a tensor's shape with the batch axis
     * @return the axis its channels are on: the last of a sequence {@code (1, T, C)}, else 1
     *     (vectors and images)
     */
    static int channelAxis(Shape shape) {
        return shape.dimension() == 3 ? 2 : 1;
    }

    /**
     * @param shape a tensor's shape with the batch axis
     * @return how many channels it has (on {@link #channelAxis}); 1 for a shape without one
     */
    static int channelCount(Shape shape) {
        return shape.dimension() < 2 ? 1 : (int) shape.get(channelAxis(shape));
    }

    /**
     * The features a tensor's channels own on its feature axis, in increasing order.
     *
     * @param kept the channels, in increasing order
     * @param channels how many channels the tensor has
     * @param width features per channel of the space itself (1, or an attention head's size)
     * @param hw positions per channel spread over the axis by a flatten (1 if none)
     * @param interleaved whether the flatten interleaved the channels (a sequence: position
     *     {@code t} holds every channel) rather than giving each a block (an image)
     * @return the feature indices
     */
    static int[] features(int[] kept, int channels, int width, int hw, boolean interleaved) {
        int[] out = new int[kept.length * width * hw];
        int k = 0;
        if (interleaved) {
            for (int t = 0; t < hw; t++) {
                for (int c : kept) {
                    for (int j = 0; j < width; j++) {
                        out[k++] = (t * channels + c) * width + j;
                    }
                }
            }
        } else {
            for (int c : kept) {
                for (int j = 0; j < width * hw; j++) {
                    out[k++] = c * width * hw + j;
                }
            }
        }
        return out;
    }

    /**
     * What a {@link ChannelRole} may do while the flow is walked: open, block and unite channel
     * spaces, and say whether the layer continues a producer's activation (the output that the
     * activation-based criteria observe).
     */
    final class Walk {
        private String lastProducer;

        private Walk() {}

        /** @return a new channel space of {@code size} channels */
        int newSpace(int size) {
            return Graph.this.newSpace(size);
        }

        /** Marks a space as not removable, with the first reason given. */
        void block(int space, String reason) {
            Graph.this.block(space, reason);
        }

        /**
         * @param layer a layer already walked (its full name)
         * @return the shape of its input (batch 1)
         */
        Shape inputOf(String layer) {
            return nodes.get(layer).in();
        }

        /** @return the space uniting {@code a} and {@code b} */
        int union(int a, int b) {
            return Graph.this.union(a, b);
        }

        /**
         * Unites fresh spaces whose features come in blocks (an attention layer's queries, keys
         * and values, whose {@code heads·size} features are {@code heads} heads of {@code size}):
         * the united space has one channel per block.
         *
         * @param spaces spaces just opened by producers, each {@code blocks·size} channels
         * @param blocks channels of the united space
         * @param size features per channel
         * @return the united space
         */
        int blocks(List<Integer> spaces, int blocks, int size) {
            int root = spaces.get(0);
            for (int s : spaces) {
                if (Graph.this.channels(s) != blocks * size) {
                    throw new IllegalStateException("Space " + s + " has " + Graph.this.channels(s) + " channels, not "
                            + blocks + " blocks of " + size + ".");
                }
                root = Graph.this.union(root, s);
            }
            channels.set(root, blocks);
            widths.set(root, size);
            return root;
        }

        /** The layer {@code name} is a producer: its activation starts with its own output. */
        void producer(String name) {
            lastProducer = name;
            taps.put(name, name);
        }

        /** The layer {@code name} (a batch norm if {@code norm}) continues the last producer's activation, if any. */
        void activation(String name, boolean norm) {
            if (lastProducer != null) {
                taps.put(lastProducer, name);
                if (norm) {
                    normAfter.putIfAbsent(lastProducer, name);
                }
            }
        }

        /** The layer ends the last producer's activation. */
        void endActivation() {
            lastProducer = null;
        }
    }

    /**
     * @param arch the architecture
     * @param leaves its computing layers, in {@link Architecture#leaves()} order (blocks may be uninitialised)
     * @throws IllegalArgumentException if shapes do not fit (the message names the layer)
     */
    Graph(Architecture arch, List<Layer> leaves) {
        this.leaves = leaves;
        Shape in = new Shape(1).addAll(arch.inputShape());
        int input = newSpace(channelCount(in));
        block(input, "it is the net's input");
        State end = walk(arch.layers(), "", new State(in, input, 1), new Walk());
        if (next != leaves.size()) {
            throw new IllegalStateException(leaves.size() + " layers for " + next + " leaves.");
        }
        this.outputShape = end.shape;
        block(end.space, "it is the net's output (one unit per class)");
    }

    private State walk(List<Architecture.Entry> entries, String prefix, State state, Walk walk) {
        for (Architecture.Entry e : entries) {
            String name = prefix + e.name();
            LayerSpec spec = e.spec();
            ChannelRole role = spec.role();
            if (role.isContainer()) {
                List<List<Architecture.Entry>> branches = spec.branches();
                List<State> ends = new ArrayList<>();
                for (List<Architecture.Entry> branch : branches.subList(0, spec.parallelBranches())) {
                    ends.add(branch.isEmpty() ? state : walk(branch, name + ".", state, walk));
                }
                state = role.combine(walk, name, spec, ends);
                for (List<Architecture.Entry> branch : branches.subList(spec.parallelBranches(), branches.size())) {
                    state = walk(branch, name + ".", state, walk);
                }
                continue;
            }
            Layer layer = leaves.get(next++);
            if (!layer.name().equals(name)) {
                throw new IllegalStateException("Layer " + layer.name() + " found where " + name + " was expected.");
            }
            Shape out = outputShape(layer, state.shape);
            State after = role.flow(walk, name, spec, state, out);
            nodes.put(name, new Node(layer, state.shape, out, state.space, after.space, state.hw, after.hw,
                    state.interleaved));
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
        widths.add(1);
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

    /**
     * @param group a group id ({@link #group})
     * @return how many channels it has
     */
    int channels(int group) {
        return channels.get(find(group));
    }

    /**
     * @param group a group id ({@link #group})
     * @return features per channel of the group's own tensors (1; an attention head's size for heads)
     */
    int width(int group) {
        return widths.get(find(group));
    }

    /** @return the channel groups, in the order of their first producer */
    ChannelGroups groups() {
        Map<Integer, List<String>> producers = new LinkedHashMap<>();
        Map<Integer, List<String>> perChannel = new LinkedHashMap<>();
        Map<Integer, List<String>> consumers = new LinkedHashMap<>();
        for (Node n : nodes.values()) {
            int out = find(n.outSpace);
            int in = find(n.inSpace);
            ChannelRole role = n.layer().spec().role();
            if (role.producesChannels()) {
                producers.computeIfAbsent(out, k -> new ArrayList<>()).add(n.layer().name());
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.layer().name());
            } else if (role.slicedWithChannels()) {
                perChannel.computeIfAbsent(in, k -> new ArrayList<>()).add(n.layer().name());
            }
        }
        List<ChannelGroup> out = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : producers.entrySet()) {
            int g = e.getKey();
            List<String> p = e.getValue();
            List<String> c = consumers.getOrDefault(g, List.of());
            String reason = blocked.get(g);
            if (reason == null && p.stream().allMatch(n -> nodes.get(n).layer().spec().role() == ChannelRole.EMBEDDING)) {
                reason = "its channels come only from embedding " + p + ", whose columns no criterion scores (they go"
                        + " along when a residual stream joins them to dense layers, as in a transformer)";
            }
            out.add(new ChannelGroup(p.get(0), channels.get(g), widths.get(g), p, perChannel.getOrDefault(g, List.of()), c,
                    reason));
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
