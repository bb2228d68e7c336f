package org.prunekit.train;

import java.io.PrintStream;
import java.util.Locale;
import org.prunekit.notebook.LiveDisplay;

/**
 * Receives the progress of long work — training, sweeps, iterative pruning, sensitivity scans,
 * benchmarks — in one shape: the work starts a {@link Task} with its number of steps, advances it
 * with a short status as steps complete, logs lines that should stay (an epoch's summary), and
 * closes it with a summary. Every runner of the toolkit takes a {@code Progress}.
 *
 * <ul>
 *   <li>{@link #auto()}, the default of {@code net.fit} and {@link Training#fit(Trainable,
 *       org.prunekit.data.ExampleSplit, TrainConfig)}, picks one of the others: {@link #notebook()} in
 *       a Jupyter kernel, {@link #none()} if the environment variable {@code PRUNEKIT_PROGRESS} (or
 *       the system property {@code prunekit.progress}) is {@code none}, else {@link #terminal()}.
 *   <li>{@link #notebook()} shows one HTML bar in the cell's output (steps, epoch, loss, time
 *       elapsed and left), updated in place at most four times a second, that becomes a one-line
 *       summary when the task is done.
 *   <li>{@link #terminal()} redraws a text bar in place on a console and prints the logged lines
 *       and the summary above it; into a file or a CI log it prints only those lines.
 *   <li>{@link #console()} prints the logged lines only (one line per epoch for training).
 *   <li>{@link #none()} stays silent.
 * </ul>
 *
 * <p>A task started while another is open nests in it: a runner may pass its own progress to the
 * trainings it runs (a fine-tuning per sweep point), and the notebook shows the inner task as a
 * second bar in the outer task's display (its summary joins the outer task's lines when it
 * closes), the terminal draws the inner bar until it closes.
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

    /**
     * @return the progress that fits where the code runs: {@link #notebook()} in a Jupyter kernel,
     *     {@link #none()} if {@code PRUNEKIT_PROGRESS} (environment) or {@code prunekit.progress}
     *     (system property) is {@code none}, else {@link #terminal()}
     */
    static Progress auto() {
        String chosen = System.getProperty("prunekit.progress", System.getenv("PRUNEKIT_PROGRESS"));
        if ("none".equalsIgnoreCase(chosen)) {
            return none();
        }
        return LiveDisplay.kernel().map(Progress::notebook).orElseGet(Progress::terminal);
    }

    /**
     * @return a live HTML bar in the running notebook cell (see {@link #notebook(LiveDisplay)}), or
     *     {@link #terminal()} when the code does not run in a Jupyter kernel
     */
    static Progress notebook() {
        return LiveDisplay.kernel().map(Progress::notebook).orElseGet(Progress::terminal);
    }

    /**
     * @param display the notebook display to draw in (a kernel's, see {@link LiveDisplay#kernel()},
     *     or another front-end's)
     * @return progress that shows each task as one bar — steps done of the total, the status
     *     (epoch, batch, loss), time elapsed and left — redrawn at most four times a second, and
     *     replaced by the task's summary when it is done (its logged lines folded under it)
     */
    static Progress notebook(LiveDisplay display) {
        return new NotebookProgress(display, System::nanoTime);
    }

    /**
     * @return {@link #terminal(PrintStream, boolean)} on standard output, live when the program
     *     runs on a console (not redirected to a file or a CI log)
     */
    static Progress terminal() {
        return terminal(System.out, System.console() != null);
    }

    /**
     * @param out where to print
     * @param live whether {@code out} is a console: then the running task is a text bar redrawn in
     *     place (carriage return) at most five times a second; otherwise nothing is redrawn
     * @return progress that prints the logged lines (one per epoch for training) and the summary
     *     of each task, with the live bar under them on a console
     */
    static Progress terminal(PrintStream out, boolean live) {
        return new TerminalProgress(out, live, System::nanoTime);
    }

    /** @return progress that prints logged lines (not statuses or summaries) to standard output */
    static Progress console() {
        return console(System.out);
    }

    /**
     * @param out where to print
     * @return progress that prints logged lines to {@code out} (statuses are not printed: a
     *     terminal or log file would fill up with them; nor is the summary)
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
        if (s.isLanguageModel()) {
            return String.format(Locale.ROOT, "%s  epoch %d/%d  loss %.4f  test perplexity %.2f  next-token acc %.4f"
                    + "  (%.1f s)", what, s.epoch(), epochs, s.trainLoss(), s.testPerplexity(), s.testAccuracy(),
                    s.seconds());
        }
        return String.format(Locale.ROOT, "%s  epoch %d/%d  loss %.4f  train acc %.4f  test acc %.4f  (%.1f s)", what,
                s.epoch(), epochs, s.trainLoss(), s.trainAccuracy(), s.testAccuracy(), s.seconds());
    }

    /** @return the test result of an epoch for a summary: its accuracy, or a language model's perplexity */
    static String testResult(EpochStats s) {
        return s.isLanguageModel() ? String.format(Locale.ROOT, "test perplexity %.2f", s.testPerplexity())
                : String.format(Locale.ROOT, "test accuracy %.4f", s.testAccuracy());
    }
}
