package org.prunekit.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
