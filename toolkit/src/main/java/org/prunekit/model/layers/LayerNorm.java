package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * Layer normalisation over the last axis (Ba et al. 2016), as in a transformer: each position's
 * channels are shifted to mean 0 and scaled to variance 1 (plus {@code epsilon}), then every
 * channel gets a learned scale {@code gamma} and shift {@code beta}. Unlike batch norm it uses no
 * statistics of the batch, so it behaves the same in training and at evaluation.
 *
 * <p><b>Channels that are present.</b> Removing a channel of the residual stream must not change
 * what a layer norm computes for the others, yet the mean and variance run over all channels. So
 * the layer keeps a third, non-trained parameter {@code present}, one 0/1 value per channel (all
 * ones when built): the mean and variance run over the present channels only, and an absent
 * channel's output is 0. With every channel present this is standard layer norm. Structured
 * pruning masks {@code present} along with {@code gamma} and {@code beta} (it is one of the
 * layer's per-channel parameters), so a masked net already normalises as the shrunk one will; the
 * optimizer never touches it (it takes no gradient).
 *
 * @param epsilon added to the variance, e.g. {@code 1e-5} (PyTorch's default)
 */
public record LayerNorm(float epsilon) implements LayerSpec {

    /** PyTorch's default epsilon, 1e-5. */
    public LayerNorm() {
        this(1e-5f);
    }

    /** Checks epsilon. */
    public LayerNorm {
        if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
            throw new IllegalArgumentException("A layer norm's epsilon must be a small positive number such as 1e-5,"
                    + " got " + epsilon + ".");
        }
    }

    @Override
    public Block build() {
        return new LayerNormBlock(epsilon);
    }

    @Override
    public String encode() {
        return epsilon == 1e-5f ? "layernorm" : "layernorm " + epsilon;
    }

    static LayerNorm decode(String[] p) {
        return p.length == 1 ? new LayerNorm() : new LayerNorm(Float.parseFloat(p[1]));
    }

    @Override
    public String namePrefix() {
        return "ln";
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.LAYER_NORM;
    }

    /** The DJL block: parameters {@code gamma}, {@code beta} and the non-trained {@code present}, one per channel. */
    static final class LayerNormBlock extends AbstractBlock {
        private final float epsilon;
        private final Parameter gamma;
        private final Parameter beta;
        private final Parameter present;

        LayerNormBlock(float epsilon) {
            super((byte) 1);
            this.epsilon = epsilon;
            gamma = addParameter(Settings.parameter("gamma", Parameter.Type.GAMMA, Initializer.ONES, true));
            beta = addParameter(Settings.parameter("beta", Parameter.Type.BETA, Initializer.ZEROS, true));
            present = addParameter(Settings.parameter("present", Parameter.Type.OTHER, Initializer.ONES, false));
        }

        @Override
        protected void prepare(Shape[] inputShapes) {
            Shape channels = new Shape(inputShapes[0].get(inputShapes[0].dimension() - 1));
            gamma.setShape(channels);
            beta.setShape(channels);
            present.setShape(channels);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            NDArray g = ps.getValue(gamma, x.getDevice(), training);
            NDArray b = ps.getValue(beta, x.getDevice(), training);
            NDArray p = ps.getValue(present, x.getDevice(), training);
            return new NDList(normalise(x, g, b, p, epsilon));
        }

        /** (x − mean)/√(var + ε)·γ + β over the present channels of the last axis; 0 for absent ones. */
        static NDArray normalise(NDArray x, NDArray gamma, NDArray beta, NDArray present, float epsilon) {
            int last = x.getShape().dimension() - 1;
            NDArray count = present.sum();
            count.attach(x.getManager()); // made from a parameter: would otherwise stay with the parameters, one per pass
            NDArray mean = x.mul(present).sum(new int[] {last}, true).div(count);
            NDArray centred = x.sub(mean).mul(present);
            NDArray variance = centred.square().sum(new int[] {last}, true).div(count);
            return centred.div(variance.add(epsilon).sqrt()).mul(gamma).add(beta).mul(present);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape in = inputShapes[0];
            if (in.dimension() != 2 && in.dimension() != 3) {
                throw new IllegalArgumentException("a layer norm normalises the channels (last axis) of a vector or a"
                        + " sequence (positions, channels), got " + in.slice(1));
            }
            return new Shape[] {in};
        }

        @Override
        public String toString() {
            return "LayerNorm(eps " + epsilon + ")";
        }
    }
}
