package org.prunekit.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gradebook: latest grade per exercise, "not checked" for the others, the report grade reads. */
class GradebookTest {

    @Test
    void latestGradeCountsAndUncheckedExercisesScoreZero() {
        Gradebook.reset(Assignment2.NAME);
        Gradebook.record(new Grade(Assignment2.NAME, 2, "OBD saliency by hand", 30, 30, List.of("ok"), List.of(), false));
        Gradebook book = Gradebook.of(Assignment2.NAME);
        assertEquals(30, book.points());
        assertEquals(100, book.max());
        assertTrue(book.rows().get(0).reason().startsWith("not checked"), book.toString());
        assertEquals(3, book.toTable().rowCount());
        Gradebook.record(new Grade(Assignment2.NAME, 2, "OBD saliency by hand", 0, 30, List.of("x" + Check.NOT_MET),
                List.of("do y"), false));
        assertEquals(0, Gradebook.of(Assignment2.NAME).points(), "a later failed check replaces an earlier pass");

        PrintStream out = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Gradebook.report(Assignment2.NAME);
        } finally {
            System.setOut(out);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size());
        assertEquals("PRUNEKIT-GRADE\tassignment-02\t2\t0\t30\tOBD saliency by hand\tx", lines.get(1));
        Gradebook.reset(Assignment2.NAME);
    }

    @Test
    void gradesReadAsPassOrFail() {
        Grade pass = new Grade("a", 1, "t", 10, 10, List.of("value 1"), List.of(), false);
        assertTrue(pass.passed());
        assertEquals("PASS exercise 1 (10/10 points): value 1", pass.toString());
        Grade todo = new Grade("a", 1, "t", 0, 10, List.of("x is null" + Check.NOT_MET), List.of("write it"), true);
        assertFalse(todo.passed());
        assertTrue(todo.toString().startsWith("FAIL exercise 1 (0/10 points): not done yet: x is null"), todo.toString());
        assertTrue(todo.toString().contains("  hint: write it"));
        assertThrows(IllegalArgumentException.class, () -> Gradebook.of("assignment-99"));
    }
}
