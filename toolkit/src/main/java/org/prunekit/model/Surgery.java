package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured removal, planned per channel group and applied to every member: finds the channels
 * whose value is exactly zero wherever a layer reads them, then rebuilds the net with those
 * channels gone from every producer (rows and biases), batch norm (all four statistics) and
 * consumer (inputs; behind a flatten, channel {@code c} owns the inputs {@code [c·HW, (c+1)·HW)} of an
 * image, {@code {t·C + c}} of a sequence; see {@link Graph#features}).
 *
 * <p>Whether a channel is zero is followed through the net, each layer's {@link ChannelRole}
 * saying how: a producer's channel is zero when its weight row and bias are (a recurrent layer's
 * unit when every gate row of both its weights and biases is); a batch norm's when
 * its scale and shift are (or its input is and nothing shifts it); a depthwise filter's when the
 * filter (or its input channel) and its bias are; ReLU, tanh, GELU, leaky ReLU, dropout, pooling
 * and flatten keep zeros; a residual sum is zero when both branches are. Removing a channel that
 * is zero wherever it is read changes no output.
 */
final class Surgery {

    private Surgery() {}

    static Map<String, Integer> removePrunedUnits(Net net) {
        NetShapes.requireRebuildable(net, "shrunk structurally");
        Graph graph = net.graph();
        Map<Integer, boolean[]> removable = new HashMap<>();
        new ZeroFlow(net, graph, removable).run();
        Map<Integer, int[]> keep = new LinkedHashMap<>();
        Map<String, Integer> removed = new LinkedHashMap<>();
        for (ChannelGroup g : graph.groups()) {
            if (!g.isPrunable()) {
                continue;
            }
            int id = graph.groupOf(g.producers().get(0));
            boolean[] zero = removable.get(id);
            if (zero == null) {
                continue;
            }
            List<Integer> kept = new ArrayList<>();
            for (int c = 0; c < zero.length; c++) {
                if (!zero[c]) {
                    kept.add(c);
                }
            }
            if (kept.size() == zero.length) {
                continue;
            }
            if (kept.isEmpty()) {
                throw new IllegalStateException("Every channel of group " + g.name() + " " + g.producers()
                        + " is pruned; the net would compute nothing there. Keep at least one unit.");
            }
            keep.put(id, kept.stream().mapToInt(Integer::intValue).toArray());
            for (String p : g.producers()) {
                removed.put(p, zero.length - kept.size());
            }
        }
        if (!keep.isEmpty()) {
            rebuild(net, graph, keep);
        }
        return removed;
    }

    private static void rebuild(Net net, Graph graph, Map<Integer, int[]> keep) {
        List<LayerSpec> specs = new ArrayList<>();
        Map<Parameter, int[][]> slices = new LinkedHashMap<>();
        for (Graph.Node n : graph.nodes()) {
            Layer l = n.layer();
            ChannelRole role = l.spec().role();
            int[] in = keep.get(graph.group(n.inSpace()));
            int[] out = role.producesChannels() ? keep.get(graph.group(n.outSpace())) : null;
            int[] inExpanded = in == null ? null : Graph.features(in, graph.channels(n.inSpace()),
                    graph.width(n.inSpace()), n.inHw(), n.inInterleaved());
            if (out != null) {
                out = Graph.features(out, graph.channels(n.outSpace()), graph.width(n.outSpace()), 1, false);
            }
            specs.add(role.resize(l.spec(), inExpanded, out));
            role.slice(l, inExpanded, out, slices);
        }
        NDManager m = net.manager();
        Map<Parameter, NDArray> oldMasks = new HashMap<>(net.masks());
        net.replaceBlock(net.architecture().withLeafSpecs(specs), oldToNew -> {
            Map<Parameter, NDArray> newMasks = new LinkedHashMap<>();
            for (Map.Entry<Parameter, Parameter> e : oldToNew.entrySet()) {
                int[][] keepAxes = slices.getOrDefault(e.getKey(), new int[0][]);
                try (NDArray sliced = slice(m, e.getKey().getArray(), keepAxes)) {
                    Tensors.copy(sliced, e.getValue().getArray());
                }
                NDArray mask = oldMasks.get(e.getKey());
                if (mask != null) {
                    newMasks.put(e.getValue(), slice(m, mask, keepAxes));
                }
            }
            return newMasks;
        });
    }

    /**
     * Follows exact zeros per channel through the net (each layer's {@link ChannelRole} says how
     * they pass it) and notes, per group, which channels every reader sees as zero.
     */
    static final class ZeroFlow {
        private final Net net;
        private final Graph graph;
        private final Map<Integer, boolean[]> removable;
        private final List<Graph.Node> nodes;
        private int next;

        ZeroFlow(Net net, Graph graph, Map<Integer, boolean[]> removable) {
            this.net = net;
            this.graph = graph;
            this.removable = removable;
            this.nodes = graph.nodes();
        }

        void run() {
            walk(net.architecture().layers(), null);
        }

        /** @param zero per feature of the current tensor, whether it is exactly zero (null = none known) */
        private boolean[] walk(List<Architecture.Entry> entries, boolean[] zero) {
            for (Architecture.Entry e : entries) {
                ChannelRole role = e.spec().role();
                if (role.isContainer()) {
                    List<List<Architecture.Entry>> branches = e.spec().branches();
                    int parallel = e.spec().parallelBranches();
                    List<boolean[]> ends = new ArrayList<>();
                    for (List<Architecture.Entry> branch : branches.subList(0, parallel)) {
                        ends.add(branch.isEmpty() ? zero : walk(branch, zero));
                    }
                    zero = role.combineZeros(ends);
                    for (List<Architecture.Entry> branch : branches.subList(parallel, branches.size())) {
                        zero = walk(branch, zero);
                    }
                    continue;
                }
                Graph.Node n = nodes.get(next++);
                zero = role.zeros(this, n, zero);
            }
            return zero;
        }

        /** A consumer reads its input: channels of the input's group are removable only if zero here. */
        void read(Graph.Node n, boolean[] zero) {
            int group = graph.group(n.inSpace());
            int channels = graph.channels(group);
            boolean[] r = removable.computeIfAbsent(group, k -> {
                boolean[] all = new boolean[channels];
                Arrays.fill(all, true);
                return all;
            });
            for (int c = 0; c < r.length; c++) {
                boolean z = zero != null;
                for (int f : Graph.features(new int[] {c}, channels, graph.width(group), n.inHw(), n.inInterleaved())) {
                    z = z && zero[f];
                }
                r[c] &= z;
            }
        }
    }

    private static NDArray slice(NDManager m, NDArray a, int[][] keep) {
        NDArray out = a.duplicate();
        for (int axis = 0; axis < keep.length; axis++) {
            if (keep[axis] == null) {
                continue;
            }
            long[] indices = Arrays.stream(keep[axis]).asLongStream().toArray();
            try (NDArray idx = m.create(indices)) {
                String spec = axis == 0 ? "{}" : ":, {}";
                NDArray next = out.get(new NDIndex(spec, idx));
                out.close();
                out = next;
            }
        }
        return out;
    }
}
