package org.prunekit.train;

/**
 * What one training epoch measured.
 *
 * @param epoch the epoch number, from 1
 * @param trainLoss mean cross-entropy over the epoch's training batches
 * @param trainAccuracy fraction of training images classified correctly during the epoch
 * @param testAccuracy accuracy on the test set after the epoch
 * @param seconds wall time of the training part of the epoch (evaluation excluded)
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double seconds) {

    @Override
    public String toString() {
        return String.format("epoch %d: loss %.4f, train acc %.4f, test acc %.4f (%.2f s)", epoch, trainLoss,
                trainAccuracy, testAccuracy, seconds);
    }
}
