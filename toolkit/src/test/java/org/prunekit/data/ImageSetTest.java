package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;

/** ImageSet with float features: shapes, values, batches, select/limit, and bad input. */
class ImageSetTest {

    private static final List<String> AB = List.of("a", "b");

    @BeforeAll
    static void engine() {
        PruneKit.init();
    }

    static float[][] rows(int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] rows = new float[n][d];
        for (float[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian() * 10;
            }
        }
        return rows;
    }

    static int[] alternating(int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % 2;
        }
        return l;
    }

    @Test
    void rowsKeepTheirValuesAndShape() {
        float[][] rows = rows(5, 3, 1);
        ImageSet set = ImageSet.of("rows", rows, alternating(5), AB);
        assertEquals(5, set.size());
        assertEquals(new Shape(3), set.exampleShape());
        assertEquals(new Shape(3), set.imageShape());
        assertEquals(3, set.exampleSize());
        assertFalse(set.isByteImages());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(rows[i], set.features(i));
            assertArrayEquals(rows[i], set.image(i));
        }
        assertArrayEquals(new int[] {3, 2}, set.classCounts());
        assertEquals("rows: 5 examples of shape (3), 2 classes, per class [3, 2]", set.toString());
        // the set holds copies: changing the caller's arrays changes nothing
        float kept = rows[0][0];
        rows[0][0] = 99;
        assertEquals(kept, set.features(0)[0]);
        set.features(0)[0] = 77;
        assertEquals(kept, set.features(0)[0]);
    }

    @Test
    void floatBatchesHoldTheValuesInTheModelsShape() {
        float[] values = new float[4 * 2 * 3 * 3];
        for (int v = 0; v < values.length; v++) {
            values[v] = v * 0.5f - 7;
        }
        ImageSet set = ImageSet.of("cubes", values, new Shape(2, 3, 3), new int[] {1, 0, 1, 1}, AB);
        assertEquals(new Shape(2, 3, 3), set.exampleShape());
        try (NDManager m = NDManager.newBaseManager()) {
            NDList b = set.batch(m, new int[] {3, 0, 2}, 0, 2, new Shape(2, 3, 3));
            assertEquals(new Shape(2, 2, 3, 3), b.get(0).getShape());
            assertEquals(DataType.FLOAT32, b.get(0).getDataType());
            assertEquals(new Shape(2), b.get(1).getShape());
            assertEquals(DataType.INT64, b.get(1).getDataType());
            float[] got = b.get(0).toFloatArray();
            for (int j = 0; j < 18; j++) {
                assertEquals(values[3 * 18 + j], got[j], "example 3 value " + j);
                assertEquals(values[j], got[18 + j], "example 0 value " + j);
            }
            assertArrayEquals(new long[] {1, 1}, b.get(1).toLongArray());
            // the same examples flat, for an MLP
            NDList flat = set.batch(m, new int[] {3, 0, 2}, 1, 3, new Shape(18));
            assertEquals(new Shape(2, 18), flat.get(0).getShape());
            assertArrayEquals(set.features(2), flat.get(0).get(1).toFloatArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> set.batch(m, new int[] {0}, 0, 1, new Shape(17)));
            assertTrue(e.getMessage().contains("examples of shape (2, 3, 3)"), e.getMessage());
            assertTrue(e.getMessage().contains("(18)"), e.getMessage());
        }
    }

    @Test
    void batchRoundTripOfFloatDataEqualsTheInput() {
        float[][] rows = rows(300, 7, 3);
        rows[5][2] = Float.MIN_VALUE;     // extremes survive the direct buffer exactly
        rows[6][3] = -Float.MAX_VALUE;
        rows[7][4] = -0f;
        ImageSet set = ImageSet.of("round trip", rows, alternating(300), AB);
        int[] order = ImageSet.inOrder(set.size());
        try (NDManager m = NDManager.newBaseManager()) {
            for (int from = 0; from < order.length; from += 64) {
                int to = Math.min(order.length, from + 64);
                NDList b = set.batch(m, order, from, to, new Shape(7));
                float[] got = b.get(0).toFloatArray();
                long[] labels = b.get(1).toLongArray();
                for (int k = 0; k < to - from; k++) {
                    for (int j = 0; j < 7; j++) {
                        assertEquals(Float.floatToRawIntBits(rows[from + k][j]), Float.floatToRawIntBits(got[k * 7 + j]),
                                "row " + (from + k) + " value " + j);
                    }
                    assertEquals((from + k) % 2, labels[k]);
                }
                b.close();
            }
            // a permuted order gives the permuted rows; an earlier batch is not overwritten by a later one
            int[] perm = ImageSet.permutation(300, new Random(5));
            NDList first = set.batch(m, perm, 0, 10, new Shape(7));
            set.batch(m, perm, 10, 20, new Shape(7));
            for (int k = 0; k < 10; k++) {
                assertArrayEquals(rows[perm[k]], first.get(0).get(k).toFloatArray());
            }
        }
    }

    @Test
    void selectAndLimitKeepFloatStorage() {
        float[][] rows = rows(50, 4, 2);
        ImageSet set = ImageSet.of("rows", rows, alternating(50), AB);
        ImageSet picked = set.select(new int[] {7, 3, 7}, "picked");
        assertEquals(3, picked.size());
        assertArrayEquals(rows[7], picked.features(0));
        assertArrayEquals(rows[3], picked.features(1));
        assertArrayEquals(new int[] {1, 1, 1}, picked.labels());
        assertEquals(new Shape(4), picked.exampleShape());
        ImageSet a = set.limit(20, 9);
        ImageSet b = set.limit(20, 9);
        assertEquals(20, a.size());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.features(11), b.features(11));
        assertThrows(IndexOutOfBoundsException.class, () -> set.select(new int[] {50}, "out"));
        assertThrows(IndexOutOfBoundsException.class, () -> set.features(50));
    }

    @Test
    void byteImagesKeepTheirBehaviour() {
        ImageSet mnist = Datasets.mnist().optTestLimit(100).build().test();
        assertTrue(mnist.isByteImages());
        assertEquals(new Shape(1, 28, 28), mnist.exampleShape());
        assertEquals(784, mnist.exampleSize());
        assertArrayEquals(mnist.image(3), mnist.features(3));
        assertTrue(mnist.toString().contains("100 images of 28x28"), mnist.toString());
        ImageSet two = mnist.select(new int[] {3, 4}, "two");
        assertTrue(two.isByteImages());
        assertArrayEquals(mnist.image(4), two.image(1));
    }

    @Test
    void raggedRowsAreAnErrorNamingTheRow() {
        float[][] rows = {{1, 2, 3}, {4, 5, 6}, {7, 8}};
        DatasetException e = assertThrows(DatasetException.class, () -> ImageSet.of("x", rows, new int[] {0, 1, 0}, AB));
        assertTrue(e.getMessage().contains("ragged: row 2 has 2 values but row 0 has 3"), e.getMessage());
        assertTrue(e.getMessage().contains("same number of features"), e.getMessage());
    }

    @Test
    void labelsMustBeClassIndices() {
        float[][] rows = rows(3, 2, 1);
        DatasetException neg = assertThrows(DatasetException.class, () -> ImageSet.of("x", rows, new int[] {0, -1, 1}, AB));
        assertTrue(neg.getMessage().contains("label -1 of example 1 is negative"), neg.getMessage());
        assertTrue(neg.getMessage().contains("map your classes"), neg.getMessage());
        DatasetException big = assertThrows(DatasetException.class, () -> ImageSet.of("x", rows, new int[] {0, 2, 1}, AB));
        assertTrue(big.getMessage().contains("label 2 of example 1 is outside 0..1 (2 classes: [a, b])"), big.getMessage());
        assertTrue(big.getMessage().contains("Give 3 or more class names"), big.getMessage());
        DatasetException count = assertThrows(DatasetException.class, () -> ImageSet.of("x", rows, new int[] {0, 1}, AB));
        assertTrue(count.getMessage().contains("3 rows but 2 labels"), count.getMessage());
    }

    @Test
    void shapeAndLabelCountMustAgree() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> ImageSet.of("imgs", new float[2 * 27], new Shape(3, 3, 3), new int[] {0, 1, 0}, AB));
        assertTrue(e.getMessage().contains("54 values are not 3 examples of shape (3, 3, 3) (that needs 81 values)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("the values make 2 examples"), e.getMessage());
    }

    @Test
    void emptyAndNonFiniteDataAreErrors() {
        assertTrue(assertThrows(DatasetException.class, () -> ImageSet.of("none", new float[0][], new int[0], AB))
                .getMessage().contains("none is empty"));
        assertTrue(assertThrows(DatasetException.class,
                () -> ImageSet.of("none", new float[0], new Shape(4), new int[0], AB)).getMessage().contains("is empty"));
        float[][] rows = rows(4, 3, 1);
        rows[2][1] = Float.NaN;
        DatasetException nan = assertThrows(DatasetException.class, () -> ImageSet.of("x", rows, alternating(4), AB));
        assertTrue(nan.getMessage().contains("value NaN in row 2, feature 1 is not a finite number"), nan.getMessage());
        float[] v = new float[8];
        v[5] = Float.POSITIVE_INFINITY;
        DatasetException inf = assertThrows(DatasetException.class,
                () -> ImageSet.of("y", v, new Shape(2, 2), new int[] {0, 1}, AB));
        assertTrue(inf.getMessage().contains("value Infinity at position 1 of example 1"), inf.getMessage());
        assertTrue(inf.getMessage().contains("Replace or drop"), inf.getMessage());
        assertTrue(assertThrows(DatasetException.class, () -> ImageSet.of("z", rows(2, 2, 1), new int[] {0, 1},
                List.of("a", "a"))).getMessage().contains("\"a\" is given twice"));
    }

    @Test
    void givenSetsMakeASplitThatRecordsItself() {
        ImageSet train = ImageSet.of("my train", rows(10, 3, 1), alternating(10), AB);
        ImageSet test = ImageSet.of("my test", rows(4, 3, 2), alternating(4), AB);
        DataSplit d = DataSplit.of(train, test, 5);
        assertEquals(5, d.batchSize());
        assertEquals(Provenance.Split.GIVEN, d.provenance().split());
        assertTrue(d.provenance().toString().contains("train and test parts given"), d.provenance().toString());
        assertEquals(d.provenance(), d.withBatchSize(7).provenance());
        ImageSet wide = ImageSet.of("wide", rows(4, 5, 2), alternating(4), AB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSplit.of(train, wide, 5));
        assertTrue(e.getMessage().contains("different example shapes: (3) vs (5)"), e.getMessage());
    }
}
