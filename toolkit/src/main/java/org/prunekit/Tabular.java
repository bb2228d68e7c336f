package org.prunekit;

import java.util.List;
import org.prunekit.notebook.Html;
import org.prunekit.notebook.TableFormat;
import tech.tablesaw.api.Table;

/**
 * A result that shows itself as a table plus notes. The table and the notes are the one source
 * of every rendering: the HTML a notebook shows ({@link #toHtml()}) and the text that
 * {@code toString()} gives ({@link #toText()}) are both generated from them, so a warning (a
 * skipped layer, a target not reached) is seen in a notebook exactly as in a terminal. In a
 * notebook, a cell ending in such a value shows the HTML (with the text as fallback).
 *
 * <p>An implementation provides {@link #toTable()} and, if it has any, {@link #notes()}, and lets
 * {@code toString()} return {@link #toText()}.
 */
public interface Tabular {

    /** @return the result as a Tablesaw table (its name is the caption) */
    Table toTable();

    /**
     * @return notes and warnings that belong with the table (one sentence each, in reading order);
     *     empty by default
     */
    default List<String> notes() {
        return List.of();
    }

    /** @return the table and the notes as HTML, the form a notebook shows */
    default String toHtml() {
        return Html.result(toTable(), notes());
    }

    /** @return the table and the notes as aligned plain text */
    default String toText() {
        return TableFormat.text(toTable(), notes());
    }
}
