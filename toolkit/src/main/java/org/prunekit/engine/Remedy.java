package org.prunekit.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * What PruneKit does about an engine that computes wrong on this CPU. libtorch runs convolutions
 * on oneDNN, which generates code for the instruction set it finds; where that code is wrong, a
 * remedy either caps the instruction set oneDNN may use (it must be set before the engine's first
 * operation, and the process keeps it) or switches oneDNN off so that convolutions run on ATen's
 * own kernels (possible at any time). Which one is used is decided by measurement: every remedy is
 * checked in a separate process, and the fastest one that passes every check wins.
 */
public enum Remedy {

    /** The engine as it is: oneDNN with every instruction set the CPU has. */
    NONE(null, false, "none (the engine as it is)"),
    /** oneDNN switched off: convolutions on ATen's own (im2col and matrix product) kernels. */
    ATEN_CONVOLUTIONS(null, true, "oneDNN switched off: convolutions on ATen's own kernels"),
    /** oneDNN limited to AVX-512 without the DL Boost and bfloat16 extensions. */
    ONEDNN_AVX512_CORE("AVX512_CORE", false, "oneDNN limited to AVX-512 (ONEDNN_MAX_CPU_ISA=AVX512_CORE)"),
    /** oneDNN limited to AVX2. */
    ONEDNN_AVX2("AVX2", false, "oneDNN limited to AVX2 (ONEDNN_MAX_CPU_ISA=AVX2)"),
    /** oneDNN limited to AVX. */
    ONEDNN_AVX("AVX", false, "oneDNN limited to AVX (ONEDNN_MAX_CPU_ISA=AVX)"),
    /** oneDNN limited to SSE4.1. */
    ONEDNN_SSE41("SSE41", false, "oneDNN limited to SSE4.1 (ONEDNN_MAX_CPU_ISA=SSE41)");

    private final String isaCap;
    private final boolean disablesOneDnn;
    private final String description;

    Remedy(String isaCap, boolean disablesOneDnn, String description) {
        this.isaCap = isaCap;
        this.disablesOneDnn = disablesOneDnn;
        this.description = description;
    }

    /** @return the value of {@code ONEDNN_MAX_CPU_ISA} this remedy sets, or null */
    public String isaCap() {
        return isaCap;
    }

    /** @return whether this remedy switches oneDNN off */
    public boolean disablesOneDnn() {
        return disablesOneDnn;
    }

    /** @return whether it can still be applied after the engine has run operations */
    public boolean appliesAtRunTime() {
        return isaCap == null;
    }

    /** @return what it does, in words */
    public String description() {
        return description;
    }

    /** @return the name used in settings and the cache: {@code none}, {@code aten-convolutions}, {@code onednn-avx2}, ... */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param setting a {@link #settingName()} (case-insensitive; underscores allowed)
     * @return the remedy
     * @throws IllegalArgumentException naming the valid settings
     */
    public static Remedy parse(String setting) {
        String s = setting.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Remedy r : values()) {
            if (r.settingName().equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("Unknown engine remedy '" + setting + "'; valid: "
                + Arrays.stream(values()).map(Remedy::settingName).toList() + ".");
    }
}
