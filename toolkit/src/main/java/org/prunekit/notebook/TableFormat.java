package org.prunekit.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * How every table PruneKit renders shows its values — the HTML of {@link Html#table}, the text
 * of {@link #text} (the plain-text form of {@link Rows}, of Tablesaw tables shown in a notebook,
 * of {@link Show#table}) and the benchmark's tables — so that a number reads the same wherever it
 * appears:
 *
 * <ul>
 *   <li>decimals to 4 places: {@code 0.9556}, {@code 147.3000};
 *   <li>small decimals (below 0.001, not 0) to 4 significant digits: {@code 1.235e-05};
 *   <li>a NaN as {@code NaN} (Tablesaw counts it as missing; a NaN loss must not look like a blank
 *       cell), infinities as {@code Infinity} and {@code -Infinity};
 *   <li>whole numbers with thousands separators: {@code 266,200}; a missing one as a blank.
 * </ul>
 */
public final class TableFormat {

    private TableFormat() {}

    /**
     * @param value a decimal
     * @return it as a table shows it: 4 decimal places, 4 significant digits below 0.001, or
     *     {@code NaN}/{@code Infinity}/{@code -Infinity}
     */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        // tiny scores (gradients, saliencies) keep their digits instead of printing as 0.0000
        return value != 0 && Math.abs(value) < 1e-3 ? String.format(Locale.ROOT, "%.3e", value)
                : String.format(Locale.ROOT, "%.4f", value);
    }

    /**
     * @param value a whole number
     * @return it with thousands separators, e.g. {@code 266,200}
     */
    public static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /**
     * @param value any cell value
     * @return a decimal or whole number formatted as above, anything else as {@code String.valueOf}
     */
    public static String value(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return number(((Number) value).doubleValue());
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return number(((Number) value).longValue());
        }
        return String.valueOf(value);
    }

    /**
     * @param column a Tablesaw column
     * @return whether it holds numbers (shown right-aligned)
     */
    public static boolean numeric(Column<?> column) {
        ColumnType t = column.type();
        return t == ColumnType.DOUBLE || t == ColumnType.FLOAT || t == ColumnType.INTEGER || t == ColumnType.LONG
                || t == ColumnType.SHORT;
    }

    /**
     * @param column a Tablesaw column
     * @param row a row index
     * @return the cell as every PruneKit table shows it
     */
    public static String cell(Column<?> column, int row) {
        if (column.isMissing(row)) {
            // Tablesaw counts a NaN double as missing; a NaN loss or accuracy must not look like a blank cell
            return column.type() == ColumnType.DOUBLE || column.type() == ColumnType.FLOAT ? "NaN" : "";
        }
        return value(column.get(row));
    }

    /**
     * @param table a table
     * @param notes notes and warnings that belong with it
     * @return the table as aligned text, then one line per note (the text form of every result)
     */
    public static String text(Table table, List<String> notes) {
        StringBuilder sb = new StringBuilder(text(table));
        for (String n : notes) {
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
                sb.append('\n');
            }
            sb.append(n);
        }
        return sb.toString();
    }

    /**
     * @param table a table
     * @return it as aligned plain text: its name, the header, a rule and every row, numbers
     *     right-aligned and formatted as {@link #cell} does
     */
    public static String text(Table table) {
        List<Column<?>> columns = table.columns();
        int n = columns.size();
        int[] width = new int[n];
        List<String[]> rows = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            width[c] = columns.get(c).name().length();
        }
        for (int r = 0; r < table.rowCount(); r++) {
            String[] cells = new String[n];
            for (int c = 0; c < n; c++) {
                cells[c] = cell(columns.get(c), r);
                width[c] = Math.max(width[c], cells[c].length());
            }
            rows.add(cells);
        }
        StringBuilder sb = new StringBuilder();
        if (table.name() != null && !table.name().isBlank()) {
            sb.append(table.name()).append('\n');
        }
        String[] header = columns.stream().map(Column::name).toArray(String[]::new);
        line(sb, header, width, columns);
        int total = 0;
        for (int w : width) {
            total += w;
        }
        sb.append("-".repeat(total + 2 * Math.max(0, n - 1))).append('\n');
        for (String[] r : rows) {
            line(sb, r, width, columns);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, List<Column<?>> columns) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                line.append("  ");
            }
            String pad = " ".repeat(width[c] - cells[c].length());
            line.append(numeric(columns.get(c)) ? pad + cells[c] : cells[c] + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
