package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The {@link ChannelRole}s of containers, layers that hold branches of other layers: the
 * residual sum, which ties the channel spaces of its branches into one group, and self-attention,
 * whose query, key and value projections form a group of heads read by its output projection.
 * The analysis walks their branches ({@link LayerSpec#branches()}) and asks the role to combine
 * what they give.
 */
final class ContainerRoles {

    private ContainerRoles() {}

    /** A role whose layer holds branches: the analysis walks them, so the layer itself has no flow or zeros. */
    private abstract static class Container extends ChannelRole {
        Container(String name) {
            super(name);
        }

        @Override
        public boolean isContainer() {
            return true;
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            throw new IllegalStateException(this + " is walked through its branches.");
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            throw new IllegalStateException(this + " is walked through its branches.");
        }
    }

    static final class ResidualSum extends Container {
        ResidualSum() {
            super("residual sum");
        }

        @Override
        Graph.State combine(Graph.Walk walk, String name, LayerSpec spec, List<Graph.State> branches) {
            Graph.State a = branches.get(0);
            Graph.State b = branches.get(1);
            if (!a.shape().equals(b.shape())) {
                throw new IllegalArgumentException("Residual block " + name + ": its main branch gives " + a.shape()
                        + " but its " + (spec.branches().get(1).isEmpty() ? "identity shortcut" : "shortcut")
                        + " gives " + b.shape() + "; the two must match (use a projection shortcut with the same"
                        + " filters and stride, e.g. residual(filters, stride)).");
            }
            if (a.hw() != b.hw() || a.interleaved() != b.interleaved()) {
                walk.block(a.space(), "residual block " + name + " adds tensors of different layouts");
                walk.block(b.space(), "residual block " + name + " adds tensors of different layouts");
            }
            walk.endActivation();
            return new Graph.State(a.shape(), walk.union(a.space(), b.space()), a.hw(), a.interleaved());
        }

        @Override
        boolean[] combineZeros(List<boolean[]> branches) {
            boolean[] a = branches.get(0);
            boolean[] b = branches.get(1);
            if (a == null || b == null) {
                return null;
            }
            boolean[] out = new boolean[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i] && b[i];
            }
            return out;
        }
    }

    /**
     * Self-attention, a container: its {@code q}, {@code k} and {@code v} projections (dense
     * layers reading the input) open one space of {@code heads} channels of {@code headSize}
     * features, which its {@code out} projection reads. A head's result is zero wherever its
     * values are (whatever its queries and keys), so a head goes once its value rows are zero.
     */
    static final class Attention extends Container {
        Attention() {
            super("self-attention");
        }

        @Override
        Graph.State combine(Graph.Walk walk, String name, LayerSpec spec, List<Graph.State> branches) {
            org.prunekit.model.layers.SelfAttention a = (org.prunekit.model.layers.SelfAttention) spec;
            Shape in = walk.inputOf(name + "." + a.branches().get(0).get(0).name());
            if (in.dimension() != 3 || in.get(2) != a.width()) {
                throw new IllegalArgumentException("Layer " + name + ": self-attention over " + a.width() + " channels"
                        + " takes sequences (positions, " + a.width() + "), got " + in.slice(1) + "; build it for the"
                        + " width of its input, e.g. selfAttention(heads, causal).");
            }
            int heads = walk.blocks(branches.stream().map(Graph.State::space).toList(), a.heads(), a.headSize());
            walk.endActivation();
            return new Graph.State(branches.get(0).shape(), heads, 1);
        }

        /** @return the values' zeros: a feature of the heads' results is zero wherever the value feature is */
        @Override
        boolean[] combineZeros(List<boolean[]> branches) {
            return branches.get(2);
        }
    }
}
