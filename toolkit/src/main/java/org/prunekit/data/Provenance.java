package org.prunekit.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How a {@link DataSplit} was made: where its data came from, which columns became features and
 * labels, how the classes were named, how the rows were split and with which seed, any row limits,
 * and the feature standardisation, so a result can say exactly what it was trained and tested on
 * (as Tribuo's provenance objects do). Print it in a notebook cell:
 *
 * <pre>{@code
 * DataSplit data = Datasets.breastCancer().build();
 * System.out.println(data.provenance());
 * // breast cancer Wisconsin (diagnostic) from table "breast-cancer-wisconsin" (569 rows x 31 columns)
 * //   label:    column "diagnosis", 2 classes [benign, malignant]
 * //   features: 30 numeric columns ["mean radius", "mean texture", ...]
 * //   split:    stratified random split, test fraction 0.2, seed 42: train 455 [286, 169], test 114 [71, 43]
 * //   scaling:  standardised with train means/stds: mean radius 14.1 ± 3.5, ...
 * }</pre>
 *
 * <p>Instances are immutable; {@link #standardizer()} applies the same standardisation to new rows.
 */
public final class Provenance {

    /** How the examples were divided into a training and a test part. */
    public enum Split {
        /** A seeded random split that keeps each class's proportion in both parts. */
        STRATIFIED,
        /** The parts were given: separate files, tables or arrays, or two ready {@link ImageSet}s. */
        GIVEN
    }

    private final String name;
    private final String source;
    private final String testSource;
    private final String labelColumn;
    private final List<String> features;
    private final List<String> classNames;
    private final Standardizer standardizer;
    private final Split split;
    private final double testFraction;
    private final long seed;
    private final int trainLimit;
    private final int testLimit;
    private final int[] trainCounts;
    private final int[] testCounts;

    Provenance(String name, String source, String testSource, String labelColumn, List<String> features,
            List<String> classNames, Standardizer standardizer, Split split, double testFraction, long seed,
            int trainLimit, int testLimit, ImageSet train, ImageSet test) {
        this.name = Objects.requireNonNull(name);
        this.source = Objects.requireNonNull(source);
        this.testSource = testSource;
        this.labelColumn = labelColumn;
        this.features = List.copyOf(features);
        this.classNames = List.copyOf(classNames);
        this.standardizer = Objects.requireNonNull(standardizer);
        this.split = split;
        this.testFraction = testFraction;
        this.seed = seed;
        this.trainLimit = trainLimit;
        this.testLimit = testLimit;
        this.trainCounts = train.classCounts();
        this.testCounts = test.classCounts();
    }

    /** The record of two given sets: what {@code new DataSplit(train, test, batchSize, seed)} keeps. */
    static Provenance given(ImageSet train, ImageSet test, long seed) {
        return new Provenance(train.name(), "the given sets \"" + train.name() + "\" and \"" + test.name() + "\"",
                null, null, List.of(), train.classNames(), Standardizer.identity(List.of()), Split.GIVEN,
                Double.NaN, seed, 0, 0, train, test);
    }

    /** @return the data set's name, e.g. {@code "breast cancer Wisconsin (diagnostic)"} */
    public String name() {
        return name;
    }

    /** @return where the (training) data came from: a table, arrays, IDX files (with their folder) */
    public String source() {
        return source;
    }

    /** @return where the test part came from, if it was given separately */
    public Optional<String> testSource() {
        return Optional.ofNullable(testSource);
    }

    /** @return the table column the labels came from, if the data came from a table */
    public Optional<String> labelColumn() {
        return Optional.ofNullable(labelColumn);
    }

    /** @return the feature names in the order of an example's values (table columns; empty for images) */
    public List<String> features() {
        return features;
    }

    /** @return the class names, indexed by label */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * @return the feature standardisation measured on the training part; the
     *     {@link Standardizer#isIdentity() identity} if the features were not standardised
     */
    public Standardizer standardizer() {
        return standardizer;
    }

    /** @return how the parts were made */
    public Split split() {
        return split;
    }

    /** @return the fraction of each class put into the test part, for a {@link Split#STRATIFIED} split */
    public OptionalDouble testFraction() {
        return split == Split.STRATIFIED ? OptionalDouble.of(testFraction) : OptionalDouble.empty();
    }

    /** @return the seed of the split and of any row limits */
    public long seed() {
        return seed;
    }

    /** @return the most training examples kept by a row limit; 0 if none */
    public int trainLimit() {
        return trainLimit;
    }

    /** @return the most test examples kept by a row limit; 0 if none */
    public int testLimit() {
        return testLimit;
    }

    /** @return the training examples per class, indexed by label (a copy) */
    public int[] trainCounts() {
        return trainCounts.clone();
    }

    /** @return the test examples per class, indexed by label (a copy) */
    public int[] testCounts() {
        return testCounts.clone();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append(" from ").append(source);
        if (testSource != null) {
            b.append("\n  test:     ").append(testSource);
        }
        b.append("\n  label:    ");
        if (labelColumn != null) {
            b.append("column \"").append(labelColumn).append("\", ");
        }
        b.append(classNames.size()).append(" classes ").append(Checks.shortList(classNames));
        if (!features.isEmpty()) {
            b.append("\n  features: ").append(features.size()).append(labelColumn != null ? " numeric columns " : " ")
                    .append(TableReader.quoted(features.size() > 8 ? features.subList(0, 8) : features)
                            .replaceFirst("]$", features.size() > 8 ? ", ...]" : "]"));
        }
        b.append("\n  split:    ");
        if (split == Split.STRATIFIED) {
            b.append("stratified random split, test fraction ").append(testFraction).append(", seed ").append(seed);
        } else {
            b.append("train and test parts given");
        }
        if (trainLimit > 0 || testLimit > 0) {
            b.append(", then at most ").append(trainLimit > 0 ? trainLimit + " train" : "all train")
                    .append(" / ").append(testLimit > 0 ? testLimit + " test" : "all test")
                    .append(" rows kept (seed ").append(seed).append(")");
        }
        b.append(": train ").append(Arrays.stream(trainCounts).sum()).append(' ').append(Arrays.toString(trainCounts))
                .append(", test ").append(Arrays.stream(testCounts).sum()).append(' ').append(Arrays.toString(testCounts));
        if (!features.isEmpty() || !standardizer.isIdentity()) {
            b.append("\n  scaling:  ").append(standardizer);
        }
        return b.toString();
    }
}
