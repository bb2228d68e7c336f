package org.prunekit.engine;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Gives the native memory that glibc keeps after the engine has freed it back to the system.
 *
 * <p>PruneKit's launchers (kernel, tests, benchmark) start the JVM with
 * {@code MALLOC_MMAP_THRESHOLD_=33554432}: the engine's tensors below 32 MB come from glibc's heap
 * rather than from fresh mappings, so a batch does not page-fault its activations in afresh (CNN
 * inference on a notebook's cell thread was 4-7x slower without it). The price is that glibc keeps
 * what a training freed: three epochs of a 250,000-parameter transformer language model left the
 * process 950 MB resident, 500 MB of it free memory inside glibc's heap, and a notebook that trains
 * several models kept growing towards Binder's 2 GB. Trimming it all the time gives the speed back
 * (with the JVM trimming every second, LeNet-5 epochs took 0.97-1.36 s against 0.86-0.99 s), so
 * PruneKit trims once, when a training ends ({@code Training.fit}): about 0.1 s, and the 500 MB
 * above went back to the system.
 *
 * <p>It asks the JVM ({@code jcmd <pid> System.trim_native_heap}, a diagnostic command of OpenJDK
 * 17.0.9 and later, which calls glibc's {@code malloc_trim}); on a JVM or C library without it,
 * nothing happens. The system property {@value #SETTING}{@code =false} turns it off.
 */
public final class NativeHeap {

    /** The system property that turns trimming off when {@code false}. */
    public static final String SETTING = "prunekit.trimNativeHeap";

    private static final String COMMAND = "systemTrimNativeHeap";
    private static volatile boolean unavailable;

    private NativeHeap() {}

    /**
     * Returns the free memory inside glibc's heap to the system, if this JVM can.
     *
     * @return the JVM's report (e.g. "Trim native heap: RSS+Swap: 955M->453M (-502M)"), or empty if
     *     trimming is turned off ({@value #SETTING}{@code =false}) or this JVM has no such command
     */
    public static Optional<String> trim() {
        if (unavailable || "false".equalsIgnoreCase(System.getProperty(SETTING, "true").trim())) {
            return Optional.empty();
        }
        try {
            Object report = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), COMMAND, new Object[] {null},
                    new String[] {String[].class.getName()});
            return Optional.of(String.valueOf(report).trim());
        } catch (JMException | RuntimeException | LinkageError e) {
            unavailable = true;   // another JVM: no such command (asked once)
            return Optional.empty();
        }
    }
}
