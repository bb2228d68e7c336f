package org.prunekit.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The switches of the native engine that DJL does not expose, reached through JNA: the process
 * environment that oneDNN reads its instruction-set cap from (once, at its first operation),
 * libtorch's global "use oneDNN" flag ({@code at::globalContext().setUserEnabledMkldnn}, the
 * switch behind {@code torch.backends.mkldnn.enabled}), which every convolution consults when it
 * is dispatched, forward and backward, and c10's log level.
 */
final class NativeSwitches {

    private static final String LIBTORCH = "libtorch_cpu.so";
    private static final String LIBC10 = "libc10.so";

    private NativeSwitches() {}

    /** @return the path of libtorch's CPU library if this process has loaded it, else null */
    static Path loadedLibtorch() {
        return loaded(LIBTORCH);
    }

    private static Path loaded(String library) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int at = line.indexOf('/');
                if (at >= 0 && line.endsWith("/" + library)) {
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

    /**
     * Makes c10 (libtorch's base library) read its log level from {@code TORCH_CPP_LOG_LEVEL}
     * again ({@code c10::initLogging()}). Python's torch calls it when it is imported; a
     * libtorch loaded by DJL never does, so the variable alone changes nothing there and c10
     * logs its warnings (e.g. {@code Could not initialize NNPACK! Reason: Unsupported hardware},
     * {@code AutoNonVariableTypeMode is deprecated}) to standard error.
     *
     * @return whether c10 was found and its log level re-read
     */
    static boolean reloadTorchLogLevel() {
        Path c10 = loaded(LIBC10);
        if (c10 == null) {
            return false;
        }
        try {
            NativeLibrary.getInstance(c10.toString()).getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]);
            return true;
        } catch (UnsatisfiedLinkError e) { // another libtorch build without that symbol: only the log stays noisy
            return false;
        }
    }

    private static NativeLibrary libtorch() {
        Path path = loadedLibtorch();
        if (path == null) {
            throw new IllegalStateException("libtorch is not loaded yet: start the engine first.");
        }
        return NativeLibrary.getInstance(path.toString());
    }
}
