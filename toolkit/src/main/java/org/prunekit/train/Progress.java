package org.prunekit.train;

import java.io.PrintStream;

/**
 * Receives progress of long work (training, sweeps). {@link #console()} prints one line per
 * epoch, which notebooks show as it happens; {@link #none()} stays silent.
 */
public interface Progress {

    /**
     * Called after each epoch.
     *
     * @param what a short label of the work, e.g. the net's name
     * @param stats the epoch's numbers
     * @param epochs the total number of epochs
     */
    void epochDone(String what, EpochStats stats, int epochs);

    /** @return progress that prints one line per epoch to standard output */
    static Progress console() {
        return console(System.out);
    }

    /**
     * @param out where to print
     * @return progress that prints one line per epoch to {@code out}
     */
    static Progress console(PrintStream out) {
        return (what, s, epochs) -> {
            out.printf("%s  epoch %d/%d  loss %.4f  train acc %.4f  test acc %.4f  (%.1f s)%n", what, s.epoch(),
                    epochs, s.trainLoss(), s.trainAccuracy(), s.testAccuracy(), s.seconds());
            out.flush();
        };
    }

    /** @return progress that reports nothing */
    static Progress none() {
        return (what, s, epochs) -> { };
    }
}
