package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prunekit.notebook.TableFormat;

/** The benchmark's tables show decimals as every other PruneKit table does. */
class TableTest {

    @Test
    void decimalsAsTableFormatShowsThem(@TempDir Path dir) throws Exception {
        Table t = new Table("Criteria", "criterion", "accuracy", "saliency").add("taylor", 0.9555555555555556, 1.23456e-5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(TableFormat.number(0.9555555555555556)) && printed.contains("1.235e-05"), printed);
        assertFalse(printed.contains("0.95555"), printed);
        t.writeCsv(dir.resolve("t.csv"));
        assertTrue(Files.readString(dir.resolve("t.csv")).contains("taylor,0.9556,1.235e-05"));
    }
}
