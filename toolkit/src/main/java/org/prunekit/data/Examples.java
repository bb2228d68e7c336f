package org.prunekit.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A set of examples with targets: what training, evaluation, the pruning criteria that read data
 * and the runners take, whatever the examples are. Three kinds implement it:
 *
 * <table>
 *   <caption>Kinds of examples</caption>
 *   <tr><th>kind</th><th>an example</th><th>its targets</th><th>{@link #task()}</th></tr>
 *   <tr><td>{@link ImageSet}</td><td>an image or a row of features</td><td>one class</td>
 *       <td>{@link Task#CLASSIFICATION}</td></tr>
 *   <tr><td>{@link TextSet}</td><td>a text as token ids</td><td>one class</td><td>{@link Task#CLASSIFICATION}</td></tr>
 *   <tr><td>{@link TokenWindows}</td><td>a window of {@code T} token ids</td><td>the next token at each of its
 *       {@code T} positions (a class out of the vocabulary)</td><td>{@link Task#NEXT_TOKEN}</td></tr>
 * </table>
 *
 * <p>Either way a net's output has one score per class on its last axis ({@code (b, classes)},
 * or {@code (b, T, vocabulary)} for a language model), every target position is one
 * classification, and the loss is the softmax cross-entropy over the last axis averaged over all
 * target positions. {@link #targets()} lists the targets flattened in that order.
 */
public interface Examples {

    /** What the targets of a set are. */
    enum Task {
        /** One class per example (images, rows, texts): accuracy, confusion, F1. */
        CLASSIFICATION,
        /**
         * The next token at every position of a window (a language model): next-token accuracy
         * and perplexity, {@code exp} of the mean cross-entropy per token.
         */
        NEXT_TOKEN
    }

    /** @return a short description, e.g. {@code "MNIST test"} */
    String name();

    /** @return the number of examples */
    int size();

    /** @return the number of classes a target can take (the vocabulary size for next tokens) */
    int numClasses();

    /** @return the class names, indexed by class (the vocabulary's tokens for next tokens) */
    List<String> classNames();

    /** @return what the targets are: {@link Task#CLASSIFICATION} unless the kind says otherwise */
    default Task task() {
        return Task.CLASSIFICATION;
    }

    /**
     * @return what the examples are called in the text of results ("on 1,173 texts of ..."), plural:
     *     {@code "images"} by default (images and rows of features), {@code "texts"}, {@code "windows"}
     */
    default String noun() {
        return "images";
    }

    /** @return targets per example: 1 for a class (the default), the window length for next tokens */
    default int targetsPerExample() {
        return 1;
    }

    /**
     * @return every target, flattened: example {@code i}'s targets at
     *     {@code [i·targetsPerExample(), (i+1)·targetsPerExample())} (a copy)
     */
    int[] targets();

    /**
     * One batch in {@code manager}: the inputs as float32 of shape {@code (b, inputShape...)} (token
     * ids are exact as floats) and the targets as int64, {@code (b)} or {@code (b, T)}.
     *
     * @param manager the manager that will own the batch (close it after the batch)
     * @param order example indices
     * @param from first position in {@code order}, inclusive
     * @param to last position in {@code order}, exclusive
     * @param inputShape the shape a net takes for one example
     * @return inputs and targets
     * @throws IllegalArgumentException if the examples do not fit {@code inputShape} (the message
     *     says how they differ, e.g. sequences longer than the net reads)
     */
    NDList batch(NDManager manager, int[] order, int from, int to, Shape inputShape);

    /**
     * @param n the most examples to keep, at least 1
     * @param seed the seed of the draw
     * @return a seeded random subset of at most {@code n} examples (this set if it has no more)
     */
    Examples limit(int n, long seed);

    /**
     * @param indices example indices
     * @param newName the name of the result
     * @return the examples at those indices, in that order
     */
    Examples select(int[] indices, String newName);

    /**
     * @param n a count of examples
     * @return {@code 0..n-1} in order: the order of a pass over a whole set without shuffling
     */
    static int[] inOrder(int n) {
        return ImageSet.inOrder(n);
    }
}
