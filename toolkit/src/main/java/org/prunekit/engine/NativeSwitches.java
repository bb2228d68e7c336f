package org.prunekit.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two switches of the native engine that DJL does not expose, reached through JNA: the
 * process environment that oneDNN reads its instruction-set cap from (once, at its first
 * operation), and libtorch's global "use oneDNN" flag ({@code at::globalContext()
 * .setUserEnabledMkldnn}, the switch behind {@code torch.backends.mkldnn.enabled}), which every
 * convolution consults when it is dispatched, forward and backward.
 */
final class NativeSwitches {

    private static final String LIBTORCH = "libtorch_cpu.so";

    private NativeSwitches() {}

    /** @return the path of libtorch's CPU library if this process has loaded it, else null */
    static Path loadedLibtorch() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int at = line.indexOf('/');
                if (at >= 0 && line.endsWith("/" + LIBTORCH)) {
                    return Path.of(line.substring(at));
                }
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
        return null;
    }

    /**
     * Sets a variable in the native process environment (what oneDNN's {@code getenv} reads;
     * {@link System#getenv} keeps its own copy and does not see it).
     */
    static void setenv(String name, String value) {
        int rc = NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[] {name, value, 1});
        if (rc != 0) {
            throw new IllegalStateException("setenv(" + name + ") failed with " + rc);
        }
    }

    /**
     * @param enabled whether libtorch may use oneDNN (mkldnn) for convolutions
     * @throws IllegalStateException if libtorch is not loaded yet
     */
    static void setOneDnnEnabled(boolean enabled) {
        NativeLibrary lib = libtorch();
        Pointer context = lib.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        lib.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb").invokeVoid(new Object[] {context,
            (byte) (enabled ? 1 : 0)});
    }

    /** @return libtorch's "use oneDNN" flag */
    static boolean oneDnnEnabled() {
        NativeLibrary lib = libtorch();
        Pointer context = lib.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        Function get = lib.getFunction("_ZNK2at7Context17userEnabledMkldnnEv");
        return (get.invokeInt(new Object[] {context}) & 0xff) != 0;
    }

    private static NativeLibrary libtorch() {
        Path path = loadedLibtorch();
        if (path == null) {
            throw new IllegalStateException("libtorch is not loaded yet: start the engine first.");
        }
        return NativeLibrary.getInstance(path.toString());
    }
}
