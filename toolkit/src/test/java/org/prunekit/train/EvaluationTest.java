package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    // rows: true class, columns: predicted class
    private final Evaluation eval = Evaluation.fromConfusion("net", "data", List.of("a", "b", "c"),
            new long[][] {{8, 2, 0}, {1, 5, 4}, {0, 0, 0}});

    @Test
    void computesAccuracyPrecisionRecallAndF1ByHand() {
        assertEquals(13 / 20.0, eval.accuracy(), 1e-12);
        assertEquals(8 / 9.0, eval.precision(0), 1e-12); // column a: 8 of 9 predicted a are a
        assertEquals(8 / 10.0, eval.recall(0), 1e-12);
        assertEquals(2 * (8 / 9.0) * 0.8 / (8 / 9.0 + 0.8), eval.f1(0), 1e-12);
        assertEquals(5 / 7.0, eval.precision(1), 1e-12);
        assertEquals(5 / 10.0, eval.recall(1), 1e-12);
        // class c never occurs; 4 images were wrongly predicted as c
        assertEquals(0.0, eval.precision(2));
        assertEquals(0.0, eval.recall(2));
        assertEquals(0.0, eval.f1(2));
        assertEquals((8 / 9.0 + 5 / 7.0) / 3, eval.macroPrecision(), 1e-12);
        assertEquals(20, eval.size());
    }

    @Test
    void reportsAsTextAndTable() {
        assertTrue(eval.toString().contains("accuracy 0.6500"), eval.toString());
        assertEquals(4, eval.toTable().rowCount());
        assertEquals("macro avg", eval.toTable().stringColumn("class").get(3));
        assertEquals(10, eval.toTable().intColumn("support").get(0));
    }

    @Test
    void rejectsMalformedMatrices() {
        assertThrows(IllegalArgumentException.class,
                () -> Evaluation.fromConfusion("n", "d", List.of("a", "b"), new long[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> Evaluation.fromConfusion("n", "d", List.of("a", "b"), new long[][] {{0, 0}, {0, 0}}));
        assertThrows(IllegalArgumentException.class,
                () -> Evaluation.fromConfusion("n", "d", List.of("a", "b"), new long[][] {{1, -1}, {0, 0}}));
    }
}
