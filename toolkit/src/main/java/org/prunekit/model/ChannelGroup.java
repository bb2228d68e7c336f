package org.prunekit.model;

import java.util.List;

/**
 * Channels that must be removed together: the output channels (or units) of one or more
 * producers that end up added to each other by residual connections, with the per-channel layers
 * that hold parameters for them (batch norms, depthwise convolutions) and the layers that read
 * them. Removing channel {@code c} of a group removes row {@code c} of every producer, entry
 * {@code c} of every per-channel layer and the inputs of every consumer that channel {@code c}
 * feeds (Torch-Pruning's "group"). In a plain sequential net each hidden layer is a group of its
 * own.
 *
 * @param name the group's name: its first producer's name
 * @param channels how many channels (or units) it has now; for attention heads, how many heads
 * @param width features per channel in its producers' rows and consumers' inputs: 1, or the
 *     size of an attention head (each head a channel of {@code width} rows of {@code q}, {@code k}
 *     and {@code v} and columns of {@code out})
 * @param producers the dense and convolution layers whose outputs are these channels
 * @param perChannel the layers with a parameter per channel applied to them (batch norms,
 *     depthwise convolutions)
 * @param consumers the dense and convolution layers that read them
 * @param notPrunableBecause why the group cannot be removed structurally (the net's input or
 *     output, a block PruneKit cannot slice), or null if it can
 */
public record ChannelGroup(String name, int channels, int width, List<String> producers, List<String> perChannel,
        List<String> consumers, String notPrunableBecause) {

    /** Copies the lists. */
    public ChannelGroup {
        producers = List.copyOf(producers);
        perChannel = List.copyOf(perChannel);
        consumers = List.copyOf(consumers);
    }

    /** @return whether its channels can be removed structurally */
    public boolean isPrunable() {
        return notPrunableBecause == null;
    }

    /** @return whether a residual connection ties more than one producer together here */
    public boolean isCoupled() {
        return producers.size() > 1;
    }

    /** @return every layer the group touches: producers, per-channel layers, consumers */
    public List<String> members() {
        java.util.List<String> all = new java.util.ArrayList<>(producers);
        all.addAll(perChannel);
        all.addAll(consumers);
        return all;
    }

    @Override
    public String toString() {
        return name + " (" + (width == 1 ? channels + " channels" : channels + " heads of " + width) + "): producers "
                + producers + ", per channel " + perChannel + ", consumers " + consumers + (isPrunable() ? ""
                        : "; not prunable: " + notPrunableBecause);
    }
}
