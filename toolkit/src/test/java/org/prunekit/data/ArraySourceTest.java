package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Datasets.fromArrays: rows or shaped values, stratified or given split, standardisation, bad input. */
class ArraySourceTest {

    @Test
    void rowsAreSplitStratifiedSeededAndKeptExactly() {
        float[][] rows = DataSourceTest.rows();
        int[] labels = DataSourceTest.labels(60);
        DataSplit d = Datasets.fromArrays(rows, labels).optTestFraction(0.25).build();
        assertArrayEquals(new int[] {15, 15, 15}, d.train().classCounts());
        assertArrayEquals(new int[] {5, 5, 5}, d.test().classCounts());
        assertEquals(new Shape(2), d.train().exampleShape());
        assertEquals(List.of("x0", "x1"), d.provenance().features());
        assertEquals(Provenance.Split.STRATIFIED, d.provenance().split());
        assertTrue(d.provenance().standardizer().isIdentity());
        // every example is one of the rows, unchanged, with its own label; no row in both parts
        Set<Integer> seen = new HashSet<>();
        for (ImageSet part : List.of(d.train(), d.test())) {
            for (int i = 0; i < part.size(); i++) {
                float[] f = part.features(i);
                int row = (int) f[0];
                assertArrayEquals(rows[row], f);
                assertEquals(labels[row], part.label(i));
                assertTrue(seen.add(row), "row " + row + " twice");
            }
        }
        assertArrayEquals(d.test().labels(), Datasets.fromArrays(rows, labels).optTestFraction(0.25).build().test()
                .labels());
        assertArrayEquals(DataSourceTest.rows(), rows, "the arrays are not modified");
    }

    @Test
    void aGivenTestPartIsUsedAsItIs() {
        float[][] rows = DataSourceTest.rows();
        float[][] test = {{100, 0}, {101, 1}, {102, 2}};
        DataSplit d = Datasets.fromArrays(rows, DataSourceTest.labels(60)).optTest(test, new int[] {0, 1, 2}).build();
        assertEquals(60, d.train().size());
        assertArrayEquals(test[1], d.test().features(1));
        assertEquals(2, d.test().label(2));
        assertEquals(Provenance.Split.GIVEN, d.provenance().split());
        assertTrue(d.provenance().testSource().orElseThrow().contains("float[3][2] rows with 3 labels"));
        DatasetException wide = assertThrows(DatasetException.class, () -> Datasets.fromArrays(rows,
                DataSourceTest.labels(60)).optTest(new float[][] {{1, 2, 3}}, new int[] {0}).build());
        assertTrue(wide.getMessage().contains("the test rows have 3 values but the training rows have 2"),
                wide.getMessage());
        IllegalArgumentException form = assertThrows(IllegalArgumentException.class,
                () -> Datasets.fromArrays(rows, DataSourceTest.labels(60)).optTest(new float[6], new int[] {0, 1, 2}));
        assertTrue(form.getMessage().contains("optTest(float[][] rows, int[] labels)"), form.getMessage());
    }

    @Test
    void shapedValuesKeepTheirShapeAndCanBeStandardised() {
        int n = 30;
        float[] values = new float[n * 2 * 3];
        for (int v = 0; v < values.length; v++) {
            values[v] = v % 7;
        }
        int[] labels = DataSourceTest.labels(n);
        DataSplit d = Datasets.fromArrays(values, new Shape(2, 3), labels).optStandardize(true).build();
        assertEquals(new Shape(2, 3), d.train().exampleShape());
        assertEquals(6, d.provenance().features().size());
        double[] mean = FromTableTest.mean(d.train());
        for (double m : mean) {
            assertEquals(0, m, 1e-5);
        }
        assertEquals(3f, values[3], "the values are not modified");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Datasets.fromArrays(values, new Shape(2, 3), labels).optTest(new float[][] {{1}}, new int[] {0}))
                .getMessage().contains("optTest(float[] values, int[] labels)"));
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.fromArrays(new float[10], new Shape(2, 3), new int[] {0, 1}).build());
        assertTrue(e.getMessage().contains("10 values are not 2 examples of shape (2, 3)"), e.getMessage());
    }

    @Test
    void badRowsAndLabelsAreNamed() {
        float[][] ragged = {{1, 2}, {3}, {4, 5}};
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.fromArrays(ragged, new int[] {0, 1, 0}).build())
                .getMessage().contains("row 1 has 1 values but row 0 has 2"));
        assertTrue(assertThrows(DatasetException.class,
                () -> Datasets.fromArrays(new float[][] {{1}, {2}}, new int[] {0}).build())
                .getMessage().contains("2 rows but 1 labels"));
        assertTrue(assertThrows(DatasetException.class,
                () -> Datasets.fromArrays(new float[][] {{1}, {2}, {3}, {4}}, new int[] {0, -1, 0, 1}).build())
                .getMessage().contains("label -1 of example 1 is negative"));
        assertTrue(assertThrows(DatasetException.class,
                () -> Datasets.fromArrays(new float[][] {{1}, {2}, {3}, {4}}, new int[] {0, 0, 0, 0}).build())
                .getMessage().contains("only one class, \"0\""));
        DatasetException range = assertThrows(DatasetException.class, () -> Datasets.fromArrays(DataSourceTest.rows(),
                DataSourceTest.labels(60)).optClassNames("a", "b").build());
        assertTrue(range.getMessage().contains("label 2 of example 2 is outside 0..1"), range.getMessage());
    }
}
