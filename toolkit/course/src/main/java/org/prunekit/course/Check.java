package org.prunekit.course;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects one exercise's requirements and turns them into a {@link Grade}: records it in the
 * {@link Gradebook}, prints the PASS line, or throws an {@link AssertionError} with the hints.
 */
final class Check {

    static final String NOT_MET = " <- NOT MET";

    private final String assignment;
    private final Exercise exercise;
    private final List<String> measured = new ArrayList<>();
    private final List<String> hints = new ArrayList<>();
    private boolean notDoneYet;

    Check(String assignment, Exercise exercise) {
        this.assignment = assignment;
        this.exercise = exercise;
    }

    /**
     * @param ok whether the requirement is met
     * @param value what was measured, with the threshold
     * @param hintIfFailed what to do about it
     * @return this check
     */
    Check require(boolean ok, String value, String hintIfFailed) {
        measured.add(ok ? value : value + NOT_MET);
        if (!ok) {
            hints.add(hintIfFailed);
        }
        return this;
    }

    /** Marks the exercise as not attempted yet: the answer is still blank. */
    Check notDoneYet(String what, String hint) {
        notDoneYet = true;
        return require(false, what, hint);
    }

    /** A measured value that is reported but not graded (e.g. a timing on a shared machine). */
    Check report(String value) {
        measured.add(value);
        return this;
    }

    boolean failed() {
        return !hints.isEmpty();
    }

    /**
     * Records the grade and returns it (a check cell ending in it shows the PASS line), or throws
     * the FAIL message with its hints.
     */
    Grade verdict() {
        Grade g = new Grade(assignment, exercise.number(), exercise.title(), hints.isEmpty() ? exercise.points() : 0,
                exercise.points(), measured, hints, notDoneYet);
        Gradebook.record(g);
        if (!g.passed()) {
            throw new AssertionError(g.toString());
        }
        return g;
    }
}
