package org.prunekit.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What the live progress displays share: the open tasks (a task started while another is open
 * nests inside it), their {@link TaskMeter}s, and a {@link Throttle} so that a task advanced
 * after every batch is redrawn only a few times a second. A display says how it draws
 * ({@link #redraw()}) and what it does when a line is logged, a task is done, or a task closes.
 */
abstract class DrawnProgress implements Progress {

    /** The open tasks, outermost first. */
    final List<TaskMeter> open = new ArrayList<>();
    final Throttle throttle;
    private final LongSupplier clock;

    /**
     * @param clock the time in nanoseconds
     * @param intervalNanos the least time between two throttled redraws
     */
    DrawnProgress(LongSupplier clock, long intervalNanos) {
        this.clock = clock;
        this.throttle = new Throttle(clock, intervalNanos);
    }

    /** Draws the open tasks as they are now. */
    abstract void redraw();

    /** A task was started (it is the last of {@link #open}). */
    abstract void started(TaskMeter meter);

    /** A task logged a line that should stay. */
    abstract void logged(TaskMeter meter, String line);

    /** A task got its summary. */
    abstract void finished(TaskMeter meter);

    /**
     * A task closed and was taken out of {@link #open}.
     *
     * @param at where it was in {@link #open} (0: the outermost)
     */
    abstract void closed(TaskMeter meter, int at);

    @Override
    public final synchronized Task start(String label, long total, String unit) {
        TaskMeter meter = new TaskMeter(label, total, unit, clock);
        open.add(meter);
        started(meter);
        return new Task() {
            @Override
            public void advance(long done, String status) {
                synchronized (DrawnProgress.this) {
                    meter.advance(done, status);
                    if (open.contains(meter) && throttle.due()) {
                        redraw();
                    }
                }
            }

            @Override
            public void log(String line) {
                synchronized (DrawnProgress.this) {
                    meter.log(line);
                    logged(meter, line);
                }
            }

            @Override
            public void done(String summary) {
                synchronized (DrawnProgress.this) {
                    if (!meter.finished()) {
                        meter.done(summary);
                        finished(meter);
                    }
                }
            }

            @Override
            public void close() {
                synchronized (DrawnProgress.this) {
                    int at = open.indexOf(meter);
                    if (at >= 0) { // else closed before
                        meter.end();
                        open.remove(at);
                        closed(meter, at);
                    }
                }
            }
        };
    }
}
