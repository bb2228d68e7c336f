package org.prunekit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.model.layers.Recurrent;

/**
 * The channel role of a recurrent layer ({@link Recurrent}: LSTM, GRU): a producer of new units
 * on its output's last axis that reads its input's last axis. Its unit {@code u} is not one row
 * of one weight but every gate's row {@code k·H + u} of the input weight, the recurrent weight
 * and both biases; its recurrent weight also reads the units themselves, so a removed unit takes
 * its column of the recurrent weight with it. A unit whose gate rows are all zero outputs exactly
 * zero at every step (see {@link org.prunekit.model.layers.Lstm} and
 * {@link org.prunekit.model.layers.Gru} for why), so it can be removed without changing any output.
 */
final class RecurrentRole extends ChannelRole {

    RecurrentRole() {
        super("recurrent producer");
    }

    @Override
    Graph.State flow(Graph.Walk walk, String name, LayerSpec spec, Graph.State in, Shape out) {
        if (in.shape().dimension() != 3) {
            throw new IllegalArgumentException("Recurrent layer " + name + " (" + spec.encode() + ") reads sequences"
                    + " (time, features), not an input of shape " + in.shape().slice(1) + ".");
        }
        // it reads its input's channels (the last axis) at every step, and opens a space of its own units
        walk.producer(name);
        return new Graph.State(out, walk.newSpace(Graph.channelCount(out)), 1);
    }

    @Override
    boolean[] zeros(Surgery.ZeroFlow flow, Graph.Node node, boolean[] in) {
        flow.read(node, in);
        Weights w = Weights.of(node.layer());
        // copies of the values, read once: indexing the live arrays would leave a small array per row in the
        // net's manager
        List<float[]> params = List.of(w.input.getArray().toFloatArray(), w.recurrent.getArray().toFloatArray(),
                w.inputBias.getArray().toFloatArray(), w.recurrentBias.getArray().toFloatArray());
        boolean[] out = new boolean[w.units];
        for (int u = 0; u < w.units; u++) {
            boolean zero = true;
            for (int k = 0; k < w.gates && zero; k++) {
                for (float[] p : params) {
                    zero &= rowZero(p, k * w.units + u, p.length / (w.gates * w.units));
                }
            }
            out[u] = zero;
        }
        return out;
    }

    /** @return whether row {@code row} of a row-major matrix with {@code cols} columns is all zero */
    private static boolean rowZero(float[] values, int row, int cols) {
        for (int j = row * cols; j < (row + 1) * cols; j++) {
            if (values[j] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Parameter> parametersPerChannel(Layer layer) {
        Weights w = Weights.of(layer);
        return List.of(w.input, w.recurrent, w.inputBias, w.recurrentBias);
    }

    /** Masks every gate row of each removed unit in both weights and both biases. */
    @Override
    public Map<Parameter, float[]> channelMasks(Layer layer, float[] channelMask) {
        Weights w = Weights.of(layer);
        Map<Parameter, float[]> out = new LinkedHashMap<>();
        for (Parameter p : parametersPerChannel(layer)) {
            long size = p.getArray().size();
            int perRow = (int) (size / (w.gates * w.units));
            float[] values = new float[(int) size];
            for (int row = 0; row < w.gates * w.units; row++) {
                java.util.Arrays.fill(values, row * perRow, (row + 1) * perRow, channelMask[row % w.units]);
            }
            out.put(p, values);
        }
        return out;
    }

    @Override
    LayerSpec resize(LayerSpec spec, int[] keepIn, int[] keepOut) {
        return keepOut == null ? spec : spec.withUnits(keepOut.length);
    }

    @Override
    void slice(Layer layer, int[] keepIn, int[] keepOut, Map<Parameter, int[][]> slices) {
        Weights w = Weights.of(layer);
        int[] rows = keepOut == null ? null : gateRows(keepOut, w.units, w.gates);
        slices.put(w.input, new int[][] {rows, keepIn});
        slices.put(w.recurrent, new int[][] {rows, keepOut});
        slices.put(w.inputBias, new int[][] {rows});
        slices.put(w.recurrentBias, new int[][] {rows});
    }

    /** @return true: its units are new channels */
    @Override
    public boolean producesChannels() {
        return true;
    }

    /** @return the rows {@code k·units + u} of every gate {@code k}, for each kept unit {@code u} */
    static int[] gateRows(int[] keep, int units, int gates) {
        int[] rows = new int[keep.length * gates];
        for (int k = 0; k < gates; k++) {
            for (int i = 0; i < keep.length; i++) {
                rows[k * keep.length + i] = k * units + keep[i];
            }
        }
        return rows;
    }

    /** A recurrent layer's four parameters, its units and gates. */
    private record Weights(Parameter input, Parameter recurrent, Parameter inputBias, Parameter recurrentBias,
            int units, int gates) {

        static Weights of(Layer layer) {
            Parameter in = layer.parameter(Recurrent.INPUT.weightKey());
            Parameter rec = layer.parameter(Recurrent.RECURRENT.weightKey());
            Shape r = rec.getArray().getShape();
            int units = (int) r.get(1);
            return new Weights(in, rec, layer.parameter(Recurrent.INPUT.biasKey()),
                    layer.parameter(Recurrent.RECURRENT.biasKey()), units, (int) (r.get(0) / units));
        }
    }
}
