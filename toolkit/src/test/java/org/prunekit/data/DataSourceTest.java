package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** The settings every {@link DataSource} shares (DataSource itself) act the same on every kind of source. */
class DataSourceTest {

    @TempDir
    Path tmp;

    /** 60 rows of 3 classes (label i % 3), features {i, label}. */
    static float[][] rows() {
        float[][] r = new float[60][];
        for (int i = 0; i < r.length; i++) {
            r[i] = new float[] {i, i % 3};
        }
        return r;
    }

    /** Labels i % 3. */
    static int[] labels(int n) {
        return IntStream.range(0, n).map(i -> i % 3).toArray();
    }

    /** A folder with MNIST's four file names holding 2x2 images: 30 train and 12 test, labels i % 3. */
    static Path idxFolder(Path dir) throws IOException {
        writeIdx(dir, "train", 30);
        writeIdx(dir, "t10k", 12);
        return dir;
    }

    private static void writeIdx(Path dir, String part, int n) throws IOException {
        byte[] pixels = new byte[n * 4];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            pixels[4 * i] = (byte) i;
            labels[i] = (byte) (i % 3);
        }
        Files.write(dir.resolve(part + "-images-idx3-ubyte"), IdxTest.idx(8, new int[] {n, 2, 2}, pixels));
        Files.write(dir.resolve(part + "-labels-idx1-ubyte.gz"), IdxTest.gzip(IdxTest.idx(8, new int[] {n}, labels)));
    }

    /** A table of 60 rows, whole-number labels 0..2 in column "y". */
    static Table intTable() {
        double[] x = new double[60];
        int[] y = labels(60);
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return Table.create("ints", DoubleColumn.create("x", x), IntColumn.create("y", y));
    }

    /** One fresh source of every kind, by name. */
    private Map<String, Supplier<DataSource<?>>> sources() throws IOException {
        Path dir = idxFolder(tmp);
        Map<String, Supplier<DataSource<?>>> s = new LinkedHashMap<>();
        s.put("arrays", () -> Datasets.fromArrays(rows(), labels(60)));
        s.put("idx", () -> Datasets.idx(dir));
        s.put("table", () -> Datasets.fromTable(intTable(), "y"));
        s.put("mnist", Datasets::mnist);
        return s;
    }

    @Test
    void everySourceTakesTheSharedSettings() throws IOException {
        for (Map.Entry<String, Supplier<DataSource<?>>> e : sources().entrySet()) {
            String kind = e.getKey();
            DataSplit full = e.getValue().get().optSeed(9).build();
            DataSplit d = e.getValue().get().optName("shared").optBatchSize(16).optLimit(20).optTestLimit(5)
                    .optSeed(9).build();
            assertEquals(16, d.batchSize(), kind);
            assertEquals(9, d.seed(), kind);
            assertTrue(d.train().name().startsWith("shared train"), kind + ": " + d.train().name());
            assertTrue(d.test().name().startsWith("shared test"), kind + ": " + d.test().name());
            assertEquals(20, d.train().size(), kind);
            assertEquals(5, d.test().size(), kind);
            // the limits keep the seeded subsets of the same split
            assertArrayEquals(full.train().limit(20, 9).labels(), d.train().labels(), kind);
            assertArrayEquals(full.test().limit(5, 10).labels(), d.test().labels(), kind);
            assertArrayEquals(full.train().limit(20, 9).features(3), d.train().features(3), kind);
            Provenance p = d.provenance();
            assertEquals("shared", p.name(), kind);
            assertEquals(9, p.seed(), kind);
            assertEquals(20, p.trainLimit(), kind);
            assertEquals(5, p.testLimit(), kind);
            assertTrue(p.toString().startsWith("shared from "), kind + ": " + p);
            assertTrue(p.toString().contains("at most 20 train / 5 test rows kept (seed 9)"), kind + ": " + p);
        }
    }

    @Test
    void badSettingsFailAtOnceOnEverySource() throws IOException {
        for (Map.Entry<String, Supplier<DataSource<?>>> e : sources().entrySet()) {
            DataSource<?> s = e.getValue().get();
            String kind = e.getKey();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.optBatchSize(0)).getMessage()
                    .contains("at least 1, got 0"), kind);
            assertThrows(IllegalArgumentException.class, () -> s.optLimit(-1), kind);
            assertThrows(IllegalArgumentException.class, () -> s.optTestLimit(-3), kind);
            assertThrows(IllegalArgumentException.class, () -> s.optName(" "), kind);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.optNumClasses(1)).getMessage()
                    .contains("at least 2 classes, got 1"), kind);
            assertTrue(assertThrows(DatasetException.class, () -> s.optClassNames("a", "b", "a")).getMessage()
                    .contains("class name \"a\" is given twice"), kind);
            assertTrue(assertThrows(DatasetException.class, () -> s.optClassNames("a", " ")).getMessage()
                    .contains("class name 1 is blank"), kind);
            // nothing was changed by the refused settings
            DataSplit d = s.build();
            assertEquals(64, d.batchSize(), kind);
            assertEquals(42, d.seed(), kind);
            assertEquals(0, d.provenance().trainLimit(), kind);
        }
    }

    @Test
    void classNamesAndCountMeanTheSameForArraysIdxAndTables() throws IOException {
        Map<String, Supplier<DataSource<?>>> all = sources();
        for (String kind : List.of("arrays", "idx", "table")) {
            Supplier<DataSource<?>> source = all.get(kind);
            DataSplit plain = source.get().build();
            assertEquals(List.of("0", "1", "2"), plain.train().classNames(), kind);

            DataSplit named = source.get().optClassNames("a", "b", "c").build();
            assertEquals(List.of("a", "b", "c"), named.train().classNames(), kind);
            assertEquals(List.of("a", "b", "c"), named.test().classNames(), kind);
            assertEquals(List.of("a", "b", "c"), named.provenance().classNames(), kind);
            assertArrayEquals(plain.train().labels(), named.train().labels(), kind + ": labels are the class indices");
            assertArrayEquals(plain.train().features(0), named.train().features(0), kind);

            DataSplit five = source.get().optNumClasses(5).build();
            assertEquals(5, five.numClasses(), kind);
            assertEquals(List.of("0", "1", "2", "3", "4"), five.train().classNames(), kind);
            assertEquals(0, five.train().classCounts()[3] + five.train().classCounts()[4], kind);
            assertEquals(0, five.test().classCounts()[3] + five.test().classCounts()[4], kind);
            assertArrayEquals(plain.test().labels(), five.test().labels(), kind);

            DataSplit both = source.get().optClassNames("a", "b", "c", "d").optNumClasses(4).build();
            assertEquals(List.of("a", "b", "c", "d"), both.train().classNames(), kind);
            DatasetException clash = assertThrows(DatasetException.class,
                    () -> source.get().optClassNames("a", "b", "c").optNumClasses(5).build(), kind);
            assertTrue(clash.getMessage().contains("3 class names but a class count of 5"), kind + ": " + clash.getMessage());

            DatasetException few = assertThrows(DatasetException.class,
                    () -> source.get().optClassNames("a", "b").build(), kind);
            assertTrue(few.getMessage().contains("label 2") || few.getMessage().contains("Label \"2\""),
                    kind + ": " + few.getMessage());
        }
        // a source with its own names: they are the default, and a clashing count is refused
        assertEquals("9", Datasets.mnist().optLimit(10).build().train().classNames().get(9));
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.mnist().optNumClasses(12).build())
                .getMessage().contains("10 class names but a class count of 12"));
    }
}
