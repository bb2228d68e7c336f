package org.prunekit.data;

/**
 * A text classifier's data: training and test {@link TextSet}s, the {@link Vocabulary} that
 * numbers their tokens (save it with the model), the training batch size and seed, and how it was
 * made. Built by {@link TextClassification#build()}.
 *
 * @param train the training texts
 * @param test the held-out test texts
 * @param vocabulary the token numbering of both parts, with {@value Vocabulary#PAD} as id 0
 * @param batchSize the mini-batch size used for training
 * @param seed the seed of the split, of any row limit and of the shuffling during training
 * @param provenance where the texts came from, how they were split and tokenised
 */
public record TextSplit(TextSet train, TextSet test, Vocabulary vocabulary, int batchSize, long seed,
        String provenance) implements ExampleSplit {

    /** Checks the parts agree. */
    public TextSplit {
        TextSource.checkSplit(train, test, vocabulary, provenance, batchSize);
        if (train.length() != test.length() || !train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("Train and test sets differ in length or classes: " + train + " vs "
                    + test + ".");
        }
    }

    /** @return the number of classes */
    @Override
    public int numClasses() {
        return train.numClasses();
    }

    @Override
    public String toString() {
        return provenance + "\n  train:    " + train + "\n  test:     " + test + "\n  vocabulary: " + vocabulary;
    }
}
