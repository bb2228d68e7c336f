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
        // a weight part (a recurrent layer's input or recurrent weights) reads what its layer reads
        List<String> names = layers.stream().map(Layer::runBy).distinct().toList();
        calibration.forEachBatch(net, x -> {
            Map<String, NDArray> inputs = net.forwardWithInputs(x, names);
            for (Layer l : layers) {
                WeightInput in = of(net, l, inputs.get(l.runBy()));
                out.computeIfAbsent(l.name(), k -> new InputStats(k, l.weight().getArray().getShape(), in.groups(),
                        in.cols(), gram)).add(in);
            }
        });
        return out;
    }

    /**
     * @param net the net
     * @param l a layer (or a weight part of one)
     * @param input the input of the layer that runs it for a batch
     * @return the input columns of its weight
     * @throws IllegalArgumentException if its kind does not say what its weight reads
     */
    static WeightInput of(Net net, Layer l, NDArray input) {
        Layer runner = l.isWeightPart() ? net.layer(l.runBy()) : l;
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
