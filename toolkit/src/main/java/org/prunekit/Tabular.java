package org.prunekit;

import tech.tablesaw.api.Table;

/**
 * A result that can show itself as a table. In a notebook, a cell ending in such a value shows
 * an HTML table (with its text form as fallback); {@code toString()} gives the readable text.
 */
public interface Tabular {

    /** @return the result as a Tablesaw table */
    Table toTable();
}
