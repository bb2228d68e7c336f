package org.prunekit.data;

import java.util.Objects;

/**
 * A train/test pair of example sets plus how to batch them: the value that training and
 * evaluation take. Built by {@link Datasets} (which also records how it was made, see
 * {@link #provenance()}), or from two sets you made yourself:
 *
 * <pre>{@code
 * DataSplit data = DataSplit.of(ImageSet.of("train", trainRows, trainLabels, names),
 *                               ImageSet.of("test", testRows, testLabels, names), 32);
 * }</pre>
 *
 * @param train the training examples
 * @param test the held-out test examples
 * @param batchSize the mini-batch size used for training
 * @param seed the seed of any row limit and of the shuffling during training
 * @param provenance how the split was made: source, features, labels, split, seed, standardisation
 */
public record DataSplit(ImageSet train, ImageSet test, int batchSize, long seed, Provenance provenance) {

    /** Checks the settings. */
    public DataSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(provenance, "provenance");
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize + ".");
        }
        if (train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("Train and test sets have different class counts: "
                    + train.numClasses() + " vs " + test.numClasses() + ". Give both the same class names.");
        }
        if (!train.exampleShape().equals(test.exampleShape())) {
            throw new IllegalArgumentException("Train and test sets have different example shapes: "
                    + train.exampleShape() + " vs " + test.exampleShape() + ". A model takes one shape.");
        }
    }

    /**
     * Two given sets, recorded as such in the {@link #provenance()}.
     *
     * @param train the training examples
     * @param test the held-out test examples
     * @param batchSize the mini-batch size used for training
     * @param seed the seed of the shuffling during training
     */
    public DataSplit(ImageSet train, ImageSet test, int batchSize, long seed) {
        this(train, test, batchSize, seed, Provenance.given(train, test, seed));
    }

    /**
     * Two sets you made yourself (e.g. with {@link ImageSet#of(String, float[][], int[], java.util.List)}),
     * with the default seed 42.
     *
     * @param train the training examples
     * @param test the held-out test examples (same classes and example shape)
     * @param batchSize the mini-batch size used for training
     * @return the split
     */
    public static DataSplit of(ImageSet train, ImageSet test, int batchSize) {
        return new DataSplit(train, test, batchSize, 42);
    }

    /** @return the number of classes */
    public int numClasses() {
        return train.numClasses();
    }

    /**
     * @param newBatchSize another batch size
     * @return the same data (and provenance) with that batch size
     */
    public DataSplit withBatchSize(int newBatchSize) {
        return new DataSplit(train, test, newBatchSize, seed, provenance);
    }

    @Override
    public String toString() {
        return "DataSplit{train=" + train + "; test=" + test + "; batchSize=" + batchSize + ", seed=" + seed + "}";
    }
}
