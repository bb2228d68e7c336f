package org.prunekit.notebook;

import java.util.List;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** HTML for notebook output: Tablesaw tables as compact, readable HTML tables. */
public final class Html {

    private static final int MAX_ROWS = 200;

    private Html() {}

    /**
     * @param table a table (its name becomes the caption)
     * @return an HTML table; numbers right-aligned and formatted by {@link TableFormat} (decimals to 4
     *     places, tiny ones to 4 significant digits, a NaN as {@code NaN}, not as the blank of a missing
     *     value), at most 200 rows
     */
    public static String table(Table table) {
        StringBuilder sb = new StringBuilder("<table class=\"prunekit\" style=\"border-collapse:collapse;"
                + "font-size:13px\">");
        if (table.name() != null && !table.name().isBlank()) {
            sb.append("<caption style=\"caption-side:top;text-align:left;font-weight:bold;padding:4px 0\">")
                    .append(escape(table.name())).append("</caption>");
        }
        sb.append("<thead><tr>");
        for (Column<?> c : table.columns()) {
            sb.append("<th style=\"text-align:").append(TableFormat.numeric(c) ? "right" : "left")
                    .append(";padding:2px 8px;border-bottom:1px solid #999\">").append(escape(c.name())).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        int rows = Math.min(table.rowCount(), MAX_ROWS);
        for (int r = 0; r < rows; r++) {
            sb.append("<tr>");
            for (Column<?> c : table.columns()) {
                sb.append("<td style=\"text-align:").append(TableFormat.numeric(c) ? "right" : "left")
                        .append(";padding:2px 8px\">").append(escape(TableFormat.cell(c, r))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (table.rowCount() > rows) {
            sb.append("<p>… ").append(table.rowCount() - rows).append(" more rows</p>");
        }
        return sb.toString();
    }

    /**
     * @param table a table
     * @param notes notes and warnings that belong with it
     * @return the table's HTML followed by the notes as a list (warnings in a notebook are seen
     *     exactly where a terminal prints them: under the table)
     */
    public static String result(Table table, List<String> notes) {
        StringBuilder sb = new StringBuilder(table(table));
        if (!notes.isEmpty()) {
            sb.append("<ul class=\"prunekit-notes\" style=\"margin:4px 0;padding-left:20px;font-size:13px\">");
            for (String n : notes) {
                sb.append("<li>").append(escape(n)).append("</li>");
            }
            sb.append("</ul>");
        }
        return sb.toString();
    }

    /**
     * @param text plain text
     * @return the text escaped for HTML
     */
    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
