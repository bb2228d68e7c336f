package org.prunekit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.Examples;

/**
 * What training, evaluation and latency measurement need of a classifier: a forward pass, the
 * parameters to update and the pruning masks to keep; given those, a classifier can
 * {@link #fit}, {@link #evaluate} and measure its {@link #accuracy} itself. {@link org.prunekit.model.Net} is the
 * implementation; the interface keeps the dependency one way (the model knows how to train
 * itself through this package, this package does not know the model's internals).
 */
public interface Trainable {

    /** @return a readable name, e.g. {@code LeNet-300-100} */
    String name();

    /** @return the shape of one input without the batch axis */
    Shape inputShape();

    /** @return the number of output classes */
    int numClasses();

    /** @return the manager that owns the parameters (batches are built in sub-managers of it) */
    NDManager manager();

    /**
     * @param x a batch of shape {@code (b, inputShape...)}
     * @param training whether to run in training mode (batch-norm statistics, dropout)
     * @return the logits {@code (b, numClasses)}
     */
    NDArray forward(NDArray x, boolean training);

    /** @return the DJL block whose parameters training updates */
    Block block();

    /** @return the weights of the Linear and Conv2d layers (what an L1 penalty acts on) */
    List<Parameter> prunableWeights();

    /** @return the 0/1 masks by parameter; masked values must stay zero */
    Map<Parameter, NDArray> masks();

    /** Multiplies every mask into its parameter (after each optimizer step). */
    void applyMasks();

    /**
     * After an optimizer step that already multiplied the masks of {@code applied} into their
     * parameters (the training loop's Adam does so inside its update): multiplies the others. By
     * default all of them, as {@link #applyMasks()} does (a mask applied twice changes nothing).
     *
     * @param applied the parameters whose masks need no re-application
     */
    default void applyMasksExcept(java.util.Set<Parameter> applied) {
        applyMasks();
    }

    /**
     * Trains the classifier, showing its progress with {@link Progress#auto()}: a live bar in a
     * notebook that ends as a one-line summary, a text bar or one line per epoch in a terminal.
     *
     * @param data the train/test split: images, rows, texts or a language model's token windows
     * @param config epochs, learning rate and seed
     * @return the per-epoch history
     * @see Training#fit(Trainable, ExampleSplit, TrainConfig, Progress)
     */
    default History fit(ExampleSplit data, TrainConfig config) {
        return Training.fit(this, data, config, Progress.auto());
    }

    /**
     * Called by training before the first batch: checks that the net can read the data beyond
     * their classes (which training checks itself), and may remember what it needs of them (a
     * net for text keeps the vocabulary, to save it with its weights). Does nothing by default.
     *
     * @param data the data about to be trained on
     * @throws IllegalArgumentException if the net cannot read them (the message says why)
     */
    default void prepareFor(ExampleSplit data) {
    }

    /**
     * @param data examples to predict
     * @return accuracy, confusion matrix and per-class precision/recall/F1 (for token windows:
     *     next-token accuracy, loss and perplexity)
     */
    default Evaluation evaluate(Examples data) {
        return Evaluation.of(this, data);
    }

    /**
     * @param data examples to predict
     * @return the fraction of targets predicted correctly
     */
    default double accuracy(Examples data) {
        return Evaluation.of(this, data).accuracy();
    }

    /**
     * @param data a language model's token windows (or any examples)
     * @return {@code exp} of the mean cross-entropy per target: a language model's perplexity
     */
    default double perplexity(Examples data) {
        return Evaluation.of(this, data).perplexity();
    }
}
