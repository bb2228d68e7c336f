package org.prunekit.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Receives the progress of long work — training, sweeps, iterative pruning, sensitivity scans,
 * benchmarks — in one shape: the work starts a {@link Task} with its number of steps, advances it
 * with a short status as steps complete, logs lines that should stay (an epoch's summary), and
 * closes it with a summary. Every runner of the toolkit takes a {@code Progress}.
 *
 * <ul>
 *   <li>{@link #console()} prints the logged lines and the summary (one line per epoch for
 *       training), as a terminal or a plain program wants.
 *   <li>{@link #none()} stays silent.
 *   <li>A notebook front-end may show a live bar that updates in place and becomes the summary
 *       when the task closes (see {@code org.prunekit.notebook}).
 * </ul>
 *
 * <pre>{@code
 * try (Progress.Task t = progress.start("LeNet-5 training", 5 * 125, "batches")) {
 *     ... t.advance(done, "epoch 2/5 loss 0.3125");
 *     t.log("LeNet-5  epoch 2/5  loss 0.3125 ...");
 *     t.done("5 epochs, test accuracy 0.9735");
 * }
 * }</pre>
 */
public interface Progress {

    /**
     * Starts a unit of work.
     *
     * @param label what is being done, e.g. {@code "LeNet-5 training"}
     * @param total how many steps it has (0 if unknown)
     * @param unit what a step is, e.g. {@code "batches"}
     * @return the task, to advance and close
     */
    Task start(String label, long total, String unit);

    /** One unit of work in progress. Closing it without {@link #done} ends it without a summary. */
    interface Task extends AutoCloseable {

        /**
         * @param done steps completed so far
         * @param status a short status, e.g. {@code "epoch 2/5 loss 0.3125"}
         */
        void advance(long done, String status);

        /** @param line a line to keep (an epoch's summary, a finished point of a sweep) */
        void log(String line);

        /** @param summary one line that stands for the whole task once it is over */
        void done(String summary);

        /** Ends the task (without a summary if {@link #done} was not called). */
        @Override
        void close();
    }

    /** @return progress that prints logged lines and summaries to standard output */
    static Progress console() {
        return console(System.out);
    }

    /**
     * @param out where to print
     * @return progress that prints logged lines and summaries to {@code out} (statuses are not
     *     printed: a terminal or log file would fill up with them)
     */
    static Progress console(PrintStream out) {
        return (label, total, unit) -> new Task() {
            @Override
            public void advance(long done, String status) {
            }

            @Override
            public void log(String line) {
                out.println(line);
                out.flush();
            }

            @Override
            public void done(String summary) {
            }

            @Override
            public void close() {
            }
        };
    }

    /** @return progress that reports nothing */
    static Progress none() {
        return (label, total, unit) -> new Task() {
            @Override
            public void advance(long done, String status) {
            }

            @Override
            public void log(String line) {
            }

            @Override
            public void done(String summary) {
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * The line training logs after an epoch.
     *
     * @param what the net's name
     * @param s the epoch's numbers
     * @param epochs the total number of epochs
     * @return e.g. {@code LeNet-5  epoch 2/5  loss 0.3125  train acc 0.9012  test acc 0.9100  (1.2 s)}
     */
    static String epochLine(String what, EpochStats s, int epochs) {
        return String.format(Locale.ROOT, "%s  epoch %d/%d  loss %.4f  train acc %.4f  test acc %.4f  (%.1f s)", what,
                s.epoch(), epochs, s.trainLoss(), s.trainAccuracy(), s.testAccuracy(), s.seconds());
    }
}
