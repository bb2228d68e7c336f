package org.prunekit;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.prunekit.engine.EngineCheck;
import org.prunekit.engine.EngineGuard;
import org.prunekit.engine.EngineStatus;
import org.prunekit.engine.EngineThreads;

/**
 * Process-wide set-up of the deep-learning runtime behind PruneKit.
 *
 * <p>PruneKit runs DJL on its PyTorch engine, fully offline (the natives come from Maven
 * Central jars, nothing is downloaded at run time), with one intra-op and one inter-op thread
 * (as fast and much steadier than more on the small networks of the tutorials, and many times
 * faster on a CPU shared with other programs: see {@link EngineThreads}) and a quiet log.
 * These settings must be in place before the engine first starts; every PruneKit entry point
 * calls {@link #init()}, so users never have to. The number of threads is
 * {@link #setThreads(int)}, or {@code -Dprunekit.threads=2} / {@code PRUNEKIT_THREADS=2}
 * (DJL's {@code -Dai.djl.pytorch.num_threads=2} is honoured too); it holds even where other DJL
 * code started the engine before PruneKit.
 *
 * <p>Before the engine's first operation, {@link #init()} makes sure its arithmetic is right on
 * this CPU: the {@link EngineCheck} compares every operation PruneKit's nets use with an
 * independent computation, once per machine and engine version, in separate processes; where
 * the engine computes wrong (libtorch's oneDNN does on some AVX-512 CPUs), the fastest
 * remedy that passes is applied and one notice says so. {@link #engineStatus()} tells what was
 * found. Call {@code PruneKit.init()} before any DJL code of your own, so that a remedy that must
 * precede the engine's first operation can still be applied.
 */
public final class PruneKit {

    private static volatile Engine engine;

    private PruneKit() {}

    /**
     * Applies PruneKit's runtime defaults and starts the PyTorch engine (idempotent).
     *
     * @return the running engine
     */
    public static Engine init() {
        Engine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (PruneKit.class) {
            if (engine == null) {
                setDefault("ai.djl.offline", "true");
                setDefault("OPT_OUT_TRACKING", "true");
                setDefault("ai.djl.default_engine", "PyTorch");
                int threads = EngineThreads.beforeEngineStart();
                setDefault("ai.djl.pytorch.num_interop_threads", "1");
                setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
                setDefault("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
                // a net left to the garbage collector is freed by DJL's finalizer, which would warn
                // "Model: ... was not closed explicitly" (see Net)
                setDefault("org.slf4j.simpleLogger.log.ai.djl.BaseModel", "error");
                setDefault("java.awt.headless", "true");
                EngineGuard.beforeEngineStart();
                Engine started = Engine.getEngine("PyTorch");
                EngineGuard.afterEngineStart();
                EngineThreads.afterEngineStart(threads);
                engine = started;
            }
            return engine;
        }
    }

    /**
     * What the engine check found on this machine and which remedy is in force, e.g. in a
     * notebook cell: {@code PruneKit.engineStatus()}.
     *
     * @return the status (starts the engine if needed)
     */
    public static EngineStatus engineStatus() {
        init();
        return EngineGuard.status();
    }

    /**
     * Seeds every random source PruneKit uses: the engine's (weight initialisation, dropout)
     * and nothing else global — data shuffling takes its seed explicitly.
     *
     * @param seed the seed
     */
    public static void seed(long seed) {
        init().setRandomSeed((int) seed);
    }

    /**
     * @return the engine's intra-op threads (1 unless set otherwise, see {@link EngineThreads})
     */
    public static int threads() {
        init();
        return EngineThreads.get();
    }

    /**
     * Sets how many threads the engine uses inside one operation, for the whole process, from
     * now on. One (the default) is the fastest on PruneKit's small nets and by far the steadiest
     * on a CPU shared with other programs; more can pay for large nets on an otherwise idle
     * machine. For a whole run, {@code -Dprunekit.threads=n} or {@code PRUNEKIT_THREADS=n} also make
     * idle threads sleep instead of spinning (see {@link EngineThreads}).
     *
     * @param n the number of threads, at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        init();
        EngineThreads.set(n);
    }

    /**
     * Switches autograd recording off for the calling thread. PyTorch keeps this flag per
     * thread and starts every new thread with recording on; notebook kernels run cells on
     * threads of their own, where in-place updates of weights would then fail ("a leaf Variable
     * that requires grad is being used in an in-place operation") or silently record. Every
     * PruneKit operation that reads or changes weights outside a gradient collector calls this.
     */
    public static void noGrad() {
        init();
        if (JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
