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
import org.prunekit.model.EmbeddingGradients;
import org.prunekit.model.LayerSpec;
import org.prunekit.model.Tensors;

/**
 * A token embedding: a learned table of {@code vocabulary x dims} values, one row per token id.
 * Its input is a batch of token ids of shape {@code (b, T)} (they arrive as floats, like every
 * net input; ids below 2<sup>24</sup> are exact in float32) and its output the rows of those ids,
 * {@code (b, T, dims)}: a sequence whose channels are on the last axis. Its weight is trained like
 * any other (the gradient of a row is the sum of the gradients at the positions that read it;
 * during training PruneKit adds it up, see {@link EmbeddingGradients}) and
 * initialised as PyTorch's {@code nn.Embedding} does, from N(0, 1).
 *
 * <p>An id outside {@code [0, vocabulary)} is an error that names it and the vocabulary size
 * (every id of a batch is checked before the lookup).
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
            int[] ids = checkIds(x);
            NDArray table = ps.getValue(weight, x.getDevice(), training);
            EmbeddingGradients rows = training ? EmbeddingGradients.current() : null;
            try (NDArray index = x.toType(DataType.INT64, false)) {
                if (rows != null && ids != null && table.hasGradient()) {
                    // the table's gradient is added up by the scope (see EmbeddingGradients): the rows
                    // looked up without recording the table, the output a leaf of the graph
                    NDArray out;
                    try (NDArray fixed = table.stopGradient()) {
                        out = lookup(index, fixed);
                    }
                    rows.record(ids, out, table);
                    return new NDList(out);
                }
                return new NDList(lookup(index, table));
            }
        }

        private static NDArray lookup(NDArray index, NDArray table) {
            return ai.djl.nn.core.Embedding.embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
        }

        /**
         * Checks every id against the vocabulary: read in Java (one native call; the minimum and
         * maximum through the engine took four, ~20 us per batch) or, for an input that is not a
         * float32 array on the CPU, from its minimum and maximum.
         *
         * @return the ids, or null where they were checked through the engine
         */
        private int[] checkIds(NDArray x) {
            if (x.isEmpty()) {
                return new int[0];
            }
            java.nio.FloatBuffer values = Tensors.floats(x);
            if (values == null) {
                float lo;
                float hi;
                try (NDArray min = x.min(); NDArray max = x.max()) {
                    lo = min.getFloat();
                    hi = max.getFloat();
                }
                check(lo);
                check(hi);
                return null;
            }
            int[] ids = new int[values.capacity()];
            for (int i = 0; i < ids.length; i++) {
                float id = values.get(i);
                check(id);
                ids[i] = (int) id;
            }
            return ids;
        }

        private void check(float id) {
            if (!(id >= 0 && id < vocabulary)) { // also a NaN
                throw new IllegalArgumentException("Token id " + (id == (long) id ? String.valueOf((long) id)
                        : String.valueOf(id)) + " is outside the embedding's vocabulary of " + vocabulary
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
