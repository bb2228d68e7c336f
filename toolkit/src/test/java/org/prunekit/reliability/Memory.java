package org.prunekit.reliability;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Native-memory probes for the memory tests. */
public final class Memory {

    private Memory() {}

    /** @return this process's resident set size in MB, from /proc/self/status */
    public static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/self/status", e);
        }
        throw new AssertionError("no VmRSS line in /proc/self/status");
    }

    /**
     * @param any any manager of the engine (e.g. a net's)
     * @return the native arrays alive anywhere under the engine's system manager (every manager is
     *     below it)
     */
    public static long liveArrays(NDManager any) {
        try (NDManager probe = any.newSubManager()) {
            NDManager root = probe;
            while (root.getParentManager() != null && root.getParentManager() != root) {
                root = root.getParentManager();
            }
            return root.getManagedArrays().size();
        }
    }

    /**
     * Runs {@code work} while another thread reads the RSS every 5 ms. Should the RSS rise more than
     * {@code haltAboveMb} over where it started, that thread stops the JVM (exit status 3): a leak
     * that fast would take the machine's memory before {@code work} returns, and nothing else can
     * stop {@code work} from outside.
     *
     * @param work what to run
     * @param haltAboveMb the rise at which to stop the JVM
     * @return the highest RSS seen while it ran, in MB
     */
    public static long peakRssMb(Runnable work, long haltAboveMb) {
        long start = rssMb();
        AtomicLong peak = new AtomicLong(start);
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                long now = peak.accumulateAndGet(rssMb(), Math::max);
                if (now - start > haltAboveMb) {
                    haltForMemory(String.format("RSS rose from %d MB to %d MB, more than %d MB: stopping the JVM"
                            + " before the machine runs out of memory%n", start, now, haltAboveMb));
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            work.run();
        } finally {
            done.set(true);
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Math.max(peak.get(), rssMb());
    }

    /** Writes the reason straight to the process's stderr (the test runner's streams die with it), then halts. */
    private static void haltForMemory(String reason) {
        try (java.io.FileOutputStream err = new java.io.FileOutputStream(java.io.FileDescriptor.err)) {
            err.write(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            // halting matters more than the message
        }
        Runtime.getRuntime().halt(3);
    }
}
