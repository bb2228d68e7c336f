package org.prunekit.data;

/**
 * The settings every source of data shares, whatever it builds: its name, the training batch
 * size, the seed, and row limits for quick runs. {@link DataSource} (examples of a fixed shape
 * with class labels, built into a {@link DataSplit}) and the text sources {@link TextCorpus}
 * (token windows for language models, built into a {@link CorpusSplit}) and
 * {@link TextClassification} (token sequences with class labels, built into a {@link TextSplit})
 * extend it. {@code opt*} settings are optional and checked at once; {@link #build()} reads and
 * checks the data.
 *
 * @param <B> the source's own type, so that settings chain
 * @param <R> what {@link #build()} gives
 */
public abstract class Source<B extends Source<B, R>, R> {

    String name;
    int batchSize = 64;
    int limit;
    int testLimit;
    long seed = 42;

    Source(String name) {
        this.name = name;
    }

    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }

    /**
     * @param batchSize training mini-batch size (default 64)
     * @return this source
     */
    public B optBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize + ".");
        }
        this.batchSize = batchSize;
        return self();
    }

    /**
     * Keeps a seeded random subset of at most {@code rows} training examples (quick mode).
     *
     * @param rows the most training examples to keep; 0 keeps all (default)
     * @return this source
     */
    public B optLimit(int rows) {
        this.limit = checkLimit(rows);
        return self();
    }

    /**
     * @param rows the most test examples to keep; 0 keeps all (default)
     * @return this source
     */
    public B optTestLimit(int rows) {
        this.testLimit = checkLimit(rows);
        return self();
    }

    /**
     * @param seed seed of the split (where the source makes one), of the row limits and of
     *     shuffling during training (default 42)
     * @return this source
     */
    public B optSeed(long seed) {
        this.seed = seed;
        return self();
    }

    /**
     * @param name the data set's name: the parts are called {@code name + " train"} and
     *     {@code name + " test"} in histories and reports
     * @return this source
     */
    public B optName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A data set name must not be blank.");
        }
        this.name = name;
        return self();
    }


    private static int checkLimit(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("A row limit must be 0 (no limit) or positive, got " + rows + ".");
        }
        return rows;
    }

    /**
     * Reads and checks the data and makes the split. Nothing given to the source is changed.
     *
     * @return the train/test split
     * @throws DatasetException if the data is missing, corrupt or unusable (the message says
     *     what, where and how to fix it)
     */
    public abstract R build();
}
