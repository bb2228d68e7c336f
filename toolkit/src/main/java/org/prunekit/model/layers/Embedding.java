package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * A token embedding: a learned table of {@code vocabulary x dims} values, one row per token id.
 * Its input is a batch of token ids of shape {@code (b, T)} (they arrive as floats, like every
 * net input; ids below 2<sup>24</sup> are exact in float32) and its output the rows of those ids,
 * {@code (b, T, dims)}: a sequence whose channels are on the last axis. Its weight is trained like
 * any other (the gradient of a row is the sum of the gradients at the positions that read it) and
 * initialised as PyTorch's {@code nn.Embedding} does, from N(0, 1).
 *
 * <p>An id outside {@code [0, vocabulary)} is an error that names it and the vocabulary size
 * (checked once per forward pass, from the batch's minimum and maximum).
 *
 * <p>In structured pruning it is a producer of the sequence's channels, channel {@code c} being
 * column {@code c} of the table ({@link ChannelRole#EMBEDDING}): when a residual stream joins its
 * channels to dense layers (a transformer's), a removed channel takes its column along. Its
 * weights can be masked one by one.
 *
 * @param vocabulary the number of token ids (rows of the table)
 * @param dims the values per token (columns of the table)
 */
public record Embedding(int vocabulary, int dims) implements LayerSpec {

    /** Checks the settings. */
    public Embedding {
        Settings.positive(vocabulary, "An embedding's vocabulary");
        Settings.positive(dims, "An embedding's dims");
    }

    @Override
    public Block build() {
        return new EmbeddingBlock(vocabulary, dims);
    }

    @Override
    public String encode() {
        return "embedding " + vocabulary + " " + dims;
    }

    static Embedding decode(String[] p) {
        return new Embedding(Settings.integer(p, 1), Settings.integer(p, 2));
    }

    @Override
    public String namePrefix() {
        return "embed";
    }

    @Override
    public boolean numberedNames() {
        return false;
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.EMBEDDING;
    }

    /** @return the embedding with {@code units} values per token (its channels after a structured removal) */
    @Override
    public LayerSpec withUnits(int units) {
        return new Embedding(vocabulary, units);
    }

    /** The DJL block: the table as a parameter named {@code weight}, looked up with ATen's {@code embedding}. */
    static final class EmbeddingBlock extends AbstractBlock {
        private final int vocabulary;
        private final int dims;
        private final Parameter weight;

        EmbeddingBlock(int vocabulary, int dims) {
            super((byte) 1);
            this.vocabulary = vocabulary;
            this.dims = dims;
            this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(vocabulary, dims)).optInitializer(new NormalInitializer(1f)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            if (x.getShape().dimension() != 2) {
                throw new IllegalArgumentException("An embedding takes token ids of shape (batch, length), got "
                        + x.getShape() + ".");
            }
            checkIds(x);
            NDArray table = ps.getValue(weight, x.getDevice(), training);
            try (NDArray ids = x.toType(DataType.INT64, false)) {
                return new NDList(ai.djl.nn.core.Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow());
            }
        }

        private void checkIds(NDArray x) {
            if (x.isEmpty()) {
                return;
            }
            float lo;
            float hi;
            try (NDArray min = x.min(); NDArray max = x.max()) {
                lo = min.getFloat();
                hi = max.getFloat();
            }
            if (lo < 0 || hi >= vocabulary || Float.isNaN(lo) || Float.isNaN(hi)) {
                float bad = lo < 0 || Float.isNaN(lo) ? lo : hi;
                throw new IllegalArgumentException("Token id " + (bad == (long) bad ? String.valueOf((long) bad)
                        : String.valueOf(bad)) + " is outside the embedding's vocabulary of " + vocabulary
                        + " ids [0, " + vocabulary + "): encode the text with the vocabulary the net was built for,"
                        + " or build the net for a larger vocabulary.");
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape in = inputShapes[0];
            if (in.dimension() != 2) {
                throw new IllegalArgumentException("an embedding takes token ids of shape (batch, length), got " + in);
            }
            return new Shape[] {new Shape(in.get(0), in.get(1), dims)};
        }

        @Override
        public String toString() {
            return "Embedding(" + vocabulary + " x " + dims + ")";
        }
    }
}
