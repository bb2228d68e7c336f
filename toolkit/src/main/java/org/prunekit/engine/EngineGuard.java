package org.prunekit.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Decides, before PruneKit's engine runs its first operation, whether the engine can be trusted
 * on this CPU and what to do if not, and applies that decision.
 *
 * <p>The decision rests on {@link EngineCheck}, run in separate processes so that an engine that
 * corrupts memory or crashes cannot take the caller down: first on the engine as it is; if any
 * check fails (or the process dies), once more for every {@link Remedy}, each also timing a small
 * training step; the fastest remedy that passes every check is chosen. The outcome is kept in a
 * cache file per CPU (model, family, stepping, flags), engine version, relevant environment and
 * set of checks, so later starts cost one file read. When a remedy is in force, one notice on
 * standard error names the CPU, what failed and what was done.
 *
 * <p>Settings (system property, or the environment variable in brackets):
 * <ul>
 *   <li>{@value #CHECK_SETTING} ({@code PRUNEKIT_ENGINE_CHECK}): {@code auto} (default: use the
 *       cache, check when there is none), {@code force} (check again), {@code off} (no check).
 *   <li>{@value #REMEDY_SETTING} ({@code PRUNEKIT_ENGINE_REMEDY}): a remedy to use regardless of
 *       the check, e.g. {@code onednn-sse41} (to measure what a remedy costs on a healthy CPU).
 *   <li>{@value #CACHE_SETTING} ({@code PRUNEKIT_CACHE_DIR}): the cache folder (default
 *       {@code $XDG_CACHE_HOME/prunekit}, else {@code ~/.cache/prunekit}).
 * </ul>
 */
public final class EngineGuard {

    /** Setting: {@code auto}, {@code force} or {@code off}. */
    public static final String CHECK_SETTING = "prunekit.engine.check";
    /** Setting: a {@link Remedy#settingName()} to use regardless of the check. */
    public static final String REMEDY_SETTING = "prunekit.engine.remedy";
    /** Setting: the cache folder. */
    public static final String CACHE_SETTING = "prunekit.cache.dir";

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    /**
     * c10's log level variable. Unless it is set already, {@link #beforeEngineStart()} sets it to
     * {@value #QUIET_LOG_LEVEL} in the native environment and {@link #afterEngineStart()} makes c10
     * read it, so that libtorch's warnings about itself (NNPACK on unsupported hardware, the
     * deprecated guard DJL's JNI uses when it writes into a tensor) stay out of notebooks and
     * kernel logs; its errors still show. Set {@code TORCH_CPP_LOG_LEVEL=WARNING} to see them.
     */
    public static final String LOG_LEVEL_VARIABLE = "TORCH_CPP_LOG_LEVEL";
    /** The level PruneKit gives c10 unless {@value #LOG_LEVEL_VARIABLE} is set. */
    public static final String QUIET_LOG_LEVEL = "ERROR";

    private static EngineStatus status;
    private static Remedy remedy;

    private EngineGuard() {}

    /**
     * Decides the remedy and applies the part of it that must precede the engine's first
     * operation. Called by {@code PruneKit.init()} before it starts the engine; idempotent.
     *
     * @return the remedy in force
     */
    public static synchronized Remedy beforeEngineStart() {
        if (remedy != null) {
            return remedy;
        }
        if (System.getenv(LOG_LEVEL_VARIABLE) == null) {
            NativeSwitches.setenv(LOG_LEVEL_VARIABLE, QUIET_LOG_LEVEL);
        }
        Cpu cpu = Cpu.current();
        String engine = engineDescription();
        String mode = setting(CHECK_SETTING, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("auto", "force", "off").contains(mode)) {
            throw new IllegalArgumentException("Setting " + CHECK_SETTING + " (PRUNEKIT_ENGINE_CHECK) is '" + mode
                    + "'; use auto (the default), force or off.");
        }
        String forced = setting(REMEDY_SETTING, null);
        boolean loaded = NativeSwitches.loadedLibtorch() != null;
        if (forced != null) {
            Remedy r = Remedy.parse(forced);
            String notice = r == Remedy.NONE ? "" : "PruneKit: engine remedy set by " + REMEDY_SETTING + ": "
                    + r.description() + " (no engine check).";
            return decide(r, loaded, new EngineStatus(cpu.toString(), engine, r, false, List.of(), Double.NaN,
                    "not checked: remedy set by " + REMEDY_SETTING, null, notice));
        }
        if (mode.equals("off")) {
            return decide(Remedy.NONE, loaded, new EngineStatus(cpu.toString(), engine, Remedy.NONE, false,
                    List.of(), 1, "not checked: " + CHECK_SETTING + "=off", null, ""));
        }
        Path cache = CheckCache.file(cpu, engine);
        Map<Remedy, Probe> probes = mode.equals("auto") ? CheckCache.read(cache) : null;
        String checkedAt;
        if (probes == null) {
            probes = probeAll(cpu, System.err::println);
            checkedAt = ZonedDateTime.now(ZoneOffset.UTC).format(WHEN);
            cache = CheckCache.write(cache, cpu, engine, probes, checkedAt);
        } else {
            checkedAt = CheckCache.checkedAt(cache);
        }
        return decide(choose(probes, loaded), loaded, statusOf(cpu, engine, probes, choose(probes, loaded),
                checkedAt, cache, loaded));
    }

    /**
     * Applies the run-time part of the remedy (switching oneDNN off), makes c10 read its log level
     * (see {@link #LOG_LEVEL_VARIABLE}) and prints the notice.
     * Called by {@code PruneKit.init()} right after the engine started.
     */
    public static synchronized void afterEngineStart() {
        if (remedy == null) {
            beforeEngineStart();
        }
        if (remedy.disablesOneDnn()) {
            NativeSwitches.setOneDnnEnabled(false);
        }
        NativeSwitches.reloadTorchLogLevel();
        if (!status.notice().isEmpty() && !noticePrinted) {
            noticePrinted = true;
            System.err.println(status.notice());
        }
    }

    private static boolean noticePrinted;

    /** @return the engine's status in this process (null before the engine started) */
    public static synchronized EngineStatus status() {
        return status;
    }

    private static Remedy decide(Remedy r, boolean libtorchLoaded, EngineStatus s) {
        if (r.isaCap() != null) {
            if (libtorchLoaded) {
                throw new IllegalStateException("Remedy " + r.settingName() + " caps oneDNN's instruction set, which"
                        + " must happen before the engine starts, but libtorch is already loaded in this process."
                        + " Call PruneKit.init() before any other DJL code, or start the JVM with ONEDNN_MAX_CPU_ISA="
                        + r.isaCap() + " in its environment.");
            }
            NativeSwitches.setenv("ONEDNN_MAX_CPU_ISA", r.isaCap());
        }
        remedy = r;
        status = s;
        return r;
    }

    /**
     * The remedy to use: none if the engine passed as it is, else the fastest remedy that passed
     * (among those that still apply, when the engine is already loaded); none if nothing passed.
     */
    static Remedy choose(Map<Remedy, Probe> probes, boolean libtorchLoaded) {
        Probe none = probes.get(Remedy.NONE);
        if (none != null && none.passed()) {
            return Remedy.NONE;
        }
        Remedy best = null;
        for (Map.Entry<Remedy, Probe> e : probes.entrySet()) {
            Remedy r = e.getKey();
            if (r == Remedy.NONE || !e.getValue().passed() || (libtorchLoaded && !r.appliesAtRunTime())) {
                continue;
            }
            if (best == null || faster(e.getValue(), probes.get(best))) {
                best = r;
            }
        }
        return best == null ? Remedy.NONE : best;
    }

    private static boolean faster(Probe a, Probe b) {
        return Double.isNaN(b.stepMillis()) || a.stepMillis() < b.stepMillis();
    }

    static EngineStatus statusOf(Cpu cpu, String engine, Map<Remedy, Probe> probes, Remedy chosen,
            String checkedAt, Path cache, boolean loaded) {
        Probe none = probes.get(Remedy.NONE);
        Probe used = probes.get(chosen);
        boolean trusted = used != null && used.passed();
        if (none.passed()) {
            return new EngineStatus(cpu.toString(), engine, Remedy.NONE, true, List.of(), 1, checkedAt, cache, "");
        }
        double slowdown = used == null ? Double.NaN : used.stepMillis() / none.stepMillis();
        String first = none.failures().isEmpty() ? "?" : none.failures().get(0);
        String more = none.failures().size() > 1 ? " (and " + (none.failures().size() - 1) + " more)" : "";
        StringBuilder notice = new StringBuilder("PruneKit: on this CPU, ").append(cpu).append(", the PyTorch engine (")
                .append(engine).append(") computes wrong: ").append(first).append(more).append(".\n");
        if (trusted) {
            notice.append("Using ").append(chosen.description()).append(" instead: it passes all ")
                    .append(used.checks()).append(" checks");
            if (!Double.isNaN(slowdown)) {
                notice.append(String.format("; a training step takes %.2fx as long", slowdown));
            }
            notice.append(".");
        } else {
            notice.append("NO REMEDY PASSED THE CHECK");
            if (loaded) {
                notice.append(" among those that apply after the engine started (libtorch was loaded before"
                        + " PruneKit.init())");
            }
            notice.append(": results may be wrong. Details: PruneKit.engineStatus().");
        }
        notice.append("\nChecked ").append(checkedAt).append(" in separate processes; cached in ").append(cache)
                .append(" (PRUNEKIT_ENGINE_CHECK=force checks again).");
        return new EngineStatus(cpu.toString(), engine, chosen, trusted, none.failures(), slowdown, checkedAt, cache,
                notice.toString());
    }

    /**
     * Runs the check on the engine as it is and, if it fails, on every remedy that makes sense for
     * this CPU, each in a process of its own.
     */
    static Map<Remedy, Probe> probeAll(Cpu cpu, Consumer<String> progress) {
        Map<Remedy, Probe> probes = new EnumMap<>(Remedy.class);
        progress.accept("PruneKit: checking the engine's arithmetic on this CPU (once per machine and engine"
                + " version, a few seconds) ...");
        long start = System.nanoTime();
        Probe none = Probe.run(Remedy.NONE, false);
        if (none.passed()) {
            probes.put(Remedy.NONE, none);
            progress.accept(String.format("PruneKit: engine check passed (%d checks, %.1f s).", none.checks(),
                    (System.nanoTime() - start) / 1e9));
            return probes;
        }
        progress.accept("PruneKit: the engine computes wrong on this CPU (" + none.failures().get(0) + "); checking"
                + " remedies ...");
        probes.put(Remedy.NONE, none.timed(Probe.run(Remedy.NONE, true).stepMillis()));
        for (Remedy r : Remedy.values()) {
            if (r != Remedy.NONE && makesSense(r, cpu)) {
                Probe p = Probe.run(r, false);
                if (p.passed()) {
                    p = p.timed(Probe.run(r, true).stepMillis());
                }
                probes.put(r, p);
                progress.accept("PruneKit:   " + r.settingName() + ": " + (p.passed() ? String.format("passes, %.1f ms"
                        + " per training step", p.stepMillis()) : "fails (" + p.failures().get(0) + ")"));
            }
        }
        confirm(probes, progress);
        return probes;
    }

    /**
     * Runs the check once more on the remedy that would be chosen, until one passes twice (a kernel
     * that corrupts memory does not always crash the first time); one that fails now is marked so.
     */
    private static void confirm(Map<Remedy, Probe> probes, Consumer<String> progress) {
        for (Remedy r = choose(probes, false); r != Remedy.NONE; r = choose(probes, false)) {
            Probe again = Probe.run(r, false);
            if (again.passed()) {
                return;
            }
            probes.put(r, new Probe(false, again.checks(), again.failures(), probes.get(r).stepMillis()));
            progress.accept("PruneKit:   " + r.settingName() + " failed when checked again (" + again.failures().get(0)
                    + ")");
        }
    }

    /** An instruction-set cap only makes sense below what the CPU has. */
    private static boolean makesSense(Remedy r, Cpu cpu) {
        if (r.isaCap() == null) {
            return true;
        }
        return switch (r) {
            case ONEDNN_AVX512_CORE -> cpu.flags().contains("avx512_bf16") || cpu.flags().contains("avx512_vnni")
                    || cpu.flags().contains("amx_tile");
            case ONEDNN_AVX2 -> cpu.flags().contains("avx512f");
            case ONEDNN_AVX -> cpu.flags().contains("avx2");
            case ONEDNN_SSE41 -> cpu.flags().contains("avx");
            default -> true;
        };
    }

    /** @return the DJL version and the libtorch build on the class path */
    static String engineDescription() {
        String torch = "unknown libtorch";
        try (InputStream in = EngineGuard.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                torch = "libtorch " + p.getProperty("version", "?") + " " + p.getProperty("flavor", "")
                        + " " + p.getProperty("classifier", "");
            }
        } catch (IOException e) {
            // keep "unknown"
        }
        String djl = ai.djl.engine.Engine.getDjlVersion();
        return "DJL " + (djl == null ? "?" : djl) + ", " + torch.trim();
    }

    static String setting(String property, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** @return where a crashing check process's JVM writes its report (not the caller's working folder) */
    public static String crashReport() {
        return Probe.crashReport();
    }

    /** Forgets this process's decision (tests only: the native settings it applied stay). */
    static synchronized void resetForTests() {
        remedy = null;
        status = null;
        noticePrinted = false;
    }
}
