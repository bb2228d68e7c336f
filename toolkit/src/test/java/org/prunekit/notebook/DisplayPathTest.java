package org.prunekit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.prunekit.Tabular;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The path every notebook cell takes to show a result: {@link Show} (text when no kernel runs),
 * {@link Html#result} and the rapaio kernel's renderer {@link RapaioDisplay}. A result's notes
 * must reach the reader on each of them.
 */
class DisplayPathTest {

    /** A result with a table, a value with a long expansion, and notes that need escaping. */
    private static final Tabular RESULT = new Tabular() {
        @Override
        public Table toTable() {
            return Table.create("Plan <fc1 & fc2>", StringColumn.create("layer", "fc1", "fc2"),
                    DoubleColumn.create("sparsity", 0.9555555555555556, 1 / 3.0));
        }

        @Override
        public List<String> notes() {
            return List.of("skipped conv1: 1 input channel is not a multiple of M = 4", "target 0.9 not reached (<0.8>)");
        }
    };

    @Test
    void showPrintsTheTextWithItsNotesWhenNoKernelRuns() {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Show.table(RESULT);
        } finally {
            System.setOut(old);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(RESULT.toText() + System.lineSeparator(), printed);
        assertEquals("""
                Plan <fc1 & fc2>
                layer  sparsity
                ---------------
                fc1      0.9556
                fc2      0.3333
                skipped conv1: 1 input channel is not a multiple of M = 4
                target 0.9 not reached (<0.8>)""", RESULT.toText());
    }

    @Test
    void htmlResultEscapesTheTableAndTheNotesAndListsTheNotesUnderTheTable() {
        String html = Html.result(RESULT.toTable(), RESULT.notes());
        assertTrue(html.startsWith(Html.table(RESULT.toTable())), html);
        assertTrue(html.contains("Plan &lt;fc1 &amp; fc2&gt;"), html);
        assertTrue(html.endsWith("<ul class=\"prunekit-notes\" style=\"margin:4px 0;padding-left:20px;font-size:13px\">"
                + "<li>skipped conv1: 1 input channel is not a multiple of M = 4</li>"
                + "<li>target 0.9 not reached (&lt;0.8&gt;)</li></ul>"), html);
        assertFalse(html.contains("<0.8>") || html.contains("0.95555"), html);
        assertEquals(Html.table(RESULT.toTable()), Html.result(RESULT.toTable(), List.of()), "no notes, no list");
    }

    private static DisplayRenderer renderer(Class<?> type) {
        return new RapaioDisplay().getDisplayRenderers().stream().filter(r -> r.rendererClass() == type).findFirst()
                .orElseThrow();
    }

    @Test
    void theKernelRendersAResultAsHtmlWithNotesAndAsItsText() {
        DisplayRenderer r = renderer(Tabular.class);
        assertTrue(r.canRender("text/html") && r.canRender("text/plain") && r.canRender(null));
        DisplayData html = r.render("text/html", RESULT);
        assertEquals(RESULT.toHtml(), html.data().get("text/html"));
        assertTrue(((String) html.data().get("text/html")).contains("<li>target 0.9 not reached (&lt;0.8&gt;)</li>"));
        assertEquals(RESULT.toText(), html.data().get("text/plain"), "front-ends without HTML get the text");
        DisplayData plain = r.render("text/plain", RESULT);
        assertEquals(RESULT.toText(), plain.data().get("text/plain"));
        assertFalse(plain.data().containsKey("text/html"));
        DisplayData any = r.render(null, RESULT);
        assertEquals(RESULT.toHtml(), any.data().get("text/html"));
    }

    @Test
    void theKernelRendersATablesawTableThroughTheSamePrinter() {
        Table t = RESULT.toTable();
        DisplayData d = renderer(Table.class).render("text/html", t);
        assertEquals(Html.table(t), d.data().get("text/html"));
        assertEquals(TableFormat.text(t), d.data().get("text/plain"));
    }
}
