/**
 * The course kit: the checks of the course assignments ({@code notebooks/assignment-*.ipynb}).
 *
 * <p>One class per assignment ({@link org.prunekit.course.Assignment1},
 * {@link org.prunekit.course.Assignment2}, {@link org.prunekit.course.Assignment3},
 * {@link org.prunekit.course.Assignment4}). Its
 * {@code setUp()} trains the model the assignment hands out, with fixed seeds, and keeps its own
 * copy of it and of the data in a private field: the checks never read a notebook variable, only
 * their arguments, and compare them with their own independent computation on that copy (masks
 * against their own plan with the required criterion, shapes layer by layer, scores and saliencies
 * recomputed). Timings are measured and reported, never graded.
 *
 * <p>Every check returns a {@link org.prunekit.course.Grade} ({@code PASS exercise N (p/max points)})
 * or throws an {@link java.lang.AssertionError} ({@code FAIL exercise N (0/max points)}, with a hint
 * per requirement not met, and {@code not done yet} while the answer is blank), and records the grade
 * in the {@link org.prunekit.course.Gradebook}, which {@code toolkit/bin/grade} reads after running a
 * submission.
 */
package org.prunekit.course;
