package org.prunekit.data;

/**
 * A train/test pair of image sets plus how to batch them: the value that training and
 * evaluation take. Built by {@link Datasets}.
 *
 * @param train the training images
 * @param test the held-out test images
 * @param batchSize the mini-batch size used for training
 * @param seed the seed of any row limit and of the shuffling during training
 */
public record DataSplit(ImageSet train, ImageSet test, int batchSize, long seed) {

    /** Checks the settings. */
    public DataSplit {
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize + ".");
        }
        if (train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("Train and test sets have different class counts: "
                    + train.numClasses() + " vs " + test.numClasses() + ".");
        }
    }

    /** @return the number of classes */
    public int numClasses() {
        return train.numClasses();
    }

    /**
     * @param newBatchSize another batch size
     * @return the same data with that batch size
     */
    public DataSplit withBatchSize(int newBatchSize) {
        return new DataSplit(train, test, newBatchSize, seed);
    }

    @Override
    public String toString() {
        return "DataSplit{train=" + train + "; test=" + test + "; batchSize=" + batchSize + ", seed=" + seed + "}";
    }
}
