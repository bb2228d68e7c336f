package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Datasets.fromTable: features, labels, stratified split, standardisation, provenance, bad input. */
class FromTableTest {

    /** 3 classes of 100, 60 and 40 rows; feature "a" depends on the class, "b" is noise, "c" constant. */
    static Table threeClasses(long seed) {
        Random r = new Random(seed);
        int n = 200;
        double[] a = new double[n];
        double[] b = new double[n];
        double[] c = new double[n];
        String[] y = new String[n];
        String[] names = {"setosa", "virginica", "versicolor"};
        for (int i = 0; i < n; i++) {
            int k = i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2;
            y[i] = names[k];
            a[i] = 10 * k + r.nextGaussian();
            b[i] = 100 + 5 * r.nextGaussian();
            c[i] = 3.5;
        }
        return Table.create("flowers", DoubleColumn.create("a", a), StringColumn.create("species", y),
                DoubleColumn.create("b", b), DoubleColumn.create("c", c));
    }

    @Test
    void splitIsStratifiedAndSeeded() {
        Table t = threeClasses(1);
        DataSplit d = Datasets.fromTable(t, "species").build();
        // classes are the sorted distinct labels, names kept
        assertEquals(List.of("setosa", "versicolor", "virginica"), d.train().classNames());
        assertEquals(List.of("a", "b", "c"), d.provenance().features());
        assertEquals(new Shape(3), d.train().exampleShape());
        int[] all = {100, 40, 60};
        int[] test = d.test().classCounts();
        int[] train = d.train().classCounts();
        for (int k = 0; k < 3; k++) {
            assertEquals(all[k], test[k] + train[k]);
            assertEquals(Math.round(all[k] * 0.2), test[k], "class " + k);
            assertEquals(0.2, test[k] / (double) all[k], 0.01, "class " + k);
        }
        assertEquals(40, d.test().size());
        assertEquals(160, d.train().size());
        // the same seed repeats the split exactly; another seed gives another one
        DataSplit again = Datasets.fromTable(t, "species").build();
        assertArrayEquals(d.train().labels(), again.train().labels());
        for (int i = 0; i < d.train().size(); i++) {
            assertArrayEquals(d.train().features(i), again.train().features(i));
        }
        DataSplit other = Datasets.fromTable(t, "species").optSeed(43).build();
        assertNotEquals(Arrays.toString(d.test().features(0)) + Arrays.toString(d.test().labels()),
                Arrays.toString(other.test().features(0)) + Arrays.toString(other.test().labels()));
        assertArrayEquals(test, other.test().classCounts());
        // another fraction
        DataSplit quarter = Datasets.fromTable(t, "species").optTestFraction(0.25).build();
        assertArrayEquals(new int[] {25, 10, 15}, quarter.test().classCounts());
    }

    @Test
    void standardisationUsesTrainStatisticsOnly() {
        Table t = threeClasses(2);
        DataSplit d = Datasets.fromTable(t, "species").build();
        double[] trainMean = mean(d.train());
        double[] trainStd = std(d.train(), trainMean);
        double[] testMean = mean(d.test());
        for (int j = 0; j < 2; j++) {
            assertEquals(0, trainMean[j], 1e-5, "train mean of feature " + j);
            assertEquals(1, trainStd[j], 1e-4, "train std of feature " + j);
            assertTrue(testMean[j] != 0 && Math.abs(testMean[j]) > 1e-4,
                    "the test part is standardised with train statistics, so its mean is not exactly 0: " + testMean[j]);
        }
        // the constant column is centred, stays finite (0), std recorded as 0
        for (int i = 0; i < d.test().size(); i++) {
            assertEquals(0f, d.test().features(i)[2]);
        }
        Standardizer z = d.provenance().standardizer();
        assertEquals(0, z.stds()[2]);
        assertEquals(1, z.divisor(2));
        // the recorded means are those of the training rows, computed from the table by hand
        int[] trainRows = trainRowsOf(t, d);
        double sum = 0;
        for (int r : trainRows) {
            sum += t.doubleColumn("b").getDouble(r);
        }
        assertEquals(sum / trainRows.length, z.means()[1], 1e-9);
        double allMean = t.doubleColumn("b").mean();
        assertNotEquals(allMean, z.means()[1], "not the mean of all rows");
    }

