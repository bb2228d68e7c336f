package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * The {@link ChannelRole}s of the sequence layers: the token embedding's table, layer norm, the
 * position table and pooling over time (self-attention is a container, in {@link ContainerRoles}). Sequences {@code (1, T, C)} carry their channels on the last axis
 * ({@link Graph#channelAxis}).
 */
final class SequenceRoles {

    private SequenceRoles() {}

    /** @return whether the tensor is a sequence or a vector (a layer norm's and a table's channels are its last axis) */
    private static boolean lastAxisChannels(Graph.State in) {
        return (in.shape().dimension() == 3 || in.shape().dimension() == 2) && in.hw() == 1;
    }

    /**
     * Layer norm: keeps the channel space; its scale, shift and presence are sliced with the
     * channels. It mixes channels (mean and variance), so it reads them as a consumer does: a
     * channel can be removed only where the layer already leaves it out ({@code present = 0}),
     * and then its output there is 0.
     */
    static final class LayerNormRole extends ChannelRole {
        LayerNormRole() {
            super("layer norm", true);
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            if (!lastAxisChannels(in)) {
                walk.block(in.space(), "layer norm " + name + " normalises the last axis of " + in.shape().slice(1)
                        + ", which is not its channel axis");
            }
            walk.endActivation();
            return new Graph.State(out, in.space(), 1);
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            Layer l = node.layer();
            float[] present = l.parameter("present").getArray().toFloatArray();
            float[] gamma = l.parameter("gamma").getArray().toFloatArray();
            float[] beta = l.parameter("beta").getArray().toFloatArray();
            boolean[] absent = new boolean[present.length];
            boolean[] out = new boolean[present.length];
            for (int c = 0; c < present.length; c++) {
                absent[c] = present[c] == 0;
                out[c] = absent[c] || gamma[c] == 0 && beta[c] == 0;
            }
            flow.read(node, absent);
            return out;
        }

        @Override
        public List<Parameter> parametersPerChannel(Layer layer) {
            return List.of(layer.parameter("gamma"), layer.parameter("beta"), layer.parameter("present"));
        }

        @Override
        void slice(Layer layer, int[] keepIn, int[] keepOut, Map<Parameter, int[][]> slices) {
            for (Parameter p : parametersPerChannel(layer)) {
                slices.put(p, new int[][] {keepIn});
            }
        }
    }

    /** A position table {@code (maxLength, C)} added to a sequence: column {@code c} belongs to channel {@code c}. */
    static final class PositionTable extends ChannelRole {
        PositionTable() {
            super("position table", true);
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            walk.endActivation();
            return new Graph.State(out, in.space(), 1);
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            return in == null ? null : columnsZero(node.layer().parameter("table"), in);
        }

        @Override
        public List<Parameter> parametersPerChannel(Layer layer) {
            return List.of(layer.parameter("table"));
        }

        @Override
        public int channelAxis(Layer layer, Parameter parameter) {
            return 1;
        }

        @Override
        void slice(Layer layer, int[] keepIn, int[] keepOut, Map<Parameter, int[][]> slices) {
            slices.put(layer.parameter("table"), new int[][] {null, keepIn});
        }
    }

    /**
     * A token embedding's table {@code (vocabulary, dims)}: a producer of the sequence's channels,
     * channel {@code c} being column {@code c}. It reads token ids, not channels, so it is no
     * consumer; a channel is zero when its column is.
     */
    static final class EmbeddingTable extends ChannelRole {
        EmbeddingTable() {
            super("embedding table");
        }

        /** @return a new space of the table's columns: the embedding reads token ids, not channels */
        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            walk.endActivation();
            return new Graph.State(out, walk.newSpace(Graph.channelCount(out)), 1);
        }

        @Override
        public boolean producesChannels() {
            return true;
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            return columnsZero(node.layer().weight(), null);
        }

        @Override
        public List<Parameter> parametersPerChannel(Layer layer) {
            return List.of(layer.weight());
        }

        @Override
        public int channelAxis(Layer layer, Parameter parameter) {
            return 1;
        }

        @Override
        void slice(Layer layer, int[] keepIn, int[] keepOut, Map<Parameter, int[][]> slices) {
            slices.put(layer.weight(), new int[][] {null, keepOut});
        }

        @Override
        LayerSpec resize(LayerSpec spec, int[] keepIn, int[] keepOut) {
            return keepOut == null ? spec : spec.withUnits(keepOut.length);
        }
    }

    /**
     * @param table a parameter of shape {@code (rows, channels)}
     * @param in per channel, whether what the column is added to is zero (null: nothing is added)
     * @return per channel, whether its column is all zero and (if given) the channel too
     */
    private static boolean[] columnsZero(Parameter table, boolean[] in) {
        int channels = (int) table.getArray().getShape().get(1);
        float[] t = table.getArray().toFloatArray();
        boolean[] out = new boolean[channels];
        for (int c = 0; c < channels; c++) {
            boolean z = in == null || in[c];
            for (int i = c; i < t.length && z; i += channels) {
                z = t[i] == 0;
            }
            out[c] = z;
        }
        return out;
    }

    /** Pooling over time, {@code (b, T, C)} to {@code (b, C)}: per channel, zero stays zero. */
    static final class TimePooling extends ChannelRole {
        TimePooling() {
            super("pooling over time");
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            if (in.shape().dimension() != 3 || in.hw() != 1) {
                walk.block(in.space(), "layer " + name + " pools over time but reads " + in.shape().slice(1));
            }
            walk.endActivation();
            return new Graph.State(out, in.space(), 1);
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            return in != null && in.length == node.out().get(1) ? in : null;
        }

        @Override
        public boolean keepsZeros() {
            return true;
        }
    }
}
