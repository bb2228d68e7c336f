package org.prunekit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Validation splits and k folds of a training set: disjoint, complete, stratified, seeded. */
class ValidationAndFoldsTest {

    private static final DataSplit DATA = Datasets.mnist().optLimit(1000).optTestLimit(100).build();

    private static Set<String> keys(ImageSet s) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(java.util.Arrays.toString(s.features(i)) + s.label(i));
        }
        return out;
    }

    @Test
    void aValidationSplitHoldsOutAStratifiedShareOfTheTrainingSet() {
        DataSplit v = DATA.validation(0.2, 7);
        assertEquals(200, v.test().size());
        assertEquals(800, v.train().size());
        int[] all = DATA.train().classCounts();
        int[] held = v.test().classCounts();
        for (int c = 0; c < all.length; c++) {
            assertEquals(all[c] * 0.2, held[c], 1.0, "class " + c);
        }
        assertEquals(keys(v.test()), keys(DATA.validation(0.2, 7).test()), "the seed repeats the draw");
        assertThrows(IllegalArgumentException.class, () -> DATA.validation(1.0, 7));
    }

    @Test
    void foldsPartitionTheTrainingSetAndKeepTheClassProportions() {
        List<DataSplit> folds = DATA.folds(3, 1);
        assertEquals(3, folds.size());
        int held = 0;
        Set<String> union = new HashSet<>();
        for (DataSplit f : folds) {
            held += f.test().size();
            assertEquals(DATA.train().size(), f.train().size() + f.test().size());
            Set<String> test = keys(f.test());
            Set<String> train = keys(f.train());
            train.retainAll(test);
            assertTrue(train.isEmpty(), "a fold's train and test parts are disjoint");
            union.addAll(test);
            int[] counts = f.test().classCounts();
            int[] all = DATA.train().classCounts();
            for (int c = 0; c < all.length; c++) {
                assertEquals(all[c] / 3.0, counts[c], 1.0);
            }
        }
        assertEquals(DATA.train().size(), held, "every example is held out exactly once");
        assertEquals(keys(DATA.train()).size(), union.size());
        assertThrows(IllegalArgumentException.class, () -> DATA.folds(1, 1));
        assertThrows(IllegalArgumentException.class, () -> DATA.folds(10_000, 1));
    }
}
