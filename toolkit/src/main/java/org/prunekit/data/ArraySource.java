package org.prunekit.data;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Objects;

/**
 * Examples held in Java arrays, with one class index {@code 0, 1, ...} per example: rows of
 * float features ({@link Datasets#fromArrays(float[][], int[])}, example shape {@code (d)}) or
 * examples of any fixed shape as one flat row-major array
 * ({@link Datasets#fromArrays(float[], Shape, int[])}, e.g. {@code (3, 32, 32)} colour images).
 *
 * <p>The class count is the largest label + 1 unless given ({@link #optNumClasses},
 * {@link #optClassNames}); the split is stratified and seeded, or given with {@code optTest(...)}
 * in the same form as the training examples. Values are used as they are unless
 * {@link #optStandardize(boolean) optStandardize(true)}. The arrays are not modified.
 *
 * <pre>{@code
 * DataSplit data = Datasets.fromArrays(rows, labels).optClassNames("no", "yes").build();
 * }</pre>
 */
public final class ArraySource extends StratifiedSource<ArraySource> {

    private final float[][] rows;
    private final float[] values;
    private final Shape shape;
    private final int[] labels;
    private float[][] testRows;
    private float[] testValues;
    private int[] testLabels;

    /** Rows of features. */
    ArraySource(float[][] rows, int[] labels) {
        this(rows, null, null, labels);
    }

    /** Examples of one shape, one after another. */
    ArraySource(float[] values, Shape shape, int[] labels) {
        this(null, values, shape, labels);
    }

    private ArraySource(float[][] rows, float[] values, Shape shape, int[] labels) {
        super("arrays", false);
        this.rows = rows;
        this.values = values;
        this.shape = shape;
        this.labels = labels;
    }

    /**
     * Uses these rows as the test part instead of a random split (for {@link Datasets#fromArrays(float[][], int[])}).
     *
     * @param rows test rows, as long as the training rows
     * @param labels one class index per test row
     * @return this source
     */
    public ArraySource optTest(float[][] rows, int[] labels) {
        return test(this.rows != null, "a flat array with a shape", "optTest(float[] values, int[] labels)",
                Objects.requireNonNull(rows, "rows"), null, labels);
    }

    /**
     * Uses these examples as the test part instead of a random split (for
     * {@link Datasets#fromArrays(float[], Shape, int[])}; same example shape).
     *
     * @param values the test examples one after another
     * @param labels one class index per test example
     * @return this source
     */
    public ArraySource optTest(float[] values, int[] labels) {
        return test(this.values != null, "rows", "optTest(float[][] rows, int[] labels)",
                null, Objects.requireNonNull(values, "values"), labels);
    }

    private ArraySource test(boolean sameForm, String trainForm, String fix, float[][] rows, float[] values,
            int[] labels) {
        if (!sameForm) {
            throw new IllegalArgumentException("The training examples were given as " + trainForm
                    + ": give the test part the same way, " + fix + ".");
        }
        this.testRows = rows;
        this.testValues = values;
        this.testLabels = Objects.requireNonNull(labels, "labels");
        return this;
    }

    @Override
    public DataSplit build() {
        boolean given = testLabels != null;
        String trainWhat = given ? name + " (training arrays)" : name;
        float[] flat = flat(trainWhat, rows, values, labels);
        Shape exampleShape = rows != null ? new Shape(rows[0].length) : shape;
        float[] testFlat = null;
        if (given) {
            testFlat = flat(name + " (test arrays)", testRows, testValues, testLabels);
            if (testRows != null && testRows[0].length != rows[0].length) {
                throw new DatasetException(name + ": the test rows have " + testRows[0].length
                        + " values but the training rows have " + rows[0].length + ". Give both the same features.");
            }
        }
        List<String> names = classes(() -> Math.max(1, given
                ? Checks.impliedClassCount(name, labels, testLabels) : Checks.impliedClassCount(name, labels)));
        Checks.labels(trainWhat, labels, names);
        if (given) {
            Checks.labels(name + " (test arrays)", testLabels, names);
        }
        Checks.twoClasses(trainWhat, labels, names);

        ImageSet all = ImageSet.ofFloats(name, flat, exampleShape, labels.clone(), names);
        ImageSet train;
        ImageSet test;
        if (given) {
            train = all.select(ImageSet.inOrder(all.size()), name + " train");
            test = ImageSet.ofFloats(name + " test", testRows != null ? testFlat : testFlat.clone(), exampleShape,
                    testLabels.clone(), names);
        } else {
            int[][] split = split(name, labels, names);
            train = all.select(split[0], name + " train");
            test = all.select(split[1], name + " test");
        }
        List<String> featureNames = featureNames(exampleShape);
        Standardizer z = Standardizer.identity(featureNames);
        if (standardize) {
            z = Standardizer.fit(featureNames, train.values(), ImageSet.inOrder(train.size()));
            train = train.standardized(z);
            test = test.standardized(z);
        }
        String source = (rows != null ? "float[" + rows.length + "][" + rows[0].length + "] rows"
                : "float[" + values.length + "] values as " + labels.length + " examples of shape " + shape)
                + " with " + labels.length + " labels";
        String testSource = !given ? null : testRows != null
                ? "float[" + testRows.length + "][" + testRows[0].length + "] rows with " + testLabels.length + " labels"
                : "float[" + testValues.length + "] values with " + testLabels.length + " labels";
        return finish(train, test, source, testSource, null, featureNames, z,
                given ? Provenance.Split.GIVEN : Provenance.Split.STRATIFIED, testFraction);
    }

    private float[] flat(String what, float[][] r, float[] v, int[] l) {
        if (r != null) {
            return Checks.flatten(what, r, l);
        }
        Checks.shaped(what, v, shape, l);
        return v;
    }

    private static List<String> featureNames(Shape shape) {
        String[] n = new String[Math.toIntExact(shape.size())];
        for (int j = 0; j < n.length; j++) {
            n[j] = "x" + j;
        }
        return List.of(n);
    }
}
