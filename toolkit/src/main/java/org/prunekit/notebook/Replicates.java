package org.prunekit.notebook;

import java.util.Arrays;
import java.util.Locale;

/**
 * One measurement repeated over several seeds (or runs): its mean, standard deviation and
 * range. A value. A single run of a random baseline says little; the spread over seeds says how
 * far two results must be apart before the difference means something.
 *
 * <pre>{@code
 * Replicates random = Replicates.of("random", acc1, acc2, acc3, acc4, acc5);
 * random                               // random: 0.8123 ± 0.0150 over 5 runs (0.7950 .. 0.8300)
 * random.compare("magnitude", 0.8700)  // magnitude (0.8700) is above every random run (+0.0577 against the mean of 5)
 * }</pre>
 *
 * @param name what was measured
 * @param values every run's result, in order
 */
public record Replicates(String name, double[] values) {

    public Replicates {
        if (values.length == 0) {
            throw new IllegalArgumentException("Replicates of " + name + " need at least one value.");
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("Replicates of " + name + " hold a non-finite value " + v
                        + " in " + Arrays.toString(values) + ".");
            }
        }
        values = values.clone();
    }

    /**
     * @param name what was measured
     * @param values every run's result
     * @return the replicates
     */
    public static Replicates of(String name, double... values) {
        return new Replicates(name, values);
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** @return the number of runs */
    public int count() {
        return values.length;
    }

    /** @return the mean */
    public double mean() {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** @return the sample standard deviation (0 for a single run) */
    public double sd() {
        if (values.length < 2) {
            return 0;
        }
        double m = mean();
        return Math.sqrt(Arrays.stream(values).map(v -> (v - m) * (v - m)).sum() / (values.length - 1));
    }

    /** @return the smallest result */
    public double min() {
        return Arrays.stream(values).min().orElseThrow();
    }

    /** @return the largest result */
    public double max() {
        return Arrays.stream(values).max().orElseThrow();
    }

    /** @return max − min: how far apart runs that differ only by their seed came out */
    public double spread() {
        return max() - min();
    }

    /**
     * @param value another result
     * @return whether it lies outside every run's result (above the largest or below the smallest)
     */
    public boolean outside(double value) {
        return value > max() || value < min();
    }

    /**
     * Says in words where a result stands against these runs: above every one of them, below every
     * one, or within their range (then the difference is within seed-to-seed noise).
     *
     * @param label what the other result is
     * @param value the other result
     * @return a sentence fragment, e.g. {@code "magnitude (0.8700) is above every random run (+0.0577
     *     against the mean of 5)"}
     */
    public String compare(String label, double value) {
        String where = value > max() ? "is above every " + name + " run"
                : value < min() ? "is below every " + name + " run" : "lies within the range of the " + name + " runs";
        return String.format(Locale.ROOT, "%s (%.4f) %s (%+.4f against the mean of %d)", label, value, where,
                value - mean(), values.length);
    }

    /**
     * Says in words where these runs stand against another set of runs: every run above every
     * other run, every run below, or overlapping (then the difference is within seed-to-seed
     * noise). The means are given in brackets.
     *
     * @param other the runs to compare with, e.g. a baseline over the same seeds
     * @return a sentence fragment, e.g. {@code "every SET run is above every fixed-mask run (means
     *     0.9512 and 0.9387)"}
     */
    public String versus(Replicates other) {
        String means = String.format(Locale.ROOT, " (means %.4f and %.4f)", mean(), other.mean());
        return min() > other.max() ? "every " + name + " run is above every " + other.name + " run" + means
                : max() < other.min() ? "every " + name + " run is below every " + other.name + " run" + means
                : "the " + name + " and " + other.name + " runs overlap" + means
                        + ": the difference is within seed-to-seed noise";
    }

    /**
     * Several sets of runs side by side: one row each with the number of runs, mean, standard
     * deviation, lowest and highest result.
     *
     * @param title the table's title
     * @param sets the sets of runs, one row each in this order
     * @return the table, which shows itself in a notebook
     */
    public static Rows table(String title, Replicates... sets) {
        Rows rows = Rows.of(title, "runs of", "runs", "mean", "sd", "lowest", "highest");
        for (Replicates r : sets) {
            rows.add(r.name, r.count(), r.mean(), r.sd(), r.min(), r.max());
        }
        return rows;
    }

    @Override
    public String toString() {
        if (values.length == 1) {
            return String.format(Locale.ROOT, "%s: %.4f (1 run)", name, values[0]);
        }
        return String.format(Locale.ROOT, "%s: %.4f ± %.4f over %d runs (%.4f .. %.4f)", name, mean(), sd(),
                values.length, min(), max());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Replicates r && r.name.equals(name) && Arrays.equals(r.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(values);
    }
}
