package org.prunekit.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The state of one task as progress displays show it: steps done of the total, the latest status,
 * the lines logged, the time since it started and the time it probably has left (the rate so far,
 * extrapolated), and its summary once done. Both the terminal bar and the notebook bar draw from
 * it, so they say the same thing.
 */
final class TaskMeter {

    private final String label;
    private final long total;
    private final String unit;
    private final LongSupplier clock;
    private final long started;
    private long done;
    private String status = "";
    private final List<String> lines = new ArrayList<>();
    private String summary;
    private long ended = -1;

    TaskMeter(String label, long total, String unit, LongSupplier clock) {
        this.label = label == null ? "" : label;
        this.total = Math.max(0, total);
        this.unit = unit == null ? "" : unit;
        this.clock = clock;
        this.started = clock.getAsLong();
    }

    void advance(long steps, String newStatus) {
        done = Math.max(0, steps);
        status = newStatus == null ? "" : newStatus;
    }

    void log(String line) {
        lines.add(line);
    }

    void done(String text) {
        summary = text;
        end();
    }

    void end() {
        if (ended < 0) {
            ended = clock.getAsLong();
        }
    }

    String label() {
        return label;
    }

    String status() {
        return status;
    }

    List<String> lines() {
        return lines;
    }

    /** @return the last logged line, or "" */
    String lastLine() {
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    boolean finished() {
        return summary != null;
    }

    /** @return the share of the steps done, 0 to 1 (0 when the total is unknown) */
    double fraction() {
        return total == 0 ? 0 : Math.min(1, done / (double) total);
    }

    /** @return seconds since the start (until the end, once ended) */
    double elapsed() {
        return ((ended >= 0 ? ended : clock.getAsLong()) - started) / 1e9;
    }

    /** @return the estimated seconds left at the rate so far, or -1 if it cannot be told yet */
    double remaining() {
        if (total == 0 || done == 0 || done >= total) {
            return done >= total && total > 0 ? 0 : -1;
        }
        return elapsed() * (total - done) / done;
    }

    /** @return e.g. {@code 120/375 batches (32%)}, or {@code 120 batches} without a total */
    String counts() {
        String u = unit.isEmpty() ? "" : " " + unit;
        return total == 0 ? done + u
                : String.format(Locale.ROOT, "%d/%d%s (%.0f%%)", done, total, u, 100 * fraction());
    }

    /** @return e.g. {@code 3.1 s, ~6.4 s left} */
    String timing() {
        double left = remaining();
        return duration(elapsed()) + (left < 0 || done >= total ? "" : ", ~" + duration(left) + " left");
    }

    /**
     * @return the task in one line while it runs, e.g.
     *     {@code LeNet-5 training  120/375 batches (32%)  epoch 1/3  batch 120/125  loss 0.4321  3.1 s, ~6.4 s left}
     */
    String line() {
        return String.join("  ", nonEmpty(label, counts(), status, timing()));
    }

    /**
     * @return the line that stands for the task once it is over: its summary, or what was done
     *     before it stopped if it ended without one (an exception, an interruption)
     */
    String endLine() {
        return summary != null ? summary
                : label + " stopped after " + counts() + " (" + duration(elapsed()) + ")";
    }

    /**
     * @param seconds a duration
     * @return {@code 4.2 s}, {@code 2 min 05 s} or {@code 1 h 02 min}
     */
    static String duration(double seconds) {
        if (seconds < 59.95) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    private static List<String> nonEmpty(String... parts) {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (!p.isBlank()) {
                out.add(p);
            }
        }
        return out;
    }
}
