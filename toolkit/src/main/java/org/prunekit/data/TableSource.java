package org.prunekit.data;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A Tablesaw table with one label column: all other columns (or those named with
 * {@link #optFeatures}) are the numeric features, one example per row. Get one with
 * {@link Datasets#fromTable(Table, String)}; the table is never modified.
 *
 * <p>The classes: by default the sorted distinct values of the label column (strings, whole
 * numbers in numeric order, or booleans), which stay the class names. {@link #optClassNames}
 * fixes the classes and their order instead (classes may then have no rows): text labels must be
 * one of the names; whole numbers (and booleans, {@code false} 0 and {@code true} 1) are then the
 * class indices, as for arrays, which is also what {@link #optNumClasses} alone means.
 *
 * <p>The split is stratified and seeded ({@link #optTestFraction}, default 0.2; {@link #optSeed},
 * default 42) unless {@link #optTest(Table)} gives a test table; the features are standardised
 * with the training part's means and standard deviations (a constant column stays finite) unless
 * {@code optStandardize(false)}; {@link DataSplit#provenance()} records all of it.
 *
 * <pre>{@code
 * DataSplit data = Datasets.fromTable(table, "species").optTestFraction(0.25).build();
 * DataSplit ordered = Datasets.fromTable(patients, "outcome").optClassNames("healthy", "ill").build();
 * }</pre>
 */
public final class TableSource extends StratifiedSource<TableSource> {

    private final Table table;
    private final String labelColumn;
    private List<String> features;
    private Table testTable;

    TableSource(Table table, String labelColumn) {
        super(table.name() == null || table.name().isBlank() ? "table" : table.name(), true);
        this.table = table;
        this.labelColumn = labelColumn;
    }

    /**
     * @param columns the feature columns, in this order (default: every column but the label, in table order)
     * @return this source
     */
    public TableSource optFeatures(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("Name at least one feature column, or leave optFeatures out to use"
                    + " every column but the label.");
        }
        Set<String> seen = new HashSet<>();
        for (String c : columns) {
            if (!seen.add(Objects.requireNonNull(c, "column name"))) {
                throw new IllegalArgumentException("Feature column \"" + c + "\" is named twice.");
            }
        }
        this.features = List.of(columns);
        return this;
    }

    /**
     * Uses a separate table as the test part instead of a random split: same feature columns and
     * label column, labels among the training table's classes. It is standardised with the training
     * table's statistics and not modified.
     *
     * @param test the test rows
     * @return this source
     */
    public TableSource optTest(Table test) {
        this.testTable = Objects.requireNonNull(test, "test");
        return this;
    }

    @Override
    public DataSplit build() {
        String what = TableReader.describe(table);
        List<String> names = features != null ? features : new ArrayList<>(table.columnNames());
        Column<?> label = TableReader.column(table, labelColumn, "label column");
        if (features == null) {
            names.remove(label.name());
        } else if (features.contains(labelColumn)) {
            throw new DatasetException("The label column \"" + labelColumn + "\" is also named as a feature."
                    + " Leave it out of optFeatures(...): a model must not see the answer.");
        }
        if (names.isEmpty()) {
            throw new DatasetException(what + " has no feature columns besides the label \"" + labelColumn
                    + "\". Add numeric columns to learn from.");
        }
        if (table.rowCount() == 0) {
            throw new DatasetException(what + " is empty: it has no rows. Give at least two rows per class.");
        }
        List<NumericColumn<?>> cols = numericColumns(table, names);
        String labelled = name + " (" + what + ", column \"" + labelColumn + "\")";
        TableReader.Labels labels = labels(labelled);
        checkCells(table, cols);
        Checks.twoClasses(labelled, labels.labels(), labels.classNames());

        int[] trainRows;
        int[] testRows = null;
        int[] testLabels = null;
        List<NumericColumn<?>> testCols = null;
        if (testTable == null) {
            int[][] split = split(labelled, labels.labels(), labels.classNames());
            trainRows = split[0];
            testRows = split[1];
        } else {
            trainRows = ImageSet.inOrder(table.rowCount());
            if (testTable.rowCount() == 0) {
                throw new DatasetException("The test " + TableReader.describe(testTable) + " is empty: it has no rows.");
            }
            testCols = numericColumns(testTable, names);
            checkCells(testTable, testCols);
            testLabels = testLabels(labels.classNames());
        }
        Standardizer z = standardize ? Standardizer.fit(names, cols, trainRows) : Standardizer.identity(names);
        Shape shape = new Shape(names.size());
        ImageSet train = ImageSet.ofFloats(name + " train", values(cols, trainRows, z), shape,
                pick(labels.labels(), trainRows), labels.classNames());
        ImageSet test;
        String testSource = null;
        if (testTable == null) {
            test = ImageSet.ofFloats(name + " test", values(cols, testRows, z), shape,
                    pick(labels.labels(), testRows), labels.classNames());
        } else {
            test = ImageSet.ofFloats(name + " test", values(testCols, ImageSet.inOrder(testTable.rowCount()), z),
                    shape, testLabels, labels.classNames());
            testSource = TableReader.describe(testTable) + " (" + testTable.rowCount() + " rows)";
        }
        return finish(train, test, what + " (" + table.rowCount() + " rows x " + table.columnCount() + " columns)",
                testSource, labelColumn, names, z,
                testTable == null ? Provenance.Split.STRATIFIED : Provenance.Split.GIVEN, testFraction);
    }

    /** The classes and each row's label: the sorted distinct values, or the classes given. */
    private TableReader.Labels labels(String labelled) {
        if (classNames == null && numClasses == 0) {
            return TableReader.labels(table, labelColumn);
        }
        boolean text = TableReader.textLabels(table, labelColumn);
        if (text && classNames == null) {
            throw new DatasetException(labelled + ": optNumClasses(" + numClasses + ") makes the labels class"
                    + " indices, but the label column holds text. Name the classes instead with optClassNames(...)"
                    + " (every label one of the names), or leave both out to use the sorted distinct labels.");
        }
        List<String> classes = classes(() -> 0);
        String what = TableReader.describe(table);
        return new TableReader.Labels(classes, TableReader.labels(table, labelColumn, classes, !text,
                (value, row) -> notAClass(value, row, what, classes, text)));
    }

    /** The labels of the test table, as classes of the training table. */
    private int[] testLabels(List<String> classes) {
        String what = "the test " + TableReader.describe(testTable);
        if (classNames == null && numClasses == 0) {
            return TableReader.labels(testTable, labelColumn, classes, false, (value, row) -> new DatasetException(
                    "Label \"" + value + "\" in row " + row + " of " + what + " is not a class of the training "
                    + TableReader.describe(table) + " " + Checks.shortList(classes) + ". Fix: move such rows to the"
                    + " training table, or drop them."));
        }
        boolean text = TableReader.textLabels(testTable, labelColumn);
        return TableReader.labels(testTable, labelColumn, classes, !text,
                (value, row) -> notAClass(value, row, what, classes, text));
    }

    private static DatasetException notAClass(String value, int row, String what, List<String> classes, boolean text) {
        String start = "Label \"" + value + "\" in row " + row + " of " + what;
        if (text) {
            return new DatasetException(start + " is not one of the class names " + Checks.shortList(classes)
                    + " given with optClassNames(...). Fix: add it to the names, or drop such rows.");
        }
        return new DatasetException(start + " is not a class index 0.." + (classes.size() - 1) + " "
                + Checks.shortList(classes) + ": with optClassNames or optNumClasses, whole-number labels are the"
                + " class indices (and booleans false 0, true 1). Fix: give more classes, or fix the row.");
    }

    private static List<NumericColumn<?>> numericColumns(Table t, List<String> names) {
        List<NumericColumn<?>> cols = new ArrayList<>();
        for (String n : names) {
            cols.add(TableReader.numeric(t, n));
        }
        return cols;
    }

    /** Every cell present and finite, column by column (messages name column and row). */
    private static void checkCells(Table t, List<NumericColumn<?>> cols) {
        for (NumericColumn<?> c : cols) {
            for (int r = 0; r < c.size(); r++) {
                TableReader.value(t, c, r);
            }
        }
    }

    private static int[] pick(int[] labels, int[] rows) {
        int[] out = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            out[k] = labels[rows[k]];
        }
        return out;
    }

    private static float[] values(List<NumericColumn<?>> cols, int[] rows, Standardizer z) {
        int d = cols.size();
        float[] v = new float[Math.multiplyExact(rows.length, d)];
        for (int j = 0; j < d; j++) {
            NumericColumn<?> c = cols.get(j);
            double mean = z.means()[j];
            double div = z.divisor(j);
            for (int k = 0; k < rows.length; k++) {
                v[k * d + j] = (float) ((c.getDouble(rows[k]) - mean) / div);
            }
        }
        return v;
    }
}
