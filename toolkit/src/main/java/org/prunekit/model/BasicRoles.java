package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Map;

/**
 * The basic {@link ChannelRole}s: producers (dense, convolution), per-channel layers (activations,
 * batch norm, pooling, depthwise filters), flatten, and the two that stop removal (sigmoid, a
 * foreign block). The sequence roles are in {@link SequenceRoles}, the containers in
 * {@link ContainerRoles}, the recurrent one in {@link RecurrentRole}.
 */
final class BasicRoles {

    private BasicRoles() {}

    static final class Producer extends ChannelRole {
        private final boolean spatial;

        Producer(String name, boolean spatial) {
            super(name);
            this.spatial = spatial;
        }

        @Override
        public boolean producesChannels() {
            return true;
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            if (!spatial && in.shape().dimension() > 3) {
                walk.block(in.space(), "dense layer " + name + " reads the last axis of a " + in.shape().slice(1)
                        + " tensor (put flatten() or globalAvgPool() before it)");
            }
            walk.producer(name);
            // a dense layer reads and writes the last axis: of a vector, or of a sequence position by position
            return new Graph.State(out, walk.newSpace(Graph.channelCount(out)), 1);
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            flow.read(node, in);
            Layer l = node.layer();
            float[] w = l.weightValues();
            float[] b = l.bias() == null ? null : l.bias().getArray().toFloatArray();
            int units = (int) l.weight().getArray().getShape().get(0);
            return rowsZero(w, b, units);
        }

        @Override
        public List<Parameter> parametersPerChannel(Layer layer) {
            return layer.bias() == null ? List.of(layer.weight()) : List.of(layer.weight(), layer.bias());
        }

        @Override
        LayerSpec resize(LayerSpec spec, int[] keepIn, int[] keepOut) {
            return keepOut == null ? spec : spec.withUnits(keepOut.length);
        }

        @Override
        void slice(Layer layer, int[] keepIn, int[] keepOut, Map<Parameter, int[][]> slices) {
            slices.put(layer.weight(), new int[][] {keepOut, keepIn});
            if (layer.bias() != null) {
                slices.put(layer.bias(), new int[][] {keepOut});
            }
        }
    }

    static final class PerChannel extends ChannelRole {
        private final boolean activation;
        private final boolean weighted;

        PerChannel(String name, boolean activation, boolean weighted) {
            super(name);
            this.activation = activation;
            this.weighted = weighted;
        }

        @Override
        public boolean keepsZeros() {
            return !weighted;
        }

        @Override
        public boolean slicedWithChannels() {
            return weighted;
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            if (Graph.channelCount(out) != Graph.channelCount(in.shape())) {
                walk.block(in.space(), "layer " + name + " changes the channel axis");
            }
            if (this == ChannelRole.NORM && in.shape().dimension() == 3) {
                walk.block(in.space(), "batch norm " + name + " normalises axis 1, the positions of a sequence, not"
                        + " its channels (use a layer norm on sequences)");
            }
            if (activation) {
                walk.activation(name, this == ChannelRole.NORM);
            } else {
                walk.endActivation();
            }
            return new Graph.State(out, in.space(), in.hw(), in.interleaved());
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            if (!weighted) {
                return in;
            }
            Layer l = node.layer();
            if (this == ChannelRole.NORM) {
                float[] gamma = l.parameter("gamma").getArray().toFloatArray();
                float[] beta = l.parameter("beta").getArray().toFloatArray();
                float[] mean = l.parameter("runningMean").getArray().toFloatArray();
                boolean[] out = new boolean[gamma.length];
                for (int i = 0; i < out.length; i++) {
                    boolean zeroIn = in != null && in[i];
                    out[i] = gamma[i] == 0 && beta[i] == 0 || zeroIn && beta[i] == 0 && (gamma[i] == 0 || mean[i] == 0);
                }
                return out;
            }
            // a per-channel filter: zero out if the filter and bias are zero, or the input channel and the bias are
            float[] w = l.weightValues();
            float[] b = l.bias() == null ? null : l.bias().getArray().toFloatArray();
            int channels = (int) l.weight().getArray().getShape().get(0);
            boolean[] out = rowsZero(w, b, channels);
            for (int c = 0; c < channels; c++) {
                out[c] |= in != null && in[c] && (b == null || b[c] == 0);
            }
            return out;
        }

        @Override
        public List<Parameter> parametersPerChannel(Layer layer) {
            if (!weighted) {
                return List.of();
            }
            if (this == ChannelRole.NORM) {
                return List.of(layer.parameter("gamma"), layer.parameter("beta"));
            }
            return layer.bias() == null ? List.of(layer.weight()) : List.of(layer.weight(), layer.bias());
        }

        @Override
        LayerSpec resize(LayerSpec spec, int[] keepIn, int[] keepOut) {
            return weighted && this != NORM && keepIn != null ? spec.withUnits(keepIn.length) : spec;
        }

        @Override
        void slice(Layer layer, int[] keepIn, int[] keepOut, Map<Parameter, int[][]> slices) {
            if (weighted) {
                for (Pair<String, Parameter> p : layer.block().getParameters()) {
                    slices.put(p.getValue(), new int[][] {keepIn});
                }
            }
        }
    }

    static final class Flatten extends ChannelRole {
        Flatten() {
            super("flatten");
        }

        @Override
        public boolean keepsZeros() {
            return true;
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            walk.endActivation();
            if (in.shape().dimension() == 3) { // a sequence (1, T, C): position t holds every channel, t·C + c
                return new Graph.State(out, in.space(), (int) in.shape().get(1), true);
            }
            long spread = 1;
            for (int d = 2; d < in.shape().dimension(); d++) {
                spread *= in.shape().get(d);
            }
            return new Graph.State(out, in.space(), (int) (in.hw() * spread), in.interleaved());
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            if (in == null || node.out().size() == in.length) {
                return in;
            }
            boolean sequence = node.in().dimension() == 3;
            int spread = (int) (node.out().size() / in.length);
            boolean[] out = new boolean[(int) node.out().size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = sequence ? in[i % in.length] : in[i / spread];
            }
            return out;
        }
    }

    static final class Stop extends ChannelRole {
        Stop() {
            super("sigmoid (stops removal)");
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            walk.block(in.space(), "sigmoid " + name + " turns a removed (zero) channel into 0.5, so removing it would"
                    + " change the outputs");
            walk.endActivation();
            return new Graph.State(out, in.space(), in.hw(), in.interleaved());
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            return null;
        }
    }

    static final class Foreign extends ChannelRole {
        Foreign() {
            super("foreign block");
        }

        @Override
        Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
            String what = name + " (" + spec.description() + ")";
            walk.block(in.space(), "it reaches " + what + ", a block PruneKit cannot slice");
            Graph.State after = new Graph.State(out, walk.newSpace(Graph.channelCount(out)), 1);
            walk.block(after.space(), "it comes from " + what + ", a block PruneKit cannot slice");
            walk.endActivation();
            return after;
        }

        @Override
        boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
            return null;
        }
    }

    /** @return per row of a weight (and its bias entry), whether everything in it is zero */
    static boolean[] rowsZero(float[] w, float[] b, int rows) {
        int per = w.length / rows;
        boolean[] out = new boolean[rows];
        for (int u = 0; u < rows; u++) {
            boolean z = b == null || b[u] == 0;
            for (int j = u * per; j < (u + 1) * per && z; j++) {
                z = w[j] == 0;
            }
            out[u] = z;
        }
        return out;
    }
}
