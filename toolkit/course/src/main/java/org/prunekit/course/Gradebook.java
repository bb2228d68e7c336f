package org.prunekit.course;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.Tabular;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The latest grade of every exercise checked in this JVM (this kernel session). Only the checks
 * of this package record grades; a notebook can read them ({@link #of(String)}) but not write
 * them. {@code toolkit/bin/grade} runs a submission and then {@link #report(String)}.
 */
public final class Gradebook implements Tabular {

    private static final Map<String, Grade> LATEST = new LinkedHashMap<>();

    private final String assignment;
    private final List<Row> rows;

    /**
     * @param exercise the exercise
     * @param points points earned
     * @param max points possible
     * @param reason what the check found, or "not checked"
     */
    public record Row(Exercise exercise, int points, int max, String reason) {}

    private Gradebook(String assignment, List<Row> rows) {
        this.assignment = assignment;
        this.rows = List.copyOf(rows);
    }

    static synchronized void record(Grade g) {
        LATEST.put(g.assignment() + "#" + g.exercise(), g);
    }

    /** Forgets the grades of one assignment (its set-up starts afresh). */
    static synchronized void reset(String assignment) {
        LATEST.keySet().removeIf(k -> k.startsWith(assignment + "#"));
    }

    /**
     * @param assignment e.g. {@code "assignment-01"}
     * @return one row per exercise: the latest check's points, or 0 "not checked"
     */
    public static synchronized Gradebook of(String assignment) {
        List<Row> rows = new ArrayList<>();
        for (Exercise e : Course.exercises(assignment)) {
            Grade g = LATEST.get(assignment + "#" + e.number());
            rows.add(g == null ? new Row(e, 0, e.points(), "not checked (the check cell did not run)")
                    : new Row(e, g.points(), e.points(), g.reason()));
        }
        return new Gradebook(assignment, rows);
    }

    /**
     * Prints one machine-readable line per exercise ({@code PRUNEKIT-GRADE\t<assignment>\t<exercise>\t<points>\t<max>\t<title>\t<reason>}),
     * for {@code toolkit/bin/grade}.
     *
     * @param assignment e.g. {@code "assignment-01"}
     */
    public static void report(String assignment) {
        for (Row r : of(assignment).rows) {
            System.out.println(String.join("\t", "PRUNEKIT-GRADE", assignment, String.valueOf(r.exercise().number()),
                    String.valueOf(r.points()), String.valueOf(r.max()), r.exercise().title(),
                    r.reason().replace('\t', ' ').replace('\n', ' ')));
        }
        System.out.flush();
    }

    /** @return the rows */
    public List<Row> rows() {
        return rows;
    }

    /** @return points earned */
    public int points() {
        return rows.stream().mapToInt(Row::points).sum();
    }

    /** @return points possible */
    public int max() {
        return rows.stream().mapToInt(Row::max).sum();
    }

    @Override
    public Table toTable() {
        return Table.create(assignment + ": " + points() + " of " + max() + " points",
                StringColumn.create("exercise", rows.stream().map(r -> r.exercise().number() + " " + r.exercise().title())),
                IntColumn.create("points", rows.stream().mapToInt(Row::points).toArray()),
                IntColumn.create("max", rows.stream().mapToInt(Row::max).toArray()),
                StringColumn.create("reason", rows.stream().map(Row::reason)));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(assignment + ": " + points() + " of " + max() + " points\n");
        for (Row r : rows) {
            sb.append(String.format("  %d %-28s %3d / %3d  %s%n", r.exercise().number(), r.exercise().title(), r.points(),
                    r.max(), r.reason()));
        }
        return sb.toString();
    }
}
