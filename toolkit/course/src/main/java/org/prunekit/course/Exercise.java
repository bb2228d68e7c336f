package org.prunekit.course;

/**
 * One exercise of an assignment.
 *
 * @param number from 1
 * @param title a short title
 * @param points what it is worth
 */
public record Exercise(int number, String title, int points) {}
