package org.prunekit.notebook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/** HTML tables as the notebooks show them. */
class HtmlTest {

    private static String cell(String value) {
        return ";padding:2px 8px\">" + value + "</td>";
    }

    @Test
    void nonFiniteNumbersShowAsSuchAndMissingIntegersStayBlank() {
        LongColumn macs = LongColumn.create("MACs");
        macs.append(7);
        macs.appendMissing();
        macs.append(9);
        Table t = Table.create("Training <net>", IntColumn.create("epoch", 1, 2, 3),
                DoubleColumn.create("loss", 0.25, Double.NaN, Double.NEGATIVE_INFINITY), macs);
        String html = Html.table(t);
        assertTrue(html.contains("Training &lt;net&gt;"), html);
        assertTrue(html.contains(cell("0.2500")), html);
        assertTrue(html.contains(cell("NaN")), "a NaN loss must not look like a blank cell: " + html);
        assertTrue(html.contains(cell("-Infinity")), html);
        assertTrue(html.contains(cell("7")) && html.contains(cell("")), html);
    }
}
