package org.prunekit.prune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.data.Examples;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.train.Training;

/**
 * Measures the {@link LayerStats} of prunable layers (and, put together per unit from their
 * weight parts by {@link UnitView}, of recurrent layers): weights and masks always; with data,
 * gradients (inference mode, so batch-norm statistics are not updated and the model is left
 * untouched) and activations (the children of the sequential block run one by one).
 */
final class StatsCollector {

    private StatsCollector() {}

    /**
     * @param net the net (not changed)
     * @param layers the layers to measure
     * @param data the sample, or null
     * @param batchSize the batch size for measuring
     * @param importance the criterion the statistics are for (input norms only if it needs them)
     * @return the statistics by layer name
     */
    static Map<String, LayerStats> collect(Net net, List<Layer> layers, Examples data, int batchSize,
            Importance importance) {
        List<Layer> weighted = weighted(net, layers);
        Map<String, InputStats> inputs = data != null && importance.needsInputs() ? InputCollector.collect(net,
                weighted, Calibration.builder().setData(data).optExamples(data.size()).optBatchSize(batchSize).build(),
                false) : Map.of();
        return collect(net, layers, weighted, data, batchSize, inputs);
    }

    /**
     * @param net the net (not changed)
     * @param layers the layers to measure
     * @param data the sample, or null
     * @param batchSize the batch size for measuring
     * @return the statistics by layer name, without input norms
     */
    static Map<String, LayerStats> collect(Net net, List<Layer> layers, Examples data, int batchSize) {
        return collect(net, layers, weighted(net, layers), data, batchSize, Map.of());
    }

    /** @return the layers whose weights are measured: the prunable ones, and the weight parts of the others */
    private static List<Layer> weighted(Net net, List<Layer> layers) {
        List<Layer> weighted = new ArrayList<>();
        for (Layer l : layers) {
            if (l.isPrunable()) {
                weighted.add(l);
            } else {
                l.spec().weightParts().forEach(p -> weighted.add(net.layer(p.nameIn(l.name()))));
            }
        }
        return weighted;
    }

    private static Map<String, LayerStats> collect(Net net, List<Layer> layers, List<Layer> weighted, Examples data,
            int batchSize, Map<String, InputStats> inputs) {
        Map<String, float[]> gradMean = new HashMap<>();
        Map<String, float[]> gradSq = new HashMap<>();
        Map<String, float[]> unitTaylor = new HashMap<>();
        Map<String, float[][]> acts = new HashMap<>();
        Map<String, float[]> zeros = new HashMap<>();
        int batches = 0;
        if (data != null) {
            batches = gradients(net, weighted, data, batchSize, gradMean, gradSq, unitTaylor);
            activations(net, layers, data, batchSize, acts, zeros);
        }
        Map<String, LayerStats> out = new LinkedHashMap<>();
        Map<String, LayerStats> parts = new HashMap<>();
        for (Layer l : weighted) {
            NDArray w = l.weight().getArray();
            NDArray mask = net.masks().get(l.weight());
            float[] m = mask == null ? ones((int) w.size()) : mask.toFloatArray();
            float[] bias = l.bias() == null ? null : l.bias().getArray().toFloatArray();
            InputStats in = inputs.get(l.name());
            parts.put(l.name(), new LayerStats(l.name(), w.getShape(), w.toFloatArray(), bias, m,
                    gradMean.get(l.name()), gradSq.get(l.name()), unitTaylor.get(l.name()), acts.get(l.name()),
                    zeros.get(l.name()), batches, in == null ? null : in.norms()));
        }
        for (Layer l : layers) {
            if (!l.isPrunable()) {
                List<LayerStats> of = l.spec().weightParts().stream().map(p -> parts.get(p.nameIn(l.name()))).toList();
                out.put(l.name(), UnitView.compose(l.name(), units(net, l), of, acts.get(l.name()), zeros.get(l.name())));
            } else {
                out.put(l.name(), parts.get(l.name()));
            }
        }
        return out;
    }

