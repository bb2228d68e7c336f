package org.prunekit.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.prunekit.train.Progress;

/**
 * Progress that measures the CPU time of each training epoch on the training thread (PyTorch runs
 * each op on the calling thread with one intra-op thread): from the epoch's start (the task's start,
 * or the previous epoch's logged line, which follows its evaluation) to its last batch, so the
 * evaluation after an epoch is not counted, as in {@code EpochStats.seconds()}. On a machine
 * shared with other work the CPU time moves far less than the wall clock, which counts the time
 * the thread waited for a core.
 */
final class EpochCpuClock implements Progress {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final List<Double> seconds = new ArrayList<>();
    private final int batchesPerEpoch;

    /** @param batchesPerEpoch the batches of one epoch */
    EpochCpuClock(int batchesPerEpoch) {
        this.batchesPerEpoch = batchesPerEpoch;
    }

    /** @return the CPU seconds of every epoch measured so far */
    List<Double> seconds() {
        return seconds;
    }

    @Override
    public Task start(String label, long total, String unit) {
        return new Task() {
            private long epochStart = THREADS.getCurrentThreadCpuTime();

            @Override
            public void advance(long done, String status) {
                if (done % batchesPerEpoch == 0) {
                    seconds.add((THREADS.getCurrentThreadCpuTime() - epochStart) / 1e9);
                }
            }

            @Override
            public void log(String line) {
                epochStart = THREADS.getCurrentThreadCpuTime();
            }

            @Override
            public void done(String summary) {
            }

            @Override
            public void close() {
            }
        };
    }
}