    @Test
    void theStandardisationAppliesToNewRows() {
        Table t = threeClasses(3);
        DataSplit d = Datasets.fromTable(t, "species").build();
        Standardizer z = d.provenance().standardizer();
        float[][] applied = z.apply(t);
        assertEquals(t.rowCount(), applied.length);
        // every test example equals the standardisation of some table row (found by its raw values)
        int[] trainRows = trainRowsOf(t, d);
        for (int k = 0; k < 5; k++) {
            float[] inSplit = d.train().features(k);
            assertArrayEquals(inSplit, applied[trainRows[k]], 1e-6f);
            float[] raw = {(float) t.doubleColumn("a").getDouble(trainRows[k]),
                    (float) t.doubleColumn("b").getDouble(trainRows[k]), 3.5f};
            assertArrayEquals(inSplit, z.apply(raw), 1e-5f);
        }
        DatasetException e = assertThrows(DatasetException.class, () -> z.apply(new float[] {1, 2}));
        assertTrue(e.getMessage().contains("3 features [a, b, c]"), e.getMessage());
        DatasetException missing = assertThrows(DatasetException.class, () -> z.apply(t.copy().removeColumns("b")));
        assertTrue(missing.getMessage().contains("no column \"b\""), missing.getMessage());
    }

    @Test
    void theInputTableIsNeverModified() {
        Table t = threeClasses(4);
        String before = t.printAll();
        List<String> columns = List.copyOf(t.columnNames());
        Datasets.fromTable(t, "species").optFeatures("b", "a").optLimit(50).build();
        Datasets.fromTable(t, "species").optStandardize(false).build();
        assertThrows(DatasetException.class, () -> Datasets.fromTable(t, "nope").build());
        assertEquals(before, t.printAll());
        assertEquals(columns, t.columnNames());
    }

    @Test
    void provenanceRecordsHowTheSplitWasMade() {
        DataSplit d = Datasets.fromTable(threeClasses(5), "species").optSeed(7).optTestFraction(0.3).optBatchSize(16)
                .build();
        Provenance p = d.provenance();
        assertEquals(Provenance.Split.STRATIFIED, p.split());
        assertEquals(0.3, p.testFraction().getAsDouble());
        assertEquals(7, p.seed());
        assertEquals("species", p.labelColumn().orElseThrow());
        assertEquals(List.of("a", "b", "c"), p.features());
        assertEquals(List.of("setosa", "versicolor", "virginica"), p.classNames());
        assertArrayEquals(d.test().classCounts(), p.testCounts());
        assertEquals(16, d.batchSize());
        String s = p.toString();
        assertTrue(s.startsWith("flowers from table \"flowers\" (200 rows x 4 columns)"), s);
        assertTrue(s.contains("column \"species\", 3 classes [setosa, versicolor, virginica]"), s);
        assertTrue(s.contains("stratified random split, test fraction 0.3, seed 7"), s);
        assertTrue(s.contains("standardised with train means/stds: a "), s);
        assertTrue(s.contains("3 numeric columns [\"a\", \"b\", \"c\"]"), s);
    }

    @Test
    void optFeaturesChoosesAndOrdersColumns() {
        Table t = threeClasses(6);
        DataSplit d = Datasets.fromTable(t, "species").optFeatures("b", "a").optStandardize(false).build();
        assertEquals(new Shape(2), d.train().exampleShape());
        assertEquals(List.of("b", "a"), d.provenance().features());
        assertTrue(d.provenance().standardizer().isIdentity());
        int r = trainRowsOf(t, d)[0];
        assertArrayEquals(new float[] {(float) t.doubleColumn("b").getDouble(r), (float) t.doubleColumn("a").getDouble(r)},
                d.train().features(0));
    }

