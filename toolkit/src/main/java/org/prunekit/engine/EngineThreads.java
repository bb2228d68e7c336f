package org.prunekit.engine;

import ai.djl.pytorch.jni.JniUtils;

/**
 * How many threads the engine uses inside one operation (libtorch's intra-op threads, an OpenMP
 * pool), and how they wait.
 *
 * <p>PruneKit's default is <b>one</b> thread. The nets PruneKit trains are small: an operation of
 * LeNet-5 lasts tens of microseconds, too short for a second thread to pay for its start and its
 * barrier, and on a CPU that other programs share, a barrier waits whenever one of the two threads
 * is not scheduled. Measured on a 2-core VM shared with other work (load average 7), training
 * LeNet-5 for an epoch took 1.0 s with one thread and 10-23 s with two (DJL's own default, one per
 * core); a transformer language model took 1.6 s with one thread on a quiet machine and 38-74 s
 * with two under load. With more than one thread, PruneKit also makes idle OpenMP threads sleep
 * rather than spin ({@code OMP_WAIT_POLICY=PASSIVE}, unless that variable is set; it must be in the
 * native environment before the engine starts), which cut the two-thread epoch under load to 3-7 s.
 *
 * <p>The setting, in order of precedence: {@code PruneKit.setThreads(n)} at any time; the system
 * property {@value #SETTING} or the environment variable {@code PRUNEKIT_THREADS}; DJL's own
 * property {@code ai.djl.pytorch.num_threads}; else 1. The default also holds when other DJL code
 * started the engine before PruneKit did (the engine would then run with one thread per core).
 */
public final class EngineThreads {

    /** The system property (environment: {@code PRUNEKIT_THREADS}) with the number of intra-op threads. */
    public static final String SETTING = "prunekit.threads";
    /** DJL's property for the same number, read when its engine starts. */
    public static final String DJL_SETTING = "ai.djl.pytorch.num_threads";
    /** The OpenMP variable that makes idle pool threads sleep or spin. */
    public static final String WAIT_POLICY = "OMP_WAIT_POLICY";
    /** PruneKit's default. */
    public static final int DEFAULT = 1;

    private EngineThreads() {}

    /**
     * @return the number of threads configured for this process ({@value #SETTING} or
     *     {@code PRUNEKIT_THREADS}, else {@value #DJL_SETTING}, else {@value #DEFAULT})
     * @throws IllegalArgumentException if a setting is not a whole number of at least 1
     */
    public static int configured() {
        String own = EngineGuard.setting(SETTING, null);
        if (own != null) {
            return parse(own, SETTING + " (PRUNEKIT_THREADS)");
        }
        String djl = System.getProperty(DJL_SETTING);
        return djl == null || djl.isBlank() ? DEFAULT : parse(djl, DJL_SETTING);
    }

    private static int parse(String value, String where) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("Setting " + where + " is '" + value + "'; give a whole number of"
                    + " threads of at least 1 (PruneKit's default is 1, the fastest on small nets and a shared CPU).");
        }
        return n;
    }

    /**
     * Before the engine starts: hands the number to DJL and, for more than one thread, makes idle
     * OpenMP threads sleep (unless {@value #WAIT_POLICY} is set or libtorch is already loaded).
     *
     * @return the number of threads
     */
    public static int beforeEngineStart() {
        int n = configured();
        System.setProperty(DJL_SETTING, String.valueOf(n));
        if (n > 1 && System.getenv(WAIT_POLICY) == null && NativeSwitches.loadedLibtorch() == null) {
            NativeSwitches.setenv(WAIT_POLICY, "PASSIVE");
        }
        return n;
    }

    /**
     * After the engine started: enforces {@code n} also where other code started the engine first.
     *
     * @param n the number of threads
     */
    public static void afterEngineStart(int n) {
        if (JniUtils.getNumThreads() != n) {
            JniUtils.setNumThreads(n);
        }
    }

    /** @return the engine's current number of intra-op threads */
    public static int get() {
        return JniUtils.getNumThreads();
    }

    /**
     * Sets the engine's intra-op threads for the whole process, from now on.
     *
     * @param n the number of threads, at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void set(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("The engine needs at least 1 thread (got " + n + "); PruneKit's default"
                    + " is 1, the fastest on small nets and a shared CPU.");
        }
        JniUtils.setNumThreads(n);
    }
}
