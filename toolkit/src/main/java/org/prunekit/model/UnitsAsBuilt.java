package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A net's prunable layers as they were built: the output units of each, recorded when the net is
 * built and kept through copies, saving and structured pruning, so that reports can say how much
 * smaller the net got ({@link Net#originalUnits(String)}, {@link Net#originalWeights()}).
 */
final class UnitsAsBuilt {

    private final Map<String, Long> units = new LinkedHashMap<>();

    /** @param prunable the layers of a net just built: their current units are the units as built */
    void record(List<Layer> prunable) {
        for (Layer l : prunable) {
            units.put(l.name(), l.weight().getArray().getShape().get(0));
        }
    }

    /** @param recorded units as built recorded before (a copy's source, a file) */
    void putAll(Map<String, Long> recorded) {
        units.putAll(recorded);
    }

    /** @return the units as built by layer name (read-only) */
    Map<String, Long> units() {
        return Collections.unmodifiableMap(units);
    }

    /**
     * @param layerName a prunable layer
     * @return its output units as built
     * @throws IllegalArgumentException if it is not a prunable layer of the net
     */
    long of(String layerName) {
        Long n = units.get(layerName);
        if (n == null) {
            throw new IllegalArgumentException("No prunable layer '" + layerName + "'; prunable layers are "
                    + units.keySet() + ".");
        }
        return n;
    }

    /**
     * @param net the net the units were recorded for
     * @param architecture its architecture now
     * @return the weights of each prunable layer as built (see {@link Net#originalWeights()})
     */
    Map<String, Long> weights(Net net, Architecture architecture) {
        Map<String, Long> out = new LinkedHashMap<>();
        List<Layer> prunable = net.prunableLayers();
        boolean shrunk = prunable.stream().anyMatch(l -> l.weight().getArray().getShape().get(0)
                < units.getOrDefault(l.name(), 0L));
        Graph asBuilt = null;
        if (shrunk && !architecture.hasForeignBlocks()) {
            // producers and per-channel filters (depthwise) back at their units as built
            List<LayerSpec> specs = architecture.leaves().stream().map(leaf -> units.containsKey(leaf.name())
                    && (leaf.spec().isPrunable() || leaf.spec().role().slicedWithChannels())
                            ? leaf.spec().withUnits(Math.toIntExact(units.get(leaf.name())))
                            : withPartUnits(net, leaf)).toList();
            asBuilt = new Assembly(architecture.withLeafSpecs(specs)).graph; // shapes only: nothing is allocated
        }
        for (Layer l : prunable) {
            Shape w = l.weight().getArray().getShape();
            Graph.Node n = asBuilt == null ? null : asBuilt.node(l.runBy());
            if (n != null && l.isWeightPart()) { // rows as built times what it read as built
                WeightPart part = ((WeightPartBlock) l.block()).part();
                Shape read = part.readsOwnOutput() ? n.out() : n.in();
                out.put(l.name(), of(l.name()) * read.get(read.dimension() - 1));
                continue;
            }
            if (n == null) {
                out.put(l.name(), w.size());
                continue;
            }
            if (!l.spec().isPrunable()) { // a per-channel filter: each channel's filter keeps its size
                out.put(l.name(), of(l.name()) * (w.size() / w.get(0)));
                continue;
            }
            // a dense layer reads the last axis (of a vector, or of a sequence position by position)
            long inputs = l.spec().role() == ChannelRole.DENSE ? n.in().get(n.in().dimension() - 1) : n.in().get(1);
            long kernel = w.size() / (w.get(0) * w.get(1));
            out.put(l.name(), of(l.name()) * inputs * kernel);
        }
        return out;
    }

    /**
     * @return a layer with weight parts (a recurrent layer) back at its units as built: the rows
     *     its first part had as built, divided by the rows it has now per unit (its gates)
     */
    private LayerSpec withPartUnits(Net net, Architecture.Leaf leaf) {
        List<WeightPart> parts = leaf.spec().weightParts();
        if (parts.isEmpty() || !units.containsKey(parts.get(0).nameIn(leaf.name()))) {
            return leaf.spec();
        }
        Shape out = net.graph().node(leaf.name()).out();
        long now = out.get(out.dimension() - 1);
        long rows = net.layer(parts.get(0).nameIn(leaf.name())).weight().getArray().getShape().get(0);
        return leaf.spec().withUnits(Math.toIntExact(units.get(parts.get(0).nameIn(leaf.name())) / (rows / now)));
    }
}
