package org.prunekit.course;

import java.util.List;

/**
 * The course kit: one class per assignment ({@link Assignment1}, ...) holding the checks and their
 * own copy of the trained model and data, and the {@link Gradebook} of the checks that ran.
 */
public final class Course {

    private Course() {}

    /**
     * @param assignment e.g. {@code "assignment-01"}
     * @return its exercises and points
     */
    public static List<Exercise> exercises(String assignment) {
        return switch (assignment) {
            case Assignment1.NAME -> Assignment1.EXERCISES;
            case Assignment2.NAME -> Assignment2.EXERCISES;
            case Assignment3.NAME -> Assignment3.EXERCISES;
            case Assignment4.NAME -> Assignment4.EXERCISES;
            default -> throw new IllegalArgumentException("No such assignment: " + assignment + " (known: "
                    + Assignment1.NAME + ", " + Assignment2.NAME + ", " + Assignment3.NAME + ", " + Assignment4.NAME + ").");
        };
    }
}