    /** @return a layer's output units: its weight's rows, or (a layer with weight parts) its output's channels */
    private static int units(Net net, Layer l) {
        if (l.isPrunable()) {
            return (int) l.weight().getArray().getShape().get(0);
        }
        ai.djl.ndarray.types.Shape out = net.outputShapes().get(l.index());
        return (int) out.get(out.dimension() - 1);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    private static int gradients(Net net, List<Layer> layers, Examples data, int batchSize,
            Map<String, float[]> gradMean, Map<String, float[]> gradSq, Map<String, float[]> unitTaylor) {
        int[] order = Examples.inOrder(data.size());
        int batches = 0;
        zeroAllGradients(net); // nothing stale in, and nothing left for the next optimizer step
        try (NDManager acc = net.manager().newSubManager()) {
            List<NDArray> sumG = new ArrayList<>();
            List<NDArray> sumG2 = new ArrayList<>();
            List<NDArray> sumTaylor = new ArrayList<>();
            for (Layer l : layers) {
                NDArray w = l.weight().getArray();
                w.setRequiresGradient(true);
                if (l.bias() != null) {
                    l.bias().getArray().setRequiresGradient(true);
                }
                sumG.add(acc.zeros(w.getShape()));
                sumG2.add(acc.zeros(w.getShape()));
                sumTaylor.add(acc.zeros(new ai.djl.ndarray.types.Shape(w.getShape().get(0))));
            }
            for (int from = 0; from < order.length; from += batchSize) {
                int to = Math.min(order.length, from + batchSize);
                try (NDManager bm = net.manager().newSubManager()) {
                    NDList batch = data.batch(bm, order, from, to, net.inputShape());
                    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = net.forward(batch.get(0), false);
                        // the training loss: over the last axis, every target (a language model's positions too)
                        c.backward(Training.crossEntropy(logits, batch.get(1)));
                    }
                    for (int i = 0; i < layers.size(); i++) {
                        Layer l = layers.get(i);
                        NDArray w = l.weight().getArray();
                        NDArray g = w.getGradient();
                        g.attach(bm);
                        sumG.get(i).addi(g);
                        NDArray g2 = g.square();
                        g2.attach(bm);
                        sumG2.get(i).addi(g2);
                        NDArray perUnit;
                        String norm = net.normAfter(l.name());
                        if (norm != null) {
                            // per unit: the batch norm's g·γ + g·β, the gate after BN (Molchanov et al. 2019);
                            // with a batch norm behind it, the loss hardly depends on the scale of the unit's weights
                            Layer bn = net.layer(norm);
                            NDArray gamma = bn.parameter("gamma").getArray();
                            NDArray beta = bn.parameter("beta").getArray();
                            NDArray gg = gamma.getGradient();
                            NDArray gb = beta.getGradient();
                            gg.attach(bm);
                            gb.attach(bm);
                            perUnit = gg.mul(gamma).add(gb.mul(beta));
                        } else {
                            // per unit: Σ g·w over the unit's weights (and its bias)
                            NDArray gw = g.mul(w);
                            gw.attach(bm);
                            perUnit = gw.reshape(w.getShape().get(0), -1).sum(new int[] {1});
                        }
                        if (norm == null && l.bias() != null) {
                            NDArray b = l.bias().getArray();
                            NDArray gb = b.getGradient();
                            gb.attach(bm);
                            NDArray gbb = gb.mul(b);
                            gbb.attach(bm);
                            perUnit = perUnit.add(gbb);
                            JniUtils.zeroGrad((PtNDArray) b);
                        }
                        sumTaylor.get(i).addi(perUnit.square());
                    }
                    zeroAllGradients(net);
                }
                batches++;
            }
            for (int i = 0; i < layers.size(); i++) {
                String name = layers.get(i).name();
                gradMean.put(name, sumG.get(i).div(batches).toFloatArray());
                gradSq.put(name, sumG2.get(i).div(batches).toFloatArray());
                unitTaylor.put(name, sumTaylor.get(i).div(batches).toFloatArray());
            }
        }
        return batches;
    }

    private static void zeroAllGradients(Net net) {
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : net.block().getParameters()) {
            NDArray a = p.getValue().getArray();
            if (a.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) a);
            }
        }
    }

    private static void activations(Net net, List<Layer> layers, Examples data, int batchSize,
            Map<String, float[][]> acts, Map<String, float[]> zeros) {
        Map<String, Layer> taps = new LinkedHashMap<>(); // activation layer -> producer
        int n = data.size();
        Map<String, long[]> zeroCounts = new HashMap<>();
        Map<String, Long> perUnitTotal = new HashMap<>();
        for (Layer l : layers) {
            String tap = net.activationOf(l.name());
            if (tap == null) {
                continue; // inside a foreign block: no activations (criteria that need them say so)
            }
            taps.put(tap, l);
            int units = units(net, l);
            acts.put(l.name(), new float[n][units]);
            zeroCounts.put(l.name(), new long[units]);
            perUnitTotal.put(l.name(), 0L);
        }
        int[] order = Examples.inOrder(n);
        for (int from = 0; from < n && !taps.isEmpty(); from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (NDManager bm = net.manager().newSubManager()) {
                NDArray x = data.batch(bm, order, from, to, net.inputShape()).get(0);
                Map<String, NDArray> outputs = net.forwardWithActivations(x, taps.keySet());
                for (Map.Entry<String, Layer> t : taps.entrySet()) {
                    Layer tapped = t.getValue();
                    NDArray a = outputs.get(t.getKey());
                    if (a.getShape().dimension() == 3) { // a sequence (b, T, C): its channels are on the last axis
                        a = a.transpose(0, 2, 1);
                    }
                    long units = a.getShape().get(1);
                    long positions = a.getShape().size() / (a.getShape().get(0) * units);
                    NDArray pooled = a.getShape().dimension() > 2
                            ? a.reshape(a.getShape().get(0), units, -1).mean(new int[] {2}) : a;
                    float[] values = pooled.toFloatArray();
                    float[][] dest = acts.get(tapped.name());
                    for (int s = 0; s < to - from; s++) {
                        System.arraycopy(values, (int) (s * units), dest[from + s], 0, (int) units);
                    }
                    NDArray isZero = a.eq(0).reshape(a.getShape().get(0), units, -1).sum(new int[] {0, 2});
                    long[] counts = isZero.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
                    long[] total = zeroCounts.get(tapped.name());
                    for (int u = 0; u < units; u++) {
                        total[u] += counts[u];
                    }
                    perUnitTotal.merge(tapped.name(), (to - from) * positions, Long::sum);
                }
            }
        }
        for (Layer l : layers) {
            if (!zeroCounts.containsKey(l.name())) {
                continue;
            }
            long[] c = zeroCounts.get(l.name());
            float[] f = new float[c.length];
            long total = perUnitTotal.get(l.name());
            for (int u = 0; u < c.length; u++) {
                f[u] = c[u] / (float) total;
            }
            zeros.put(l.name(), f);
        }
    }
}
