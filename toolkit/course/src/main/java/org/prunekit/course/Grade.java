package org.prunekit.course;

import java.util.List;

/**
 * The result of one exercise's check: the points earned (all or nothing: {@code max} if every
 * requirement was met, else 0), the values the check measured and, on failure, a hint per
 * requirement that was not met.
 *
 * @param assignment the assignment, e.g. {@code "assignment-01"}
 * @param exercise the exercise number, from 1
 * @param title a short title
 * @param points the points earned
 * @param max the points the exercise is worth
 * @param measured what the check measured (a failed requirement ends in {@code <- NOT MET})
 * @param hints one hint per requirement that was not met (empty if passed)
 * @param notDoneYet whether the exercise was not attempted yet (its answer still blank)
 */
public record Grade(String assignment, int exercise, String title, int points, int max, List<String> measured,
        List<String> hints, boolean notDoneYet) {

    /** Copies the lists. */
    public Grade {
        measured = List.copyOf(measured);
        hints = List.copyOf(hints);
    }

    /** @return whether every requirement was met */
    public boolean passed() {
        return points == max && hints.isEmpty() && !notDoneYet;
    }

    /** @return one line: why the points were given or not */
    public String reason() {
        if (passed()) {
            return String.join(", ", measured);
        }
        if (notDoneYet) {
            return "not done yet: " + String.join(", ", measured);
        }
        return measured.stream().filter(m -> m.endsWith(Check.NOT_MET)).map(m -> m.substring(0,
                m.length() - Check.NOT_MET.length())).reduce((a, b) -> a + "; " + b).orElse("failed");
    }

    /** @return the PASS line, or the FAIL message with its hints */
    @Override
    public String toString() {
        String head = String.format("exercise %d (%d/%d points): ", exercise, points, max);
        if (passed()) {
            return "PASS " + head + String.join(", ", measured);
        }
        return "FAIL " + head + (notDoneYet ? "not done yet: " : "") + String.join(", ", measured) + "\n"
                + String.join("\n", hints.stream().map(h -> "  hint: " + h).toList());
    }
}
