package org.prunekit.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A view of one {@link WeightPart} of a layer's block: its {@code weight} and {@code bias} are the
 * layer's own parameters under those keys, so that everything that prunes a layer's
 * {@link Layer#weight()} prunes the part. It computes nothing and is not part of the net's
 * block; the layer's block runs the part.
 */
final class WeightPartBlock extends AbstractBlock {

    private final Layer owner;
    private final WeightPart part;

    /**
     * @param owner the layer that holds and runs the part's parameters
     * @param part which of its weights this is
     */
    WeightPartBlock(Layer owner, WeightPart part) {
        this.owner = owner;
        this.part = part;
    }

    /** @return the layer the part belongs to */
    Layer owner() {
        return owner;
    }

    /** @return the part it shows */
    WeightPart part() {
        return part;
    }

    @Override
    public ParameterList getParameters() {
        ParameterList all = owner.block().getParameters();
        ParameterList out = new ParameterList();
        out.add("weight", all.get(part.weightKey()));
        if (part.biasKey() != null) {
            out.add("bias", all.get(part.biasKey()));
        }
        return out;
    }

    @Override
    public ParameterList getDirectParameters() {
        return getParameters();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("The " + part.name() + " weights run inside their layer's block.");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("The " + part.name() + " weights run inside their layer's block.");
    }
}
