package org.prunekit.prune;

import java.util.List;
import java.util.Map;
import org.prunekit.Tabular;
import org.prunekit.notebook.Rows;
import tech.tablesaw.api.Table;

/**
 * What {@link SparseGpt} did to a net: per layer the weights pruned and the relative
 * reconstruction error {@code ‖WX − ŴX‖²/‖WX‖²} on the calibration inputs, beside that of two
 * masks without weight update on the same inputs: magnitude at the same number of pruned weights
 * (N:M: by |w| in the same pattern) and Wanda (per row, or in the same pattern). It records the
 * settings and the calibration it was made with.
 */
public final class SparseGptResult implements Tabular {

    /**
     * One layer.
     *
     * @param layer the layer's name
     * @param weights its weights
     * @param pruned how many are pruned now (counting earlier masks)
     * @param error SparseGPT's relative reconstruction error
     * @param magnitudeError that of the magnitude mask on the same budget, without update
     * @param wandaError that of the Wanda mask (per row, or the same pattern), without update
     * @param millis the time the layer took, calibration pass included
     */
    public record LayerResult(String layer, long weights, long pruned, double error, double magnitudeError,
            double wandaError, double millis) {

        /** @return the layer's sparsity after pruning */
        public double sparsity() {
            return pruned / (double) weights;
        }
    }

    private final String net;
    private final String method;
    private final String calibration;
    private final List<LayerResult> layers;
    private final Map<String, String> skipped;

    SparseGptResult(String net, String method, String calibration, List<LayerResult> layers,
            Map<String, String> skipped) {
        this.net = net;
        this.method = method;
        this.calibration = calibration;
        this.layers = List.copyOf(layers);
        this.skipped = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skipped));
    }

    /** @return the per-layer results, in layer order */
    public List<LayerResult> layers() {
        return layers;
    }

    /** @return layers left out, with the reason */
    public Map<String, String> skipped() {
        return skipped;
    }

    /** @return the settings, e.g. {@code SparseGPT{2:4, block 128, dampening 0.01, sequential}} */
    public String method() {
        return method;
    }

    /** @return the calibration it was made with */
    public String calibration() {
        return calibration;
    }

    /** @return the share of the pruned layers' weights that are pruned */
    public double sparsity() {
        return layers.stream().mapToLong(LayerResult::pruned).sum()
                / (double) layers.stream().mapToLong(LayerResult::weights).sum();
    }

    @Override
    public Table toTable() {
        Rows t = Rows.of(method + " on " + net + "; " + calibration, "layer", "weights", "pruned", "sparsity",
                "rel. error SparseGPT", "rel. error magnitude", "rel. error Wanda", "ms");
        for (LayerResult r : layers) {
            t.add(r.layer(), r.weights(), r.pruned(), r.sparsity(), r.error(), r.magnitudeError(), r.wandaError(),
                    r.millis());
        }
        return t.toTable();
    }

    /** @return one note per skipped layer, and what the error columns mean */
    @Override
    public List<String> notes() {
        List<String> out = new java.util.ArrayList<>();
        skipped.forEach((l, why) -> out.add("skipped " + l + ": " + why));
        out.add("rel. error = ‖WX − ŴX‖²/‖WX‖² on the calibration inputs of each layer; magnitude and Wanda: their"
                + " masks on the same budget, without SparseGPT's weight update");
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return toText();
    }
}
