package org.prunekit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** Runs over seeds compared with each other and shown side by side. */
class ReplicatesTest {

    @Test
    void versusSaysAboveBelowOrOverlapping() {
        Replicates low = Replicates.of("low", 0.1, 0.2, 0.3);
        Replicates high = Replicates.of("high", 0.4, 0.5);
        Replicates mid = Replicates.of("mid", 0.25, 0.45);
        assertEquals("every high run is above every low run (means 0.4500 and 0.2000)", high.versus(low));
        assertEquals("every low run is below every high run (means 0.2000 and 0.4500)", low.versus(high));
        assertTrue(mid.versus(low).startsWith("the mid and low runs overlap (means 0.3500 and 0.2000)"), mid.versus(low));
        assertTrue(mid.versus(low).endsWith("within seed-to-seed noise"), mid.versus(low));
    }

    @Test
    void tableHasOneRowPerSetWithItsStatistics() {
        Table t = Replicates.table("acc", Replicates.of("a", 1, 3), Replicates.of("b", 2)).toTable();
        assertEquals("acc", t.name());
        assertEquals(2, t.rowCount());
        assertEquals("b", t.stringColumn("runs of").get(1));
        assertEquals(2L, t.longColumn("runs").get(0));
        assertEquals(2.0, t.doubleColumn("mean").get(0), 1e-12);
        assertEquals(Math.sqrt(2), t.doubleColumn("sd").get(0), 1e-12);
        assertEquals(1.0, t.doubleColumn("lowest").get(0), 1e-12);
        assertEquals(3.0, t.doubleColumn("highest").get(0), 1e-12);
        assertEquals(0.0, t.doubleColumn("sd").get(1), 1e-12);
    }
}
