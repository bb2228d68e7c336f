package org.prunekit.prune;

import java.util.ArrayList;
import java.util.List;
import org.prunekit.model.ChannelGroup;
import org.prunekit.model.ChannelGroups;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;

/**
 * The layers a pruner was asked to prune ({@code optLayers}), checked against a net: as layers
 * (for a plan per weight) or as channel groups (for a plan per unit). With no names, every
 * Linear and Conv2d layer, or every channel group whose units can be removed.
 */
final class Targets {

    private final List<String> names;

    /** @param names the layer names, or null for the default */
    Targets(List<String> names) {
        this.names = names == null ? null : List.copyOf(names);
    }

    /** @return whether the layers were named (a layer that cannot be pruned is then an error, not skipped) */
    boolean named() {
        return names != null;
    }

    /** @return the names given, or null */
    List<String> names() {
        return names;
    }

    /**
     * @param net the net
     * @return the layers to prune per weight, in the order named (default: every prunable layer)
     * @throws IllegalArgumentException if the net has nothing to prune or a name is wrong or listed twice
     */
    List<Layer> layers(Net net) {
        List<Layer> prunable = prunable(net);
        if (names == null) {
            return prunable;
        }
        List<Layer> chosen = new ArrayList<>();
        for (String name : names) {
            Layer l = prunableLayer(net, name, prunable);
            if (chosen.contains(l)) {
                throw new IllegalArgumentException("Layer " + name + " is listed twice.");
            }
            chosen.add(l);
        }
        return chosen;
    }

    /**
     * @param net the net
     * @return the channel groups to prune per unit (default: every group whose units can be removed)
     * @throws IllegalArgumentException if there are none, or a named layer's units cannot be
     *     removed (the output layer, a layer inside a DJL block, a group that cannot shrink)
     */
    List<ChannelGroup> groups(Net net) {
        List<Layer> prunable = prunable(net);
        ChannelGroups groups = net.channelGroups();
        if (names == null) {
            List<ChannelGroup> out = groups.prunable();
            if (out.isEmpty()) {
                StringBuilder why = new StringBuilder();
                for (ChannelGroup g : groups) {
                    why.append("\n  ").append(g.name()).append(": ").append(g.notPrunableBecause());
                }
                throw new IllegalArgumentException("Net " + net.name() + " has no hidden layer whose units could be"
                        + " removed:" + why + "\nPrune it unstructured instead.");
            }
            return out;
        }
        Layer output = prunable.get(prunable.size() - 1);
        List<ChannelGroup> chosen = new ArrayList<>();
        for (String name : names) {
            Layer l = net.layer(name);
            if (l.isWeightPart()) {
                String layer = name.substring(0, name.lastIndexOf(org.prunekit.model.WeightPart.SEPARATOR));
                throw new IllegalArgumentException(name + " is one weight matrix of layer " + layer + "; its units are"
                        + " removed from all its weights at once: name the layer, optLayers(\"" + layer + "\").");
            }
            if (!l.spec().role().producesChannels()) {
                l = prunableLayer(net, name, prunable); // says what is prunable
            }
            if (net.activationOf(name) == null) {
                throw new IllegalArgumentException("Layer " + name + " is inside a DJL block PruneKit cannot slice; its"
                        + " units cannot be removed. Prune it unstructured instead.");
            }
            ChannelGroup g = groups.of(name);
            if (!g.isPrunable()) {
                if (l == output || g.producers().contains(output.name())) {
                    throw new IllegalArgumentException("Layer " + name + " is the output layer: its units are the "
                            + net.numClasses() + " classes and cannot be removed. Prune it unstructured instead.");
                }
                throw new IllegalArgumentException("The units of layer " + name + " cannot be removed: "
                        + g.notPrunableBecause() + ". Prune it unstructured instead.");
            }
            if (chosen.contains(g)) {
                throw new IllegalArgumentException("Layer " + name + " is listed twice"
                        + (g.isCoupled() ? " (or with another layer of its channel group " + g.producers() + ")" : "")
                        + ".");
            }
            chosen.add(g);
        }
        return chosen;
    }

    private static List<Layer> prunable(Net net) {
        List<Layer> prunable = net.prunableLayers();
        if (prunable.isEmpty()) {
            throw new IllegalArgumentException("Net " + net.name() + " has nothing to prune: no Linear or Conv2d layer.");
        }
        return prunable;
    }

    private static Layer prunableLayer(Net net, String name, List<Layer> prunable) {
        Layer l = net.layer(name);
        if (!l.isPrunable()) {
            throw new IllegalArgumentException("Layer " + name + " (" + l.kind() + ") has no weights to prune;"
                    + " prunable layers are " + prunable.stream().map(Layer::name).toList() + ".");
        }
        return l;
    }

    @Override
    public String toString() {
        return names == null ? "default" : names.toString();
    }
}
