package org.prunekit.train;

/**
 * Thrown by {@link Training#fit} when a training batch gives a loss that is NaN or infinite. By
 * then the net's weights were restored to what they were at the start of the epoch that diverged,
 * so nothing earlier is lost; the epochs completed before are in {@link #completed()}.
 */
public final class TrainingDivergedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;
    private final double loss;
    private final transient History completed;

    TrainingDivergedException(String message, int epoch, int batch, double loss, History completed) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
        this.completed = completed;
    }

    /** @return the epoch that diverged, from 1 */
    public int epoch() {
        return epoch;
    }

    /** @return the batch of that epoch whose loss was not finite, from 1 */
    public int batch() {
        return batch;
    }

    /** @return the loss of that batch: NaN or an infinity */
    public double loss() {
        return loss;
    }

    /** @return the epochs completed before the divergence (possibly none), with the run's settings */
    public History completed() {
        return completed;
    }
}
