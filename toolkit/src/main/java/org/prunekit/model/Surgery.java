package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured removal: rebuilds a net's sequential block with fewer units in some Linear/Conv2d
 * layers, copying the kept rows (outputs) and the next layer's kept columns (inputs), batch-norm
 * entries in between, and the inputs of a Linear layer behind a flatten (channel c owns the
 * flattened positions {@code [c·HW, (c+1)·HW)}).
 */
final class Surgery {

    private Surgery() {}

    static Map<String, Integer> removePrunedUnits(Net net) {
        Map<String, int[]> keep = new LinkedHashMap<>();
        Map<String, Integer> removed = new LinkedHashMap<>();
        List<Layer> prunable = net.prunableLayers();
        for (Layer l : prunable.subList(0, prunable.size() - 1)) { // never the output layer
            int[] kept = liveUnits(net, l);
            long units = l.weight().getArray().getShape().get(0);
            if (kept.length < units) {
                if (kept.length == 0) {
                    throw new IllegalStateException("Every unit of layer " + l.name() + " is pruned; the net would"
                            + " compute nothing. Keep at least one unit.");
                }
                keep.put(l.name(), kept);
                removed.put(l.name(), (int) (units - kept.length));
            }
        }
        if (!keep.isEmpty()) {
            rebuild(net, keep);
        }
        return removed;
    }

    /** Units with any unmasked weight, or an unmasked bias (a live bias still feeds the next layer). */
    private static int[] liveUnits(Net net, Layer l) {
        NDArray w = l.weight().getArray();
        NDArray wm = net.masks().get(l.weight());
        int units = (int) w.getShape().get(0);
        if (wm == null) {
            return range(units);
        }
        float[] m = wm.toFloatArray();
        int per = m.length / units;
        float[] bm = l.bias() == null ? null
                : net.masks().containsKey(l.bias()) ? net.masks().get(l.bias()).toFloatArray() : null;
        List<Integer> kept = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            boolean live = l.bias() != null && (bm == null || bm[u] != 0);
            for (int j = u * per; j < (u + 1) * per && !live; j++) {
                live = m[j] != 0;
            }
            if (live) {
                kept.add(u);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void rebuild(Net net, Map<String, int[]> keep) {
        List<Layer> layers = net.layers();
        List<Shape> outputs = net.outputShapes();
        List<LayerSpec> specs = new ArrayList<>();
        // the old parameters and the kept indices along each of their axes
        Map<Parameter, int[][]> slices = new LinkedHashMap<>();
        int[] incoming = null; // kept indices of the running tensor's feature/channel axis (null = all)
        for (Layer l : layers) {
            Block b = l.block();
            if (l.isPrunable()) {
                int units = (int) l.weight().getArray().getShape().get(0);
                int[] out = keep.getOrDefault(l.name(), range(units));
                specs.add(out.length == units ? l.spec() : l.spec().withUnits(out.length));
                slices.put(l.weight(), new int[][] {out, incoming});
                if (l.bias() != null) {
                    slices.put(l.bias(), new int[][] {out});
                }
                incoming = keep.containsKey(l.name()) ? out : null;
                continue;
            }
            specs.add(l.spec());
            if (l.isBatchNorm()) {
                for (Pair<String, Parameter> p : b.getParameters()) {
                    slices.put(p.getValue(), new int[][] {incoming});
                }
            } else if (incoming != null && l.spec() instanceof LayerSpec.Flatten) {
                // a flatten: channel c becomes positions [c·HW, (c+1)·HW)
                Shape before = l.index() == 0 ? new Shape(1).addAll(net.inputShape()) : outputs.get(l.index() - 1);
                int hw = (int) (before.size() / (before.get(0) * before.get(1)));
                int[] expanded = new int[incoming.length * hw];
                for (int i = 0; i < incoming.length; i++) {
                    for (int j = 0; j < hw; j++) {
                        expanded[i * hw + j] = incoming[i] * hw + j;
                    }
                }
                incoming = expanded;
            }
        }
        NDManager m = net.manager();
        Map<Parameter, NDArray> oldMasks = new HashMap<>(net.masks());
        net.replaceBlock(specs, oldToNew -> {
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

    private static NDArray slice(NDManager m, NDArray a, int[][] keep) {
        NDArray out = a.duplicate();
        for (int axis = 0; axis < keep.length; axis++) {
            if (keep[axis] == null) {
                continue;
            }
            long[] indices = java.util.Arrays.stream(keep[axis]).asLongStream().toArray();
            try (NDArray idx = m.create(indices)) {
                String spec = axis == 0 ? "{}" : ":, {}";
                NDArray next = out.get(new NDIndex(spec, idx));
                out.close();
                out = next;
            }
        }
        return out;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
