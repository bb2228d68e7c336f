package org.prunekit.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Reads features and labels out of a Tablesaw {@link Table} without changing it, with the
 * checks and messages of {@link Datasets#fromTable}. Row numbers in messages are the table's
 * (0-based) row indices.
 */
final class TableReader {

    private TableReader() {}

    static String describe(Table table) {
        String n = table.name() == null || table.name().isBlank() ? "(unnamed)" : "\"" + table.name() + "\"";
        return "table " + n;
    }

    /** The column of exactly this name (Tablesaw's own look-up ignores case). */
    static Column<?> column(Table table, String name, String role) {
        for (Column<?> c : table.columns()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        String hint = "";
        for (String n : table.columnNames()) {
            if (n.equalsIgnoreCase(name) || n.strip().equals(name.strip())) {
                hint = " Did you mean \"" + n + "\"? Names must match exactly.";
            }
        }
        throw new DatasetException(describe(table) + " has no column \"" + name + "\" (the " + role + "). Its "
                + table.columnCount() + " columns are " + quoted(table.columnNames()) + "." + hint
                + " Pass one of these names.");
    }

    /** A numeric feature column. */
    static NumericColumn<?> numeric(Table table, String name) {
        Column<?> c = column(table, name, "feature column");
        if (c instanceof NumericColumn<?> n) {
            return n;
        }
        throw notNumeric(table, c);
    }

    static DatasetException notNumeric(Table table, Column<?> c) {
        String encode = c instanceof BooleanColumn
                ? "encode it as numbers (e.g. table.addColumns(table.booleanColumn(\"" + c.name()
                        + "\").asDoubleColumn().setName(\"" + c.name() + " 0/1\")))"
                : "encode it as numbers (e.g. one 0/1 column per value)";
        return new DatasetException("Feature column \"" + c.name() + "\" of " + describe(table) + " is " + c.type()
                + ", not numeric: features must be numbers. Fix: drop it (leave it out with optFeatures(...), or"
                + " table.removeColumns(\"" + c.name() + "\")) or " + encode + ".");
    }

    /** One finite value; a missing or infinite cell is an error naming the column and the row. */
    static double value(Table table, NumericColumn<?> col, int row) {
        if (col.isMissing(row)) {
            throw new DatasetException("Column \"" + col.name() + "\" of " + describe(table) + " has a missing value"
                    + " (empty cell or NaN) in row " + row + ". Fix: drop such rows (table.dropRowsWithMissingValues()"
                    + " gives a copy without them), fill them (e.g. col.set(col.isMissing(), 0.0)), or leave the"
                    + " column out with optFeatures(...).");
        }
        double v = col.getDouble(row);
        if (!Double.isFinite(v)) {
            throw new DatasetException("Column \"" + col.name() + "\" of " + describe(table) + " holds " + v
                    + " in row " + row + ", which is not a finite number. Fix: drop or replace that row's value.");
        }
        return v;
    }

    /** Labels mapped to classes: sorted distinct values (numbers numerically), names as text. */
    record Labels(List<String> classNames, int[] labels) {}

    static Labels labels(Table table, String labelColumn) {
        Column<?> c = column(table, labelColumn, "label column");
        Object[] keys = keys(table, c);
        TreeSet<Object> distinct = new TreeSet<>();
        for (Object k : keys) {
            distinct.add(k);
        }
        Map<Object, Integer> index = new TreeMap<>();
        List<String> names = new ArrayList<>();
        for (Object k : distinct) {
            index.put(k, names.size());
            names.add(text(k));
        }
        int[] labels = new int[keys.length];
        for (int r = 0; r < keys.length; r++) {
            labels[r] = index.get(keys[r]);
        }
        return new Labels(names, labels);
    }

    /** Whether the label column holds text (else whole numbers or booleans). */
    static boolean textLabels(Table table, String labelColumn) {
        return column(table, labelColumn, "label column") instanceof StringColumn;
    }

    /**
     * Labels mapped to given classes: each label's text matched to a class name, or, with
     * {@code indices}, whole numbers and booleans ({@code false} 0, {@code true} 1) taken as the
     * class indices themselves (text is matched by name either way).
     *
     * @param notAClass the error for a label (as text) in a row that is none of the classes
     */
    static int[] labels(Table table, String labelColumn, List<String> classNames, boolean indices,
            BiFunction<String, Integer, DatasetException> notAClass) {
        Column<?> c = column(table, labelColumn, "label column");
        Object[] keys = keys(table, c);
        int[] labels = new int[keys.length];
        for (int r = 0; r < keys.length; r++) {
            int k = classNames.indexOf(text(keys[r]));
            if (indices && !(keys[r] instanceof String)) {
                long i = keys[r] instanceof Boolean b ? (b ? 1 : 0) : (Long) keys[r];
                k = i >= 0 && i < classNames.size() ? (int) i : -1;
            }
            if (k < 0) {
                throw notAClass.apply(text(keys[r]), r);
            }
            labels[r] = k;
        }
        return labels;
    }

    private static Object[] keys(Table table, Column<?> c) {
        Object[] keys = new Object[c.size()];
        if (c instanceof StringColumn s) {
            for (int r = 0; r < keys.length; r++) {
                if (s.isMissing(r) || s.get(r).isEmpty()) { // Tablesaw 0.44: setMissing leaves "" that isMissing misses
                    throw missingLabel(table, c, r);
                }
                keys[r] = s.get(r);
            }
        } else if (c instanceof NumericColumn<?> n) {
            for (int r = 0; r < keys.length; r++) {
                if (n.isMissing(r)) {
                    throw missingLabel(table, c, r);
                }
                double v = n.getDouble(r);
                if (v != Math.rint(v) || Math.abs(v) > 1L << 53) {
                    throw new DatasetException("Label column \"" + c.name() + "\" of " + describe(table) + " holds "
                            + v + " in row " + r + ": labels must be class names (strings) or whole numbers. A"
                            + " numeric target is regression, not classification; bin it into classes first.");
                }
                keys[r] = (long) v;
            }
        } else if (c instanceof BooleanColumn b) {
            for (int r = 0; r < keys.length; r++) {
                if (b.isMissing(r)) {
                    throw missingLabel(table, c, r);
                }
                keys[r] = b.get(r);
            }
        } else {
            throw new DatasetException("Label column \"" + c.name() + "\" of " + describe(table) + " is " + c.type()
                    + ": labels must be a STRING, integer or BOOLEAN column. Convert it, e.g. with asStringColumn().");
        }
        return keys;
    }

    private static DatasetException missingLabel(Table table, Column<?> c, int row) {
        return new DatasetException("Label column \"" + c.name() + "\" of " + describe(table)
                + " has a missing value in row " + row + ". Every row needs a class: drop such rows"
                + " (table.dropRowsWithMissingValues() gives a copy without them) or fill them in.");
    }

    private static String text(Object key) {
        return String.valueOf(key);
    }

    static String quoted(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names) {
            q.add("\"" + n + "\"");
        }
        return q.size() <= 60 ? q.toString() : Checks.shortList(q);
    }
}
