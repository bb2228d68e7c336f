package org.prunekit.course;

/**
 * Where an assignment keeps the checker's reference (its own trained model and data): set by the
 * assignment's set-up cell, replaced (and the old one closed) when the set-up runs again, and
 * package-private, out of reach of the student's cells.
 */
final class ReferenceSlot {

    private final String assignment;
    private final String checker;
    private Reference ref;

    /**
     * @param assignment the assignment's name in the gradebook (e.g. {@code assignment-01})
     * @param checker the checker class the set-up cell calls (named in the error before set-up)
     */
    ReferenceSlot(String assignment, String checker) {
        this.assignment = assignment;
        this.checker = checker;
    }

    /**
     * The course's standard set-up: LeNet-300-100 trained 10 epochs on the 8,000/2,000 MNIST split,
     * or 4 epochs on 4,000/2,000 in quick mode (see {@link #setUp(int, int, int)}).
     *
     * @return the data and the student's copy of the trained model
     */
    Start setUp() {
        return setUp(org.prunekit.notebook.Mode.rows(0, 4_000), org.prunekit.notebook.Mode.rows(0, 2_000),
                org.prunekit.notebook.Mode.epochs(10, 4));
    }

    /**
     * Trains a fresh reference LeNet-300-100 and forgets earlier grades of the assignment.
     *
     * @return the data and the student's copy of the trained model
     */
    synchronized Start setUp(int trainRows, int testRows, int epochs) {
        if (ref != null) {
            ref.close();
        }
        ref = Reference.lenet(trainRows, testRows, epochs);
        Gradebook.reset(assignment);
        return ref.start();
    }

    /** @return the reference, or an error asking for the set-up cell */
    synchronized Reference get() {
        if (ref == null) {
            throw new IllegalStateException("Run the set-up cell first (" + checker + ".setUp()).");
        }
        return ref;
    }
}
