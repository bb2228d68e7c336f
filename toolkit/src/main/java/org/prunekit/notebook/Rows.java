package org.prunekit.notebook;

import java.util.ArrayList;
import java.util.List;
import org.prunekit.Tabular;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A titled table written row by row, for the comparisons a notebook cell computes (and the
 * benchmark's tables): a thin builder of a Tablesaw {@link Table}, which {@link TableFormat}
 * prints and {@link Html} shows like every other PruneKit table. Column types follow the first
 * value given in each column: whole numbers, decimals, or text; a {@code null} leaves a cell
 * empty (in a decimal column it counts as missing, which Tablesaw cannot tell from NaN). It
 * shows itself as a table in a notebook.
 *
 * <pre>{@code
 * Rows.of("Masked vs removed", "net", "parameters", "accuracy")
 *     .add("dense", dense.parameterCount(), dense.accuracy(test))
 *     .add("removed", slim.parameterCount(), slim.accuracy(test))
 * }</pre>
 */
public final class Rows implements Tabular {

    private final String title;
    private final List<String> header;
    private final List<Object[]> rows = new ArrayList<>();

    private Rows(String title, List<String> header) {
        this.title = title;
        this.header = header;
    }

    /**
     * @param title the table's title
     * @param header the column names (at least one)
     * @return an empty table with those columns
     */
    public static Rows of(String title, String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("A table needs at least one column.");
        }
        return new Rows(title, List.of(header));
    }

    /**
     * @param values one value per column, in order
     * @return this table
     * @throws IllegalArgumentException if the count differs from the columns, or a value's kind
     *     differs from the first row's in that column
     */
    public Rows add(Object... values) {
        if (values.length != header.size()) {
            throw new IllegalArgumentException(values.length + " values for the " + header.size() + " columns "
                    + header + ".");
        }
        for (int c = 0; c < values.length; c++) {
            String k = kind(c);
            if (values[c] != null && k != null && !k.equals(kind(values[c]))) {
                throw new IllegalArgumentException("Column \"" + header.get(c) + "\" holds " + k + " values, but row "
                        + (rows.size() + 1) + " gives " + values[c] + ".");
            }
        }
        rows.add(values.clone());
        return this;
    }

    /** @return the number of rows so far */
    public int size() {
        return rows.size();
    }

    /** The kind of column {@code c}: that of its first value that is not null, or null if none. */
    private String kind(int c) {
        return rows.stream().map(r -> r[c]).filter(java.util.Objects::nonNull).findFirst().map(Rows::kind)
                .orElse(null);
    }

    private static String kind(Object v) {
        return v instanceof Double || v instanceof Float ? "decimal"
                : v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte ? "whole" : "text";
    }

    @Override
    public Table toTable() {
        Table t = Table.create(title);
        for (int c = 0; c < header.size(); c++) {
            String k = kind(c);
            if ("decimal".equals(k)) {
                DoubleColumn col = DoubleColumn.create(header.get(c));
                for (Object[] r : rows) {
                    if (r[c] == null) {
                        col.appendMissing();
                    } else {
                        col.append(((Number) r[c]).doubleValue());
                    }
                }
                t.addColumns(col);
            } else if ("whole".equals(k)) {
                LongColumn col = LongColumn.create(header.get(c));
                for (Object[] r : rows) {
                    if (r[c] == null) {
                        col.appendMissing();
                    } else {
                        col.append(((Number) r[c]).longValue());
                    }
                }
                t.addColumns(col);
            } else {
                StringColumn col = StringColumn.create(header.get(c));
                for (Object[] r : rows) {
                    col.append(r[c] == null ? "" : String.valueOf(r[c]));
                }
                t.addColumns(col);
            }
        }
        return t;
    }

    /** @return the table as aligned text, numbers as {@link TableFormat} shows them */
    @Override
    public String toString() {
        return toText();
    }
}
