package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** A table's classes when given with optClassNames / optNumClasses (the settings every source shares). */
class TableClassesTest {

    @Test
    void textLabelsAreMatchedToTheGivenNamesInTheirOrder() {
        Table t = FromTableTest.threeClasses(1); // feature "a" is 10 * k + noise: setosa 0, virginica 1, versicolor 2
        DataSplit d = Datasets.fromTable(t, "species").optClassNames("virginica", "setosa", "versicolor")
                .optStandardize(false).build();
        assertEquals(List.of("virginica", "setosa", "versicolor"), d.train().classNames());
        assertArrayEquals(new int[] {48, 80, 32}, d.train().classCounts());
        assertArrayEquals(new int[] {12, 20, 8}, d.test().classCounts());
        int[] k = {1, 0, 2}; // the value of "a" each given class has
        for (ImageSet part : List.of(d.train(), d.test())) {
            for (int i = 0; i < part.size(); i++) {
                assertEquals(k[part.label(i)], Math.round(part.features(i)[0] / 10), "example " + i + " of " + part);
            }
        }
        // a class without rows is allowed and kept
        DataSplit four = Datasets.fromTable(t, "species").optClassNames("setosa", "versicolor", "virginica", "daisy")
                .build();
        assertEquals(4, four.numClasses());
        assertEquals(0, four.train().classCounts()[3]);
        assertEquals(List.of("setosa", "versicolor", "virginica", "daisy"), four.provenance().classNames());
    }

    @Test
    void aLabelNotAmongTheNamesIsNamedWithItsRow() {
        Table t = FromTableTest.threeClasses(1);
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.fromTable(t, "species").optClassNames("setosa", "virginica").build());
        assertTrue(e.getMessage().contains("Label \"versicolor\" in row 8 of table \"flowers\" is not one of the"
                + " class names [setosa, virginica]"), e.getMessage());
        assertTrue(e.getMessage().contains("add it to the names"), e.getMessage());
        DatasetException count = assertThrows(DatasetException.class,
                () -> Datasets.fromTable(t, "species").optNumClasses(3).build());
        assertTrue(count.getMessage().contains("optNumClasses(3) makes the labels class indices, but the label column"
                + " holds text"), count.getMessage());
        assertTrue(count.getMessage().contains("optClassNames(...)"), count.getMessage());
    }

    @Test
    void wholeNumberAndBooleanLabelsAreClassIndicesWhenClassesAreGiven() {
        Table t = Table.create("ints", IntColumn.create("x", 1, 2, 3, 4, 5, 6, 7, 8),
                IntColumn.create("y", 2, 0, 2, 0, 2, 0, 2, 0));
        DataSplit plain = Datasets.fromTable(t, "y").optTestFraction(0.5).build();
        assertEquals(List.of("0", "2"), plain.train().classNames(), "without classes: the distinct values");
        DataSplit three = Datasets.fromTable(t, "y").optNumClasses(3).optTestFraction(0.5).optStandardize(false).build();
        assertEquals(List.of("0", "1", "2"), three.train().classNames());
        assertArrayEquals(new int[] {2, 0, 2}, three.train().classCounts());
        for (int i = 0; i < three.train().size(); i++) {
            // odd x has label 2, even x label 0
            assertEquals(three.train().features(i)[0] % 2 == 1 ? 2 : 0, three.train().label(i));
        }
        DataSplit named = Datasets.fromTable(t, "y").optClassNames("none", "one", "two").optTestFraction(0.5).build();
        assertEquals(List.of("none", "one", "two"), named.test().classNames());
        assertArrayEquals(new int[] {2, 0, 2}, named.test().classCounts());
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.fromTable(t, "y").optClassNames("none", "one").build());
        assertTrue(e.getMessage().contains("Label \"2\" in row 0 of table \"ints\" is not a class index 0..1"),
                e.getMessage());

        Table b = Table.create("bools", IntColumn.create("x", 1, 2, 3, 4), BooleanColumn.create("y",
                new boolean[] {true, false, true, false}));
        DataSplit yesNo = Datasets.fromTable(b, "y").optClassNames("no", "yes").optTestFraction(0.5)
                .optStandardize(false).build();
        assertEquals(List.of("no", "yes"), yesNo.train().classNames());
        for (int i = 0; i < yesNo.train().size(); i++) {
            assertEquals(yesNo.train().features(i)[0] % 2 == 1 ? 1 : 0, yesNo.train().label(i), "true is class 1");
        }
    }

    @Test
    void aGivenTestTableUsesTheSameClasses() {
        Table t = FromTableTest.threeClasses(7);
        Table train = t.inRange(0, 150);
        Table test = t.inRange(150, 200);
        DataSplit d = Datasets.fromTable(train, "species").optTest(test)
                .optClassNames("virginica", "versicolor", "setosa").build();
        int[] expected = new int[3];
        for (int r = 0; r < test.rowCount(); r++) {
            expected[List.of("virginica", "versicolor", "setosa").indexOf(test.stringColumn("species").get(r))]++;
        }
        assertArrayEquals(expected, d.test().classCounts());
        assertEquals("setosa", d.test().classNames().get(d.test().label(0)));
        assertEquals(test.stringColumn("species").get(0), "setosa");
        Table alien = test.copy();
        alien.stringColumn("species").set(4, "daisy");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.fromTable(train, "species")
                .optTest(alien).optClassNames("virginica", "versicolor", "setosa").build());
        assertTrue(e.getMessage().contains("Label \"daisy\" in row 4 of the test table"), e.getMessage());
        assertTrue(e.getMessage().contains("not one of the class names"), e.getMessage());
    }
}
