package org.prunekit.model.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.prunekit.model.ChannelRole;
import org.prunekit.model.LayerSpec;

/**
 * A learned position embedding (as in GPT-2): a table of {@code maxLength x C} values, row
 * {@code t} added to position {@code t} of a sequence {@code (b, T, C)}, so that attention, which
 * by itself ignores order, can tell positions apart. The table is initialised from N(0, 0.02²).
 * A sequence longer than {@code maxLength} is an error that says so (build the net with a larger
 * {@code maxLength}, or cut the sequences).
 *
 * <p>In structured pruning it is a per-channel layer of the residual stream: column {@code c} of
 * the table belongs to channel {@code c} and goes with it.
 *
 * @param maxLength the longest sequence it can take (rows of the table)
 */
public record PositionEmbedding(int maxLength) implements LayerSpec {

    /** Checks the length. */
    public PositionEmbedding {
        Settings.positive(maxLength, "A position embedding's maxLength");
    }

    @Override
    public Block build() {
        return new PositionBlock(maxLength);
    }

    @Override
    public String encode() {
        return "position " + maxLength;
    }

    static PositionEmbedding decode(String[] p) {
        return new PositionEmbedding(Settings.integer(p, 1));
    }

    @Override
    public String namePrefix() {
        return "pos";
    }

    @Override
    public boolean numberedNames() {
        return false;
    }

    @Override
    public ChannelRole role() {
        return ChannelRole.POSITION_TABLE;
    }

    /** The DJL block: the table as a parameter named {@code table}, of shape {@code (maxLength, C)}. */
    static final class PositionBlock extends AbstractBlock {
        private final int maxLength;
        private final Parameter table;

        PositionBlock(int maxLength) {
            super((byte) 1);
            this.maxLength = maxLength;
            table = addParameter(Settings.parameter("table", Parameter.Type.WEIGHT, new NormalInitializer(0.02f), true));
        }

        @Override
        protected void prepare(Shape[] inputShapes) {
            table.setShape(new Shape(maxLength, inputShapes[0].get(2)));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            check(x.getShape());
            NDArray t = ps.getValue(table, x.getDevice(), training);
            long length = x.getShape().get(1);
            return new NDList(x.add(length == maxLength ? t : t.get(new NDIndex("0:" + length))));
        }

        private void check(Shape in) {
            if (in.dimension() != 3) {
                throw new IllegalArgumentException("a position embedding takes sequences (batch, positions, channels),"
                        + " got " + in);
            }
            if (in.get(1) > maxLength) {
                throw new IllegalArgumentException("A sequence of " + in.get(1) + " positions is longer than the"
                        + " position embedding's maxLength " + maxLength + ": cut the sequences to at most " + maxLength
                        + " positions, or build the net with positionEmbedding(" + in.get(1) + ") or more.");
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            check(inputShapes[0]);
            return new Shape[] {inputShapes[0]};
        }

        @Override
        public String toString() {
            return "PositionEmbedding(" + maxLength + ")";
        }
    }
}
