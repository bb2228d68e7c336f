package org.prunekit.data;

import java.util.List;

/**
 * A source that holds one collection of examples and splits it itself: a seeded stratified
 * split (each class keeps its proportion in both parts; {@link #optTestFraction}) unless the
 * test part is given with the source's {@code optTest(...)}, and optional standardisation of
 * the features with the training part's statistics ({@link #optStandardize}). Besides these, the
 * settings of every {@link DataSource}. Subclasses: {@link TableSource}, {@link ArraySource}.
 *
 * @param <B> the source's own type, so that settings chain
 */
public abstract class StratifiedSource<B extends StratifiedSource<B>> extends DataSource<B> {

    double testFraction = 0.2;
    boolean standardize;

    StratifiedSource(String name, boolean standardize) {
        super(name, null);
        this.standardize = standardize;
    }

    /**
     * @param fraction the fraction of each class put into the test part of the stratified split,
     *     strictly between 0 and 1 (default 0.2; each class keeps at least one example in each part)
     * @return this source
     */
    public B optTestFraction(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("The test fraction must be strictly between 0 and 1, got " + fraction
                    + ". For example 0.2 puts 20% of each class into the test part; to give the test part"
                    + " yourself use optTest(...).");
        }
        this.testFraction = fraction;
        return self();
    }

    /**
     * @param standardize true to standardise each feature with the training part's mean and standard
     *     deviation (tables: default true; arrays: default false, values used as they are)
     * @return this source
     */
    public B optStandardize(boolean standardize) {
        this.standardize = standardize;
        return self();
    }

    /** The stratified seeded split of {@code labels} into {train indices, test indices}. */
    int[][] split(String what, int[] labels, List<String> names) {
        return Splits.stratified(what, labels, names, testFraction, seed,
                "give the test part yourself with optTest(...)");
    }
}