    @Test
    void integerAndBooleanLabelsBecomeClasses() {
        Table t = Table.create("ints", DoubleColumn.create("x", 1, 2, 3, 4, 5, 6, 7, 8),
                IntColumn.create("y", 10, 2, 10, 2, 10, 2, 30, 30));
        DataSplit d = Datasets.fromTable(t, "y").optTestFraction(0.5).build();
        assertEquals(List.of("2", "10", "30"), d.train().classNames(), "numbers sort numerically");
        // 8 rows, half to the test part: 4, shared in proportion (largest remainder first), 1 at least per class
        assertEquals(4, d.test().size());
        assertArrayEquals(new int[] {1, 2, 1}, d.train().classCounts());
        assertArrayEquals(new int[] {2, 1, 1}, d.test().classCounts());
        Table b = Table.create("bools", IntColumn.create("x", 1, 2, 3, 4), BooleanColumn.create("y",
                new boolean[] {true, false, true, false}));
        assertEquals(List.of("false", "true"), Datasets.fromTable(b, "y").optTestFraction(0.5).build().train().classNames());
    }

    @Test
    void aGivenTestTableUsesTheTrainingStatistics() {
        Table t = threeClasses(7);
        Table train = t.inRange(0, 150);
        Table test = t.inRange(150, 200);
        DataSplit d = Datasets.fromTable(train, "species").optTest(test).build();
        assertEquals(150, d.train().size());
        assertEquals(50, d.test().size());
        assertEquals(Provenance.Split.GIVEN, d.provenance().split());
        Standardizer z = d.provenance().standardizer();
        assertEquals(train.doubleColumn("a").mean(), z.means()[0], 1e-9);
        // the test part keeps the table's row order and is standardised with the training means
        float expected = (float) ((test.doubleColumn("a").getDouble(3) - z.means()[0]) / z.divisor(0));
        assertEquals(expected, d.test().features(3)[0], 1e-6f);
        assertTrue(d.provenance().testSource().orElseThrow().contains("50 rows"));
        Table alien = test.copy();
        alien.stringColumn("species").set(4, "daisy");
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.fromTable(train, "species").optTest(alien).build());
        assertTrue(e.getMessage().contains("Label \"daisy\" in row 4 of the test"), e.getMessage());
    }

    // ---- bad input: a clear message, nothing changed ----

    @Test
    void missingLabelColumnListsTheColumns() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.fromTable(threeClasses(1), "Species").build());
        assertTrue(e.getMessage().contains("has no column \"Species\" (the label column)"), e.getMessage());
        assertTrue(e.getMessage().contains("[\"a\", \"species\", \"b\", \"c\"]"), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean \"species\"?"), e.getMessage());
    }

    @Test
    void nonNumericFeatureIsNamedWithItsTypeAndTheFix() {
        Table t = threeClasses(1);
        t.addColumns(StringColumn.create("colour", t.rowCount()).set(t.stringColumn("species").isNotMissing(), "red"));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.fromTable(t, "species").build());
        assertTrue(e.getMessage().contains("Feature column \"colour\""), e.getMessage());
        assertTrue(e.getMessage().contains("is STRING, not numeric"), e.getMessage());
        assertTrue(e.getMessage().contains("drop it") && e.getMessage().contains("encode it"), e.getMessage());
        assertTrue(e.getMessage().contains("table.removeColumns(\"colour\")"), e.getMessage());
        // leaving it out works
        assertEquals(3, Datasets.fromTable(t, "species").optFeatures("a", "b", "c").build().train().exampleSize());
    }

    @Test
    void missingCellsNameTheColumnAndRow() {
        Table t = threeClasses(1);
        t.doubleColumn("b").setMissing(17);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.fromTable(t, "species").build());
        assertTrue(e.getMessage().contains("Column \"b\""), e.getMessage());
        assertTrue(e.getMessage().contains("missing value (empty cell or NaN) in row 17"), e.getMessage());
        assertTrue(e.getMessage().contains("dropRowsWithMissingValues"), e.getMessage());
        Table nan = threeClasses(1);
        nan.doubleColumn("a").set(3, Double.NaN);
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.fromTable(nan, "species").build())
                .getMessage().contains("Column \"a\" of table \"flowers\" has a missing value (empty cell or NaN) in row 3"));
        Table inf = threeClasses(1);
        inf.doubleColumn("a").set(5, Double.NEGATIVE_INFINITY);
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.fromTable(inf, "species").build())
                .getMessage().contains("holds -Infinity in row 5"));
        Table label = threeClasses(1);
        label.stringColumn("species").setMissing(9);
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.fromTable(label, "species").build())
                .getMessage().contains("Label column \"species\" of table \"flowers\" has a missing value in row 9"));
    }

    @Test
    void oneClassIsAnError() {
        Table t = Table.create("one", DoubleColumn.create("x", 1, 2, 3), StringColumn.create("y", "a", "a", "a"));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.fromTable(t, "y").build());
        assertTrue(e.getMessage().contains("only one class, \"a\""), e.getMessage());
        assertTrue(e.getMessage().contains("at least 2 classes"), e.getMessage());
    }

    @Test
    void aClassTooSmallForBothPartsIsNamed() {
        Table table = Table.create("small", DoubleColumn.create("x", 1, 2, 3, 4, 5, 6),
                StringColumn.create("y", "a", "a", "b", "a", "b", "rare"));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.fromTable(table, "y").build());
        assertTrue(e.getMessage().contains("class \"rare\" has only 1 example (row 5)"), e.getMessage());
        assertTrue(e.getMessage().contains("both parts of a stratified split"), e.getMessage());
        assertTrue(e.getMessage().contains("optTest(...)"), e.getMessage());
    }

    @Test
    void emptyTablesAndTablesWithoutFeaturesAreErrors() {
        Table empty = Table.create("empty", DoubleColumn.create("x"), StringColumn.create("y"));
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.fromTable(empty, "y").build())
                .getMessage().contains("table \"empty\" is empty: it has no rows"));
        Table onlyLabel = Table.create("bare", StringColumn.create("y", "a", "b"));
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.fromTable(onlyLabel, "y").build())
                .getMessage().contains("no feature columns besides the label"));
        DatasetException both = assertThrows(DatasetException.class,
                () -> Datasets.fromTable(threeClasses(1), "species").optFeatures("a", "species").build());
        assertTrue(both.getMessage().contains("also named as a feature"), both.getMessage());
        Table real = Table.create("real", DoubleColumn.create("x", 1, 2, 3, 4), DoubleColumn.create("y", 0, 0.5, 1, 1));
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.fromTable(real, "y").build())
                .getMessage().contains("holds 0.5 in row 1: labels must be class names (strings) or whole numbers"));
    }

    @Test
    void testFractionMustBeStrictlyBetweenZeroAndOne() {
        TableSource b = Datasets.fromTable(threeClasses(1), "species");
        for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.optTestFraction(f));
            assertTrue(e.getMessage().contains("strictly between 0 and 1, got " + f), e.getMessage());
        }
        // the failed settings changed nothing: the default 0.2 still holds
        assertEquals(40, b.build().test().size());
    }

    // ---- helpers ----

    /** The table rows that became the training examples, found by their raw "a" and "b" values. */
    static int[] trainRowsOf(Table t, DataSplit d) {
        Standardizer z = d.provenance().standardizer();
        int[] rows = new int[d.train().size()];
        for (int k = 0; k < rows.length; k++) {
            float[] f = d.train().features(k);
            int ia = d.provenance().features().indexOf("a");
            int ib = d.provenance().features().indexOf("b");
            double a = f[ia] * z.divisor(ia) + z.means()[ia];
            double b = f[ib] * z.divisor(ib) + z.means()[ib];
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int r = 0; r < t.rowCount(); r++) {
                double dist = Math.abs(t.doubleColumn("a").getDouble(r) - a) + Math.abs(t.doubleColumn("b").getDouble(r) - b);
                if (dist < bestDist) {
                    bestDist = dist;
                    best = r;
                }
            }
            assertTrue(bestDist < 1e-3, "row found");
            rows[k] = best;
        }
        return rows;
    }

    static double[] mean(ImageSet s) {
        double[] m = new double[s.exampleSize()];
        for (int i = 0; i < s.size(); i++) {
            float[] f = s.features(i);
            for (int j = 0; j < m.length; j++) {
                m[j] += f[j] / (double) s.size();
            }
        }
        return m;
    }

    static double[] std(ImageSet s, double[] mean) {
        double[] v = new double[s.exampleSize()];
        for (int i = 0; i < s.size(); i++) {
            float[] f = s.features(i);
            for (int j = 0; j < v.length; j++) {
                v[j] += (f[j] - mean[j]) * (f[j] - mean[j]) / s.size();
            }
        }
        for (int j = 0; j < v.length; j++) {
            v[j] = Math.sqrt(v[j]);
        }
        return v;
    }
}
