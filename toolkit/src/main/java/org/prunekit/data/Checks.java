package org.prunekit.data;

import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks every way into an {@link ImageSet} shares, each failing with a {@link DatasetException}
 * that says what was wrong, where, and how to fix it. Nothing is changed when a check fails.
 */
final class Checks {

    private Checks() {}

    /** Labels are class indices in {@code 0..classNames.size()-1}. */
    static void labels(String name, int[] labels, List<String> classNames) {
        int k = classNames.size();
        nonNegative(name, labels);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= k) {
                throw new DatasetException(name + ": label " + labels[i] + " of example " + i + " is outside 0.."
                        + (k - 1) + " (" + k + " classes: " + shortList(classNames) + "). Give " + (labels[i] + 1)
                        + " or more class names (or a class count of at least " + (labels[i] + 1)
                        + ") or fix the label.");
            }
        }
    }

    /** No negative label. */
    static void nonNegative(String name, int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new DatasetException(name + ": label " + labels[i] + " of example " + i + " is negative."
                        + " Labels are class indices 0, 1, 2, ...; map your classes to them first (e.g. by their"
                        + " position in a sorted list of the distinct values).");
            }
        }
    }

    /** The class count labels imply when none is given: the largest label + 1. */
    static int impliedClassCount(String name, int[]... parts) {
        int max = -1;
        for (int[] labels : parts) {
            nonNegative(name, labels);
            for (int l : labels) {
                max = Math.max(max, l);
            }
        }
        return max + 1;
    }

    /** The names {@code "0".."k-1"}. */
    static List<String> numberNames(int k) {
        String[] names = new String[k];
        for (int c = 0; c < k; c++) {
            names[c] = Integer.toString(c);
        }
        return List.of(names);
    }

    /** A classifier needs examples of at least two classes to learn from. */
    static void twoClasses(String name, int[] trainLabels, List<String> classNames) {
        int[] counts = new int[classNames.size()];
        int present = 0;
        for (int l : trainLabels) {
            if (counts[l]++ == 0) {
                present++;
            }
        }
        if (present < 2) {
            String only = trainLabels.length == 0 ? "no class" : "only one class, \"" + classNames.get(trainLabels[0]) + "\"";
            throw new DatasetException(name + " has " + only + " (" + trainLabels.length + " examples): a classifier"
                    + " needs examples of at least 2 classes. Fix: add examples of the other classes or check"
                    + " the label column / labels you gave.");
        }
    }

    /** Class names: at least one, none null or blank, no repeats; returns an unmodifiable copy. */
    static List<String> classNames(String name, List<String> classNames) {
        if (classNames == null || classNames.isEmpty()) {
            throw new DatasetException(name + ": no class names given. Give one name per class, indexed by label.");
        }
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < classNames.size(); c++) {
            String n = classNames.get(c);
            if (n == null || n.isBlank()) {
                throw new DatasetException(name + ": class name " + c + " is " + (n == null ? "null" : "blank")
                        + ". Give every class a name (e.g. \"" + c + "\").");
            }
            if (!seen.add(n)) {
                throw new DatasetException(name + ": class name \"" + n + "\" is given twice. Class names must differ.");
            }
        }
        return List.copyOf(classNames);
    }

    /** Rows of equal length, one label each, all values finite; returns them row after row. */
    static float[] flatten(String name, float[][] rows, int[] labels) {
        if (rows == null || labels == null) {
            throw new DatasetException(name + ": rows and labels must not be null.");
        }
        if (rows.length == 0) {
            throw new DatasetException(name + " is empty: it holds no rows. Give at least one row per class.");
        }
        if (rows.length != labels.length) {
            throw new DatasetException(name + ": " + rows.length + " rows but " + labels.length
                    + " labels. Give exactly one label per row.");
        }
        if (rows[0] == null || rows[0].length == 0) {
            throw new DatasetException(name + ": row 0 has no values. Every row needs at least one feature.");
        }
        int d = rows[0].length;
        float[] flat = new float[Math.multiplyExact(rows.length, d)];
        for (int i = 0; i < rows.length; i++) {
            float[] row = rows[i];
            if (row == null || row.length != d) {
                throw new DatasetException(name + ": the rows are ragged: row " + i + " has "
                        + (row == null ? "no array (null)" : row.length + " values") + " but row 0 has " + d
                        + ". All rows must have the same number of features.");
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new DatasetException(name + ": value " + row[j] + " in row " + i + ", feature " + j
                            + " is not a finite number. Replace or drop rows with NaN or infinite values first.");
                }
            }
            System.arraycopy(row, 0, flat, i * d, d);
        }
        return flat;
    }

    /** {@code labels.length} examples of {@code shape}, all values finite. */
    static void shaped(String name, float[] values, Shape shape, int[] labels) {
        if (values == null || shape == null || labels == null) {
            throw new DatasetException(name + ": values, example shape and labels must not be null.");
        }
        long n = shape.size();
        if (shape.dimension() == 0 || n < 1 || n > Integer.MAX_VALUE) {
            throw new DatasetException(name + ": example shape " + shape + " holds no values. Give the shape of one"
                    + " example without the batch axis, e.g. (30) for rows of 30 features or (3, 32, 32).");
        }
        if (labels.length == 0 || values.length == 0) {
            throw new DatasetException(name + " is empty: it holds " + values.length + " values and " + labels.length
                    + " labels. Give at least one example per class.");
        }
        if (values.length != labels.length * n) {
            String fits = values.length % n == 0 ? " (the values make " + values.length / n + " examples)" : "";
            throw new DatasetException(name + ": " + values.length + " values are not " + labels.length
                    + " examples of shape " + shape + " (that needs " + labels.length * n + " values)" + fits
                    + ". Give one label per example and check the example shape.");
        }
        for (int v = 0; v < values.length; v++) {
            if (!Float.isFinite(values[v])) {
                throw new DatasetException(name + ": value " + values[v] + " at position " + (v % n) + " of example "
                        + (v / n) + " is not a finite number. Replace or drop examples with NaN or infinite values first.");
            }
        }
    }

    /** At most the first 12 names, for messages. */
    static String shortList(List<String> names) {
        if (names.size() <= 12) {
            return names.toString();
        }
        return names.subList(0, 12).toString().replaceFirst("]$", ", ... (" + names.size() + " in all)]");
    }
}
