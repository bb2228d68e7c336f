package org.prunekit.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The Breast Cancer Wisconsin (Diagnostic) data set, embedded in the toolkit jar: 569 rows, 30
 * numeric feature columns ({@code "mean radius"} ... {@code "worst fractal dimension"}: mean,
 * standard error and worst value of ten measures of cell nuclei in a digitised image of a
 * fine-needle aspirate of a breast mass) and the label column {@value #LABEL} ({@code "benign"}
 * 357 rows, {@code "malignant"} 212). From the Debian package {@code python3-sklearn}
 * 1.2.1+dfsg-1 (scikit-learn's copy of the UCI data set by Wolberg, Street and Mangasarian); see
 * {@code datasets/README.md}.
 *
 * <p>It is a table first ({@link Datasets#breastCancerTable()}), to look at and change like your
 * own CSV, and a {@link TableSource} ready to split ({@link Datasets#breastCancer()}).
 */
public final class BreastCancer {

    /** The label column. */
    public static final String LABEL = "diagnosis";

    /** The data set's name in splits and reports. */
    static final String NAME = "breast cancer Wisconsin (diagnostic)";

    static final String RESOURCE = "/org/prunekit/data/breast-cancer/breast-cancer.csv";

    private static final String HINT = "The table is embedded in the PruneKit jar and kept in the"
            + " repository's datasets/breast-cancer/; rebuild it with `/usr/bin/python3"
            + " datasets/breast-cancer/convert.py` or check out the file again with git.";

    private BreastCancer() {}

    /**
     * @return a new table named {@code "breast-cancer-wisconsin"} (change it freely)
     * @throws DatasetException if the embedded file is missing or damaged
     */
    static Table table() {
        try (InputStream in = BreastCancer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new DatasetException("The breast cancer table classpath:" + RESOURCE + " is missing. " + HINT);
            }
            ColumnType[] types = new ColumnType[31];
            Arrays.fill(types, ColumnType.DOUBLE);
            types[30] = ColumnType.STRING;
            Table t = Table.read().usingOptions(CsvReadOptions.builder(in).tableName("breast-cancer-wisconsin")
                    .columnTypes(types));
            if (t.rowCount() != 569 || t.columnCount() != 31 || !t.columnNames().get(30).equals(LABEL)) {
                throw new DatasetException("The breast cancer table classpath:" + RESOURCE + " has "
                        + t.rowCount() + " rows and columns " + t.columnNames() + ", not 569 rows of 31 columns"
                        + " ending in \"" + LABEL + "\". " + HINT);
            }
            return t;
        } catch (IOException | UncheckedIOException | IndexOutOfBoundsException | IllegalArgumentException e) {
            if (e instanceof DatasetException d) {
                throw d;
            }
            throw new DatasetException("Could not read the breast cancer table classpath:" + RESOURCE
                    + ": " + e.getMessage() + ". " + HINT, e);
        }
    }

    /** @return the table as a source named {@value #NAME}, classes {@code [benign, malignant]} */
    static TableSource source() {
        return new TableSource(table(), LABEL).optName(NAME);
    }
}
