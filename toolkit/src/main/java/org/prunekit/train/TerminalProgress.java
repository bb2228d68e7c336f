package org.prunekit.train;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Progress in a terminal. On a console ({@code live}) the running task is one text bar redrawn in
 * place with a carriage return, a few times a second; logged lines and the summary print above
 * it and stay. Into a file or a CI log ({@code live == false}) only the logged lines (one per
 * epoch for training) and the summary are printed, so the log stays readable.
 *
 * <p>A task started while another is open (a fine-tuning inside a sweep) draws its own bar until
 * it closes; the outer bar then continues.
 */
final class TerminalProgress extends DrawnProgress {

    private static final int BAR = 24;
    private static final long INTERVAL_NANOS = 200_000_000L;

    private final PrintStream out;
    private final boolean live;
    private int drawnWidth;

    /**
     * @param out where to print
     * @param live whether {@code out} is a console that honours carriage returns
     * @param clock the time in nanoseconds
     */
    TerminalProgress(PrintStream out, boolean live, LongSupplier clock) {
        super(clock, INTERVAL_NANOS);
        this.out = out;
        this.live = live;
    }

    @Override
    void started(TaskMeter meter) {
        redraw();
        throttle.drawn();
    }

    @Override
    void logged(TaskMeter meter, String line) {
        println(line);
    }

    @Override
    void finished(TaskMeter meter) {
        println(meter.endLine());
    }

    @Override
    void closed(TaskMeter meter, int at) {
        if (!meter.finished() && live) {
            println(meter.endLine());
        }
        clear();
        redraw();
    }

    /** Prints a line that stays, above the bar (the bar is redrawn under it while its task runs). */
    private void println(String line) {
        clear();
        out.println(line);
        if (open.isEmpty() || !innermost().finished()) {
            redraw();
        }
        out.flush();
    }

    /** Redraws the bar of the innermost open task over the current line (on a console only). */
    @Override
    void redraw() {
        if (!live || open.isEmpty()) {
            return;
        }
        String bar = bar(innermost());
        out.print("\r" + bar + " ".repeat(Math.max(0, drawnWidth - bar.length())));
        out.flush();
        drawnWidth = bar.length();
    }

    private TaskMeter innermost() {
        return open.get(open.size() - 1);
    }

    /** Wipes the bar from the current line, leaving the cursor at its start. */
    private void clear() {
        if (live && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            drawnWidth = 0;
        }
    }

    /**
     * @param m a running task
     * @return its bar, e.g. {@code LeNet-5 training [########................] 120/375 batches (32%) ...}
     */
    static String bar(TaskMeter m) {
        int filled = (int) Math.round(m.fraction() * BAR);
        return m.label() + " [" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] "
                + m.line().substring(m.label().length()).strip();
    }
}
