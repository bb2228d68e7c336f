package org.prunekit;

import org.prunekit.data.ExampleSplit;
import org.prunekit.model.Net;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;

/**
 * A piece of work run on a trained net and its data that returns a result value: a sweep of
 * criteria, a sensitivity scan, iterative pruning, deep compression. Every runner has the same
 * shape, as DJL's builders do: {@code X.builder()}, required settings {@code set*}, optional ones
 * {@code opt*}, {@code build()} (which says which required setting is missing), then
 * {@code run(net, data)}. The result records how it was made as a {@link RunProvenance}, shown in
 * its notes.
 *
 * <pre>{@code
 * Sweep sweep = SparsitySweep.builder()
 *         .setCriteria(Importance.magnitudeL1(), Importance.random(1), Importance.random(2))
 *         .setSparsities(0.5, 0.9)
 *         .optFineTune(TrainConfig.epochs(1))      // the default
 *         .build()
 *         .run(net, data);
 * }</pre>
 *
 * <p>Defaults shared by every runner: fine-tuning after pruning is {@link #defaultFineTune()}
 * (one epoch with {@link TrainConfig}'s defaults; {@code TrainConfig.epochs(0)} for none), and
 * progress goes to {@link #defaultProgress()}, where {@link Net#fit} reports training.
 * {@link org.prunekit.prune.NetComparison} compares several nets and so takes a map of them, with
 * the same builder shape.
 *
 * @param <R> the result
 */
public interface Runner<R> {

    /**
     * Runs the work.
     *
     * @param net a trained net (whether it is changed is stated by each runner)
     * @param data the training data (statistics, fine-tuning) and the test set: images, rows,
     *     texts or a language model's token windows (its results then report perplexity, see
     *     {@link org.prunekit.train.Metric})
     * @return the result, with its provenance
     */
    R run(Net net, ExampleSplit data);

    /** @return the fine-tuning every runner does after pruning unless told otherwise: 1 epoch */
    static TrainConfig defaultFineTune() {
        return TrainConfig.epochs(1);
    }

    /** @return where every runner reports progress unless told otherwise: {@link Progress#auto()}, as {@link Net#fit} does (a live bar in a notebook, a text bar or plain lines in a terminal) */
    static Progress defaultProgress() {
        return Progress.auto();
    }

    /**
     * @param value a setting given to a builder
     * @param what the setting's name and how to say "none", for the message
     * @param <T> its type
     * @return the value
     * @throws NullPointerException with a message saying what to pass instead of null
     */
    static <T> T require(T value, String what) {
        if (value == null) {
            throw new NullPointerException(what + " must not be null.");
        }
        return value;
    }

    /**
     * @param set whether a required setting was given
     * @param runner the runner's name
     * @param setter the setter to call, with an example
     * @throws IllegalStateException saying which setting is missing
     */
    static void required(boolean set, String runner, String setter) {
        if (!set) {
            throw new IllegalStateException(runner + " needs " + setter + " before build().");
        }
    }

    /**
     * Whether two sparsities (or other fractions) are the same setting: equal within 1e-9, so that
     * 0.1 + 0.2 and 0.3 are one point.
     *
     * @param a a sparsity
     * @param b another
     * @return whether they differ by at most 1e-9
     */
    static boolean same(double a, double b) {
        return Math.abs(a - b) <= 1e-9;
    }
}
