package org.prunekit.train;

import java.util.function.LongSupplier;

/**
 * Lets a progress display redraw at most once per interval: a training loop advances its task
 * after every batch (hundreds of times a second on small nets), a notebook or a terminal needs a
 * few updates a second. The clock is injectable so that tests need not sleep.
 */
final class Throttle {

    private final LongSupplier clock;
    private final long intervalNanos;
    private long last;
    private boolean drawn;

    /**
     * @param clock the time in nanoseconds (e.g. {@code System::nanoTime})
     * @param intervalNanos the least time between two redraws
     */
    Throttle(LongSupplier clock, long intervalNanos) {
        this.clock = clock;
        this.intervalNanos = intervalNanos;
    }

    /** @return whether a redraw is due now; if so, it counts as done */
    boolean due() {
        long now = clock.getAsLong();
        if (drawn && now - last < intervalNanos) {
            return false;
        }
        mark(now);
        return true;
    }

    /** Records a redraw that happened regardless of the interval (a start, a logged line, the end). */
    void drawn() {
        mark(clock.getAsLong());
    }

    private void mark(long now) {
        last = now;
        drawn = true;
    }
}
