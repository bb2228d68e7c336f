package org.prunekit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

/** Tables written row by row. */
class RowsTest {

    @Test
    void columnTypesFollowTheFirstRow() {
        Table t = Rows.of("t", "name", "count", "share").add("a", 3, 0.5).add("b", 4L, 0.25f).toTable();
        assertEquals("t", t.name());
        assertEquals(2, t.rowCount());
        assertEquals(ColumnType.STRING, t.column("name").type());
        assertEquals(ColumnType.LONG, t.column("count").type());
        assertEquals(ColumnType.DOUBLE, t.column("share").type());
        assertEquals(4L, t.longColumn("count").get(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rows.of("t", "a", "b").add(1));
        assertTrue(e.getMessage().contains("1 values for the 2 columns"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rows.of("t", "x").add(1).add("text"));
        assertThrows(IllegalArgumentException.class, () -> Rows.of("t"));
    }

    @Test
    void aNullLeavesACellEmptyAndTheNextValueGivesTheColumnItsKind() {
        Rows rows = Rows.of("t", "name", "µs", "note").add("torch", null, null).add("djl", 12L, "warm");
        Table t = rows.toTable();
        assertEquals(ColumnType.LONG, t.column("µs").type());
        assertTrue(t.longColumn("µs").isMissing(0));
        assertEquals("", t.stringColumn("note").get(0));
        assertEquals("""
                t
                name   µs  note
                ---------------
                torch
                djl    12  warm
                """, rows.toString());
        assertThrows(IllegalArgumentException.class, () -> rows.add("x", "text", "y"));
    }
}
