package org.prunekit.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CPU this process runs on, as {@code /proc/cpuinfo} describes its first processor: what
 * oneDNN's choice of code depends on (vendor, family, model, stepping, instruction-set flags).
 *
 * @param model the model name, e.g. {@code "AMD EPYC 9R14"}
 * @param identity vendor, family, model and stepping
 * @param flags every instruction-set flag
 */
record Cpu(String model, String identity, List<String> flags) {

    /** @return this machine's CPU (unknown fields on systems without {@code /proc/cpuinfo}) */
    static Cpu current() {
        Map<String, String> first = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.isBlank()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    first.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or not readable: the JVM's view is all there is
        }
        String model = first.getOrDefault("model name", System.getProperty("os.arch"));
        String identity = first.getOrDefault("vendor_id", "?") + " family " + first.getOrDefault("cpu family", "?")
                + " model " + first.getOrDefault("model", "?") + " stepping " + first.getOrDefault("stepping", "?");
        String flags = first.getOrDefault("flags", "");
        return new Cpu(model, identity, flags.isBlank() ? List.of() : Arrays.asList(flags.trim().split("\\s+")));
    }

    /** @return the flags that decide oneDNN's code paths (AVX-512 and its extensions, VNNI, AMX), for notices */
    String vectorFlags() {
        return flags.stream().filter(f -> f.startsWith("avx512") || f.startsWith("avx_") || f.startsWith("amx")
                || f.equals("avx2")).collect(Collectors.joining(" "));
    }

    @Override
    public String toString() {
        String v = vectorFlags();
        return model + " (" + identity + (v.isEmpty() ? "" : "; " + v) + ")";
    }
}
