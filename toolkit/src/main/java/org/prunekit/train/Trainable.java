package org.prunekit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;
import org.prunekit.data.DataSplit;
import org.prunekit.data.ImageSet;

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
     * Trains the classifier, showing its progress with {@link Progress#auto()}: a live bar in a
     * notebook that ends as a one-line summary, a text bar or one line per epoch in a terminal.
     *
     * @param data the train/test split
     * @param config epochs, learning rate and seed
     * @return the per-epoch history
     * @see Training#fit(Trainable, DataSplit, TrainConfig, Progress)
     */
    default History fit(DataSplit data, TrainConfig config) {
        return Training.fit(this, data, config, Progress.auto());
    }

    /**
     * @param data images to classify
     * @return accuracy, confusion matrix and per-class precision/recall/F1
     */
    default Evaluation evaluate(ImageSet data) {
        return Evaluation.of(this, data);
    }

    /**
     * @param data images to classify
     * @return the fraction classified correctly
     */
    default double accuracy(ImageSet data) {
        return Evaluation.of(this, data).accuracy();
    }
}
