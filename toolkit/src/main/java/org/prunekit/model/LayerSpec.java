package org.prunekit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import java.util.List;
import org.prunekit.model.layers.LayerKinds;

/**
 * The architecture of one layer as data: enough to build its DJL block again, and everything
 * PruneKit needs to know about the layer's kind. A net's tree of specs ({@link Architecture}) is
 * what {@link NetIO} stores beside the weights and checks on load, and what {@link Net#copy()}
 * and structured removal rebuild from.
 *
 * <p>Each kind is one class in {@link org.prunekit.model.layers} (a record holding its settings)
 * that carries its own behaviour, as a DJL block carries its own forward pass and output shapes:
 * how to build its block, how it is written and read back ({@link #encode()}, registered with
 * {@link LayerKinds}), what it does to channels in structured pruning ({@link #role()}: producer,
 * per-channel, flatten, stop, container), how it is resized when units go ({@link #withUnits}),
 * whether its branches hold other layers ({@link #branches()}) and what its weights multiply
 * ({@link #weightInputs}, which the calibration methods Wanda and SparseGPT measure). The rest of the toolkit asks these
 * methods and never the kind, so a new kind is its own file plus one line in {@link LayerKinds}.
 *
 * <p>Every kind works with every importance criterion, with masks, with structured removal
 * (channels tied by a residual connection are removed as one group), with {@link Net#copy()},
 * with {@link NetIO} and with the reports and charts. The one exception is
 * {@link org.prunekit.model.layers.Foreign}: a DJL block PruneKit does not know, kept as it is so
 * that the rest of an imported net can still be trained and pruned per weight.
 */
public interface LayerSpec {

    /** @return a fresh, uninitialised DJL block for this spec */
    Block build();

    /** @return the spec as one line of text, read back by {@link LayerKinds#decode} */
    String encode();

    /** @return the prefix of generated layer names, e.g. {@code conv} for {@code conv1} */
    String namePrefix();

    /** @return what the layer does to channels (see {@link ChannelRole}) */
    ChannelRole role();

    /** @return a short description for messages (the encoding, unless the kind says more) */
    default String description() {
        return encode();
    }

    /** @return the kind's keyword, the first word of {@link #encode()} (e.g. {@code dense}, {@code relu}) */
    default String kind() {
        return encode().split(" ", 2)[0];
    }

    /**
     * @param units output units of a producer (or channels of a per-channel layer with weights)
     * @return this spec with that many units (structured pruning)
     * @throws IllegalStateException if the kind has no units to change
     */
    default LayerSpec withUnits(int units) {
        throw new IllegalStateException(encode() + " has no units to change.");
    }

    /**
     * @return the weight matrices of a kind that holds several (an LSTM's input and recurrent
     *     weights), each pruned per weight as a layer of its own ({@link WeightPart}); empty for
     *     a kind with one {@code weight} (dense, convolution) or none
     */
    default List<WeightPart> weightParts() {
        return List.of();
    }

    /** @return whether this layer has a weight whose output units pruning can remove (dense, conv) */
    default boolean isPrunable() {
        return role().producesChannels();
    }

    /**
     * @return whether the layer maps each channel to itself and zero to zero (activations,
     *     pools, dropout): a channel that is zero before is zero after
     */
    default boolean isChannelwise() {
        return role().keepsZeros();
    }

    /** @return the branches of layers this one holds (a residual block's main branch and shortcut); empty for a leaf */
    default List<List<Architecture.Entry>> branches() {
        return List.of();
    }

    /**
     * @return how many of the {@link #branches()} read the container's input; the others run one
     *     after another on what {@link #combine} gives (an attention layer's output projection).
     *     All of them unless the kind says otherwise (a residual block's two).
     */
    default int parallelBranches() {
        return branches().size();
    }

    /**
     * @param branches new branches, as many as {@link #branches()} has
     * @return this container with those branches
     */
    default LayerSpec withBranches(List<List<Architecture.Entry>> branches) {
        throw new IllegalStateException(encode() + " holds no branches.");
    }

    /**
     * @param branchOutputs the output of each of the {@link #parallelBranches()} (the input itself
     *     for an empty branch)
     * @return what they make together (a residual block adds them; an attention layer mixes its
     *     queries, keys and values), the container's output unless more branches follow
     */
    default NDArray combine(List<NDArray> branchOutputs) {
        throw new IllegalStateException(encode() + " holds no branches.");
    }

    /**
     * What the layer's prunable weights multiply, for calibration methods (Wanda, SparseGPT): the
     * hook a layer kind implements for them to cover it (see {@link WeightInput}). A kind with
     * several weights (attention's query, key, value and output projections; a recurrent layer's
     * input and recurrent weights) returns one entry per weight; a kind without weights returns
     * none (the default).
     *
     * @param layer the layer of this spec in a net (its block holds the parameters)
     * @param input the layer's input for a batch, as the net computes it
     * @return the input columns of each weight, in {@code input}'s manager
     */
    default List<WeightInput> weightInputs(Layer layer, NDArray input) {
        return List.of();
    }

    /** @return whether the layer can be built again from this spec (false for a foreign DJL block) */
    default boolean isRebuildable() {
        return true;
    }

    /** @return whether generated names count this kind ({@code conv1}, {@code conv2}); false: {@code flatten} */
    default boolean numberedNames() {
        return true;
    }

    /**
     * Whether the net may run this layer after the next one instead of before it, with the same
     * values and gradients (a ReLU before a max pooling: pooling first means a quarter of the
     * ReLU work).
     *
     * @param next the layer that follows
     * @return whether the two may swap
     */
    default boolean commutesWith(LayerSpec next) {
        return false;
    }
}
