package org.prunekit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** One way to show a number in every table PruneKit renders: HTML, text, Rows, Show. */
class TableFormatTest {

    private static final double ACCURACY = 0.9555555555555556; // 86/90, as a results table showed it

    @Test
    void decimalsHaveFourPlacesSmallOnesFourSignificantDigitsAndNonFiniteOnesTheirName() {
        assertEquals("0.9556", TableFormat.number(ACCURACY));
        assertEquals("147.3000", TableFormat.number(147.3));
        assertEquals("0.0000", TableFormat.number(0.0));
        assertEquals("0.0012", TableFormat.number(0.00123456));
        assertEquals("1.235e-05", TableFormat.number(1.23456e-5));
        assertEquals("-4.000e-07", TableFormat.number(-4e-7));
        assertEquals("NaN", TableFormat.number(Double.NaN));
        assertEquals("Infinity", TableFormat.number(Double.POSITIVE_INFINITY));
        assertEquals("-Infinity", TableFormat.number(Double.NEGATIVE_INFINITY));
        assertEquals("266,200", TableFormat.number(266_200L));
        assertEquals("0.5000", TableFormat.value(0.5f));
        assertEquals("12", TableFormat.value(12));
        assertEquals("dense", TableFormat.value("dense"));
    }

    /**
     * However a double is computed (a ratio, a mean, a float widened to double, a tiny saliency),
     * no table shows it with more digits than TableFormat gives: no 0.9555555555555556 in the
     * text or the HTML of any table or result.
     */
    @Test
    void noTableShowsADoubleWithMoreThanItsFormattedDigits() {
        java.util.Random random = new java.util.Random(7);
        DoubleColumn d = DoubleColumn.create("d", ACCURACY, 1 / 3.0, 2 / 3.0, 1 - 0.8 * 0.8, 0.1 + 0.2, 1e-3 / 3,
                (double) 0.1f, 123456.789012345, -1 / 7.0);
        tech.tablesaw.api.FloatColumn f = tech.tablesaw.api.FloatColumn.create("f", 0.1f, 1 / 3f, 2.5e-6f, 7f / 9, 1e4f / 3,
                -2f / 3, 0.3f, 1f / 11, 5f);
        for (int i = 0; i < 200; i++) {
            double v = Math.pow(10, random.nextDouble() * 10 - 7) * (random.nextBoolean() ? 1 : -1);
            d.append(v);
            f.append((float) v);
        }
        Table t = Table.create("awkward doubles", d, f);
        java.util.regex.Pattern raw = java.util.regex.Pattern.compile("\\d\\.\\d{5,}");
        for (String shown : new String[] {TableFormat.text(t), Html.table(t), Html.result(t, java.util.List.of("n")),
                Rows.of("rows", "v").add(1 / 3.0).add(ACCURACY).toString()}) {
            java.util.regex.Matcher m = raw.matcher(shown);
            assertFalse(m.find(), () -> "unformatted number " + m.group() + " in\n" + shown);
        }
        assertTrue(TableFormat.text(t).contains("0.3333") && TableFormat.text(t).contains("0.9556"));
    }

    private static Table sample() {
        LongColumn weights = LongColumn.create("weights");
        weights.append(266_200);
        weights.appendMissing();
        weights.append(7);
        return Table.create("Results", StringColumn.create("net", "dense", "pruned", "broken"),
                DoubleColumn.create("accuracy", ACCURACY, 1.23456e-5, Double.NaN), weights);
    }

    @Test
    void htmlAndTextShowTheSameCells() {
        Table t = sample();
        String html = Html.table(t);
        String text = TableFormat.text(t);
        for (String cell : new String[] {"0.9556", "1.235e-05", "NaN", "266,200", "7"}) {
            assertTrue(html.contains(">" + cell + "</td>"), cell + " in " + html);
            assertTrue(text.contains(cell), cell + " in " + text);
        }
        assertFalse(html.contains("0.95555") || text.contains("0.95555"), text);
        assertEquals("""
                Results
                net      accuracy  weights
                --------------------------
                dense      0.9556  266,200
                pruned  1.235e-05
                broken        NaN        7
                """, text);
    }

    @Test
    void rowsShowTheirDecimalsTheSameWayAsTextAndAsHtml() {
        Rows rows = Rows.of("Masked vs removed", "net", "parameters", "accuracy")
                .add("dense", 266_610L, ACCURACY)
                .add("removed", 66_610L, 0.25);
        String text = rows.toString();
        assertTrue(text.contains("0.9556") && text.contains("0.2500") && text.contains("266,610"), text);
        assertFalse(text.contains("0.95555"), text);
        assertEquals(TableFormat.text(rows.toTable()), text);
        assertTrue(Html.table(rows.toTable()).contains(">0.9556</td>"));
    }

    @Test
    void showPrintsTheSameTextOutsideANotebook() {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Show.table(sample());
        } finally {
            System.setOut(old);
        }
        assertEquals(TableFormat.text(sample()) + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }
}
