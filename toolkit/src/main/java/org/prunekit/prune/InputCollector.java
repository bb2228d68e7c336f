package org.prunekit.prune;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.model.Layer;
import org.prunekit.model.Net;
import org.prunekit.model.WeightInput;

/**
 * Measures the {@link InputStats} of layers' weights on calibration data: one layer-by-layer pass
 * per batch ({@link Net#forwardWithInputs}) records each layer's input, its kind turns it into the
 * columns its weight multiplies ({@link org.prunekit.model.LayerSpec#weightInputs}), and the
 * statistics are added up in doubles. Each batch lives in its own sub-manager.
 */
final class InputCollector {

    private InputCollector() {}

    /**
     * @param net the net (not changed)
     * @param layers the layers whose weights to measure
     * @param calibration the examples
     * @param gram whether to accumulate {@code XᵀX} too (SparseGPT) or only the column norms (Wanda)
     * @return the statistics by layer name, in the order given
     * @throws IllegalArgumentException if a layer's kind does not say what its weight reads
     */
    static Map<String, InputStats> collect(Net net, List<Layer> layers, Calibration calibration, boolean gram) {
        Map<String, InputStats> out = new LinkedHashMap<>();
        Map<Layer, Layer> runners = new LinkedHashMap<>();
        for (Layer l : layers) {
            Layer r = runner(net, l);
            if (r == null) {
                throw new IllegalArgumentException("Layer " + l.name() + " (" + l.kind() + ") is inside a DJL block"
                        + " PruneKit cannot look into, so calibration methods (Wanda, SparseGPT) cannot measure its"
                        + " inputs. Leave it out with optLayers, or use a criterion without calibration.");
            }
            runners.put(l, r);
        }
        List<String> names = runners.values().stream().map(Layer::name).distinct().toList();
        calibration.forEachBatch(net, x -> {
            Map<String, NDArray> inputs = net.forwardWithInputs(x, names);
            for (Layer l : layers) {
                Layer r = runners.get(l);
                WeightInput in = of(l, r, inputs.get(r.name()));
                out.computeIfAbsent(l.name(), k -> new InputStats(k, l.weight().getArray().getShape(), in.groups(),
                        in.cols(), gram)).add(in);
            }
        });
        return out;
    }

    /**
     * The layer that runs a weight: the layer itself, or, for one weight of a layer that holds
     * several (shown as a layer of its own), the layer whose block holds that parameter.
     *
     * @param net the net
     * @param l a prunable layer
     * @return the layer whose input to record, or null if none can be observed (inside a foreign block)
     */
    static Layer runner(Net net, Layer l) {
        if (net.inputShapeOf(l.name()) != null) {
            return l;
        }
        for (Layer r : net.layers()) {
            if (r != l && net.inputShapeOf(r.name()) != null && r.block().getParameters().values().stream()
                    .anyMatch(p -> p == l.weight())) {
                return r;
            }
        }
        return null;
    }

    /**
     * @param l a prunable layer
     * @param runner the layer that runs its weight ({@link #runner})
     * @param input the runner's input for a batch
     * @return the input columns of the weight
     * @throws IllegalArgumentException if the runner's kind does not say what the weight reads
     */
    static WeightInput of(Layer l, Layer runner, NDArray input) {
        for (WeightInput in : runner.spec().weightInputs(runner, input)) {
            if (in.weight() == l.weight()) {
                return in;
            }
        }
        throw new IllegalArgumentException("Layer " + l.name() + " (" + l.kind() + ") does not say what its weight"
                + " reads, so calibration methods (Wanda, SparseGPT) cannot measure it: its layer kind must implement"
                + " LayerSpec.weightInputs. Leave it out with optLayers, or use a criterion without calibration.");
    }
}
