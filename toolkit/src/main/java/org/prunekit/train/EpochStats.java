package org.prunekit.train;

import java.util.Locale;

/**
 * What one training epoch measured.
 *
 * @param epoch the epoch number, from 1
 * @param trainLoss mean cross-entropy over the epoch's training batches (per target: per token for a language model)
 * @param trainAccuracy fraction of training targets predicted correctly during the epoch
 * @param testAccuracy accuracy on the test set after the epoch (next-token accuracy for a language model)
 * @param seconds wall time of the training part of the epoch (evaluation excluded)
 * @param testPerplexity for a language model, the perplexity on the test set after the epoch; NaN for a classifier
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double seconds,
        double testPerplexity) {

    /**
     * The epoch of a classifier (no perplexity).
     *
     * @param epoch the epoch number, from 1
     * @param trainLoss mean cross-entropy over the epoch's training batches
     * @param trainAccuracy fraction of training examples classified correctly during the epoch
     * @param testAccuracy accuracy on the test set after the epoch
     * @param seconds wall time of the training part of the epoch
     */
    public EpochStats(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double seconds) {
        this(epoch, trainLoss, trainAccuracy, testAccuracy, seconds, Double.NaN);
    }

    /** @return whether the epoch is a language model's (it has a test perplexity) */
    public boolean isLanguageModel() {
        return !Double.isNaN(testPerplexity);
    }

    @Override
    public String toString() {
        if (isLanguageModel()) {
            return String.format(Locale.ROOT, "epoch %d: loss %.4f, test perplexity %.2f, next-token acc %.4f (%.2f s)",
                    epoch, trainLoss, testPerplexity, testAccuracy, seconds);
        }
        return String.format("epoch %d: loss %.4f, train acc %.4f, test acc %.4f (%.2f s)", epoch, trainLoss,
                trainAccuracy, testAccuracy, seconds);
    }
}
