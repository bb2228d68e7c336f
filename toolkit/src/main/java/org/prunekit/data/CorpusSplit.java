package org.prunekit.data;

/**
 * A language model's data: training and held-out token windows, the {@link Vocabulary} that
 * numbers their tokens (save it with the model), the training batch size and seed, and how it was
 * made. Built by {@link TextCorpus#build()}.
 *
 * @param train the training windows
 * @param test the held-out windows (text that is in no training window)
 * @param vocabulary the token numbering of both parts
 * @param batchSize the mini-batch size used for training
 * @param seed the seed of any window limit and of the shuffling during training
 * @param provenance where the text came from, how it was split and tokenised
 */
public record CorpusSplit(TokenWindows train, TokenWindows test, Vocabulary vocabulary, int batchSize, long seed,
        String provenance) implements ExampleSplit {

    /** Checks the parts agree. */
    public CorpusSplit {
        TextSource.checkSplit(train, test, vocabulary, provenance, batchSize);
        if (train.window() != test.window()) {
            throw new IllegalArgumentException("Train and test windows differ: " + train.window() + " vs "
                    + test.window() + " tokens.");
        }
    }

    @Override
    public String toString() {
        return provenance + "\n  train:    " + train + "\n  test:     " + test + "\n  vocabulary: " + vocabulary;
    }
}
