package org.prunekit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The resident memory of this process per benchmark section: Linux's high-water mark
 * ({@code VmHWM} of {@code /proc/self/status}), reset at the start of a section by writing
 * {@code 5} to {@code /proc/self/clear_refs} (Linux 4.0 and later), so that each section's peak is
 * its own. Where the reset is refused, the peak printed is the process's running peak, and the line
 * says so. The resident memory at the start of the section is printed next to it: glibc keeps freed
 * native memory for reuse (the benchmark runs with a high {@code MALLOC_TRIM_THRESHOLD_}), so a
 * section starts from what the ones before left resident. Peers run in processes of their own and
 * are not included.
 */
final class PeakRss {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final long startKb;
    private final boolean reset;

    private PeakRss(long startKb, boolean reset) {
        this.startKb = startKb;
        this.reset = reset;
    }

    /** @return a measurement that starts now (the high-water mark reset if Linux allows it) */
    static PeakRss start() {
        boolean reset;
        try {
            Files.writeString(CLEAR_REFS, "5");
            reset = true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            reset = false;
        }
        return new PeakRss(field("VmRSS:"), reset);
    }

    /** @return the kilobytes of a field of /proc/self/status, or -1 where there is none (not Linux) */
    static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** @return the peak resident kilobytes since {@link #start()} (or of the process, if the reset was refused) */
    long peakKb() {
        return field("VmHWM:");
    }

    /** @return one line: the peak, what it covers, and the resident memory at the start */
    String describe() {
        long peak = peakKb();
        if (peak < 0) {
            return "peak RSS unknown (no /proc/self/status)";
        }
        return String.format(Locale.ROOT, "peak RSS %.0f MB %s, %.0f MB at its start", peak / 1024.0,
                reset ? "in this section" : "of the process so far (this kernel refuses /proc/self/clear_refs)",
                startKb / 1024.0);
    }
}
