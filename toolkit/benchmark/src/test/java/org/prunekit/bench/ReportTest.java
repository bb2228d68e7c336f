package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prunekit.notebook.Rows;
import org.prunekit.notebook.TableFormat;

/** The benchmark's tables print as every other PruneKit table does, and keep their values in the CSV. */
class ReportTest {

    @Test
    void printsThroughTableFormatAndWritesFullValuesAsCsv(@TempDir Path dir) throws Exception {
        Rows t = Rows.of("Criteria", "criterion", "accuracy", "saliency", "file B")
                .add("taylor", 0.9555555555555556, 1.23456e-5, 1_067_175L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Benchmarks.report(t, new PrintStream(bytes, true, StandardCharsets.UTF_8), dir.resolve("out/t.csv"));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("\n" + TableFormat.text(t.toTable()), printed, "one printer for every table");
        assertEquals("""

                Criteria
                criterion  accuracy   saliency     file B
                -----------------------------------------
                taylor       0.9556  1.235e-05  1,067,175
                """, printed);
        assertFalse(printed.contains("0.95555"), printed);
        assertEquals(List.of("criterion,accuracy,saliency,file B", "taylor,0.9555555555555556,1.23456E-5,1067175"),
                Files.readAllLines(dir.resolve("out/t.csv")), "the CSV keeps the measured values");
    }
}
