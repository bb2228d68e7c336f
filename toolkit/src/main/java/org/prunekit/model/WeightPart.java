package org.prunekit.model;

/**
 * One of several weight matrices of a layer kind that holds more than one (an LSTM's or GRU's
 * input and recurrent weights). Pruning per weight treats each part as a layer of its own, named
 * after the layer and the part ({@code lstm1/input}, {@code lstm1/recurrent}): it has its own
 * scores, its own row of a sparsity report and its own mask, which is registered on the layer's
 * real parameter, so training, saving and copying keep it as they keep any mask.
 *
 * @param name the part's name, appended to the layer's name after a slash
 * @param weightKey the key of its weight among the layer block's parameters
 * @param biasKey the key of the bias that goes with it (one entry per weight row), or null
 * @param readsOwnOutput whether its columns read the layer's own output (a recurrent weight reads
 *     the previous step's) rather than the layer's input
 */
public record WeightPart(String name, String weightKey, String biasKey, boolean readsOwnOutput) {

    /** Separates the layer's name from the part's in the name of a part. */
    public static final String SEPARATOR = "/";

    /**
     * @param layer the layer's full name
     * @return the part's full name, e.g. {@code lstm1/input}
     */
    public String nameIn(String layer) {
        return layer + SEPARATOR + name;
    }
}
