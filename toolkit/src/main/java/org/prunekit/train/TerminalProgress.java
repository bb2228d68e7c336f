package org.prunekit.train;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
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
final class TerminalProgress implements Progress {

    private static final int BAR = 24;
    private static final long INTERVAL_NANOS = 200_000_000L;

    private final PrintStream out;
    private final boolean live;
    private final Throttle throttle;
    private final LongSupplier clock;
    private final Deque<TaskMeter> open = new ArrayDeque<>();
    private int drawnWidth;

    /**
     * @param out where to print
     * @param live whether {@code out} is a console that honours carriage returns
     * @param clock the time in nanoseconds
     */
    TerminalProgress(PrintStream out, boolean live, LongSupplier clock) {
        this.out = out;
        this.live = live;
        this.clock = clock;
        this.throttle = new Throttle(clock, INTERVAL_NANOS);
    }

    @Override
    public synchronized Task start(String label, long total, String unit) {
        TaskMeter meter = new TaskMeter(label, total, unit, clock);
        open.push(meter);
        if (live) {
            draw();
            throttle.drawn();
        }
        return new Task() {
            @Override
            public void advance(long done, String status) {
                synchronized (TerminalProgress.this) {
                    meter.advance(done, status);
                    if (live && open.peek() == meter && throttle.due()) {
                        draw();
                    }
                }
            }

            @Override
            public void log(String line) {
                synchronized (TerminalProgress.this) {
                    meter.log(line);
                    println(line);
                }
            }

            @Override
            public void done(String summary) {
                synchronized (TerminalProgress.this) {
                    if (!meter.finished()) {
                        meter.done(summary);
                        println(meter.endLine());
                    }
                }
            }

            @Override
            public void close() {
                synchronized (TerminalProgress.this) {
                    if (!open.remove(meter)) {
                        return; // closed before
                    }
                    meter.end();
                    if (!meter.finished() && live) {
                        println(meter.endLine());
                    }
                    if (live) {
                        clear();
                        if (!open.isEmpty()) {
                            draw();
                        }
                    }
                }
            }
        };
    }

    /** Prints a line that stays, above the bar (the bar is redrawn under it). */
    private void println(String line) {
        clear();
        out.println(line);
        if (live && !open.isEmpty() && !open.peek().finished()) {
            draw();
        }
        out.flush();
    }

    /** Redraws the bar of the innermost open task over the current line. */
    private void draw() {
        TaskMeter m = open.peek();
        if (m == null) {
            return;
        }
        String bar = bar(m);
        out.print("\r" + bar + " ".repeat(Math.max(0, drawnWidth - bar.length())));
        out.flush();
        drawnWidth = bar.length();
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
