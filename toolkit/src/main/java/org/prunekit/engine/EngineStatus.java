package org.prunekit.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * What PruneKit knows about its engine on this machine: whether the engine's arithmetic passed
 * the {@link EngineCheck}, what failed where it did not, and which {@link Remedy} is in force. A
 * value; {@code PruneKit.engineStatus()} gives the one of this process.
 *
 * @param cpu the CPU, as {@code /proc/cpuinfo} names it, with its vector instruction-set flags
 * @param engine the engine and its native library versions
 * @param remedy the remedy in force in this process
 * @param trusted whether every check passed with that remedy (false: results may be wrong)
 * @param failuresWithoutRemedy what the check found wrong in the engine as it is (empty where it passed)
 * @param slowdown the remedy's time per training step over the unrestricted engine's (1 for none, NaN if unknown)
 * @param checkedAt when the check ran (ISO date and time), or {@code "not checked"}
 * @param cacheFile where the result is kept for later starts, or null
 * @param notice the notice printed when this process started the engine, or empty
 */
public record EngineStatus(String cpu, String engine, Remedy remedy, boolean trusted, List<String> failuresWithoutRemedy,
        double slowdown, String checkedAt, Path cacheFile, String notice) {

    public EngineStatus {
        failuresWithoutRemedy = List.copyOf(failuresWithoutRemedy);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("PruneKit engine: ").append(engine).append("\nCPU: ").append(cpu);
        if (failuresWithoutRemedy.isEmpty()) {
            sb.append("\nengine check: ").append(trusted ? "every check passed" : "not run").append(" (")
                    .append(checkedAt).append(")");
        } else {
            sb.append("\nengine check (").append(checkedAt).append("): the engine as it is computes wrong:");
            failuresWithoutRemedy.stream().limit(5).forEach(f -> sb.append("\n  ").append(f));
            if (failuresWithoutRemedy.size() > 5) {
                sb.append("\n  ... and ").append(failuresWithoutRemedy.size() - 5).append(" more");
            }
        }
        sb.append("\nremedy: ").append(remedy.description());
        if (remedy != Remedy.NONE && !Double.isNaN(slowdown)) {
            sb.append(String.format(" (a training step takes %.2fx the unrestricted engine's time)", slowdown));
        }
        if (!trusted && !failuresWithoutRemedy.isEmpty()) {
            sb.append("\nNO REMEDY PASSES THE CHECK: results of this engine may be wrong.");
        }
        if (cacheFile != null) {
            sb.append("\ncached in ").append(cacheFile);
        }
        return sb.toString();
    }
}
