package org.prunekit.engine;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.CodeSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

    private static final long PROBE_TIMEOUT_SECONDS = 300;
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

    /** What one probe process found for one remedy. */
    record Probe(boolean passed, int checks, List<String> failures, double stepMillis) {
        static Probe failed(String why) {
            return new Probe(false, 0, List.of(why), Double.NaN);
        }

        Probe timed(double millis) {
            return new Probe(passed, checks, failures, millis);
        }
    }

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
        Path cache = cacheFile(cpu, engine);
        Map<Remedy, Probe> probes = mode.equals("auto") ? readCache(cache) : null;
        String checkedAt;
        if (probes == null) {
            probes = probeAll(cpu, System.err::println);
            checkedAt = ZonedDateTime.now(ZoneOffset.UTC).format(WHEN);
            cache = writeCache(cache, cpu, engine, probes, checkedAt);
        } else {
            checkedAt = readCheckedAt(cache);
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
        Probe none = probe(Remedy.NONE, false);
        if (none.passed()) {
            probes.put(Remedy.NONE, none);
            progress.accept(String.format("PruneKit: engine check passed (%d checks, %.1f s).", none.checks(),
                    (System.nanoTime() - start) / 1e9));
            return probes;
        }
        progress.accept("PruneKit: the engine computes wrong on this CPU (" + none.failures().get(0) + "); checking"
                + " remedies ...");
        probes.put(Remedy.NONE, none.timed(probe(Remedy.NONE, true).stepMillis()));
        for (Remedy r : Remedy.values()) {
            if (r != Remedy.NONE && makesSense(r, cpu)) {
                Probe p = probe(r, false);
                if (p.passed()) {
                    p = p.timed(probe(r, true).stepMillis());
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
            Probe again = probe(r, false);
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

    /**
     * Runs {@link EngineProbe} for one remedy in a new JVM with the same class path: either the
     * check, with glibc's heap checking on (so that a kernel writing past its buffers is caught at
     * the next free, not some time later), or, with {@code time}, only the timing of a training
     * step (without heap checking, which would distort it).
     */
    static Probe probe(Remedy r, boolean time) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-XX:+UseSerialGC", "-Xmx1g",
                "-XX:ErrorFile=" + crashReport(), "-Djava.awt.headless=true", "-cp", classPath()));
        for (String key : List.of("ai.djl.offline", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                "ENGINE_CACHE_DIR", "DJL_CACHE_DIR", EngineCheck.SIMULATE_FAULT)) {
            String v = setting(key, null);
            if (v != null) {
                cmd.add("-D" + key + "=" + v);
            }
        }
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
        cmd.add(EngineProbe.class.getName());
        cmd.add(r.settingName());
        if (time) {
            cmd.add("--time-only");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        if (r.isaCap() != null) {
            pb.environment().put("ONEDNN_MAX_CPU_ISA", r.isaCap());
        }
        Path mallocDebug = mallocDebugLibrary();
        if (!time && mallocDebug != null) {
            String preload = pb.environment().get("LD_PRELOAD");
            pb.environment().put("LD_PRELOAD", preload == null || preload.isBlank() ? mallocDebug.toString()
                    : preload + ":" + mallocDebug);
            pb.environment().put("MALLOC_CHECK_", "3");
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return Probe.failed("could not start a check process: " + e.getMessage());
        }
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read error: " + e.getMessage());
            }
        }, "prunekit-engine-probe-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return Probe.failed("the check process did not finish within " + PROBE_TIMEOUT_SECONDS + " s"
                        + lastCase(lines));
            }
            reader.join(10_000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return Probe.failed("interrupted");
        }
        return parse(lines, p.exitValue());
    }

    static Probe parse(List<String> lines, int exit) {
        List<String> wrong = new ArrayList<>();
        int checks = 0;
        double step = Double.NaN;
        boolean done = false;
        synchronized (lines) {
            for (String line : lines) {
                String[] f = line.split("\t");
                switch (f[0]) {
                    case "wrong" -> wrong.add(f[1]);
                    case "checks" -> checks = Integer.parseInt(f[1]);
                    case "step-ms" -> step = Double.parseDouble(f[1]);
                    case "done" -> done = true;
                    default -> { }
                }
            }
        }
        if (exit != 0 || !done) {
            wrong.add(0, "the engine crashed (exit code " + exit + ")" + lastCase(lines));
            return new Probe(false, checks, wrong, step);
        }
        return new Probe(wrong.isEmpty() && checks > 0 || checks == 0 && !Double.isNaN(step) && wrong.isEmpty(),
                checks, wrong, step);
    }

    private static String lastCase(List<String> lines) {
        synchronized (lines) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("case\t")) {
                    return " in " + lines.get(i).substring(5);
                }
            }
            List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
            return tail.isEmpty() ? "" : " (" + String.join(" | ", tail) + ")";
        }
    }

    /** @return glibc's heap-checking malloc (glibc 2.34 and later), next to the libc this process runs on, or null */
    static Path mallocDebugLibrary() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int at = line.indexOf('/');
                if (at >= 0 && line.matches(".*/libc(-[0-9.]+)?\\.so(\\.6)?$")) {
                    Path lib = Path.of(line.substring(at)).resolveSibling("libc_malloc_debug.so.0");
                    return Files.isRegularFile(lib) ? lib : null;
                }
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
        return null;
    }

    /** @return where a crashing probe's JVM writes its report (not the caller's working folder) */
    public static String crashReport() {
        return Path.of(System.getProperty("java.io.tmpdir"), "prunekit-engine-crash-%p.log").toString();
    }

    private static String javaBinary() {
        Path bin = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(bin) ? bin.toString()
                : ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * The class path of this process as far as PruneKit and DJL need it: the JVM's own class
     * path, the URLs of the class loaders that loaded PruneKit (a notebook kernel adds jars that
     * way) and the jars of the classes the probe needs.
     */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        for (ClassLoader l = EngineGuard.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    addUrl(entries, url);
                }
            }
        }
        for (String name : List.of("org.prunekit.PruneKit", "ai.djl.engine.Engine", "ai.djl.pytorch.engine.PtEngine",
                "com.sun.jna.Native", "com.google.gson.Gson", "org.slf4j.LoggerFactory",
                "org.apache.commons.compress.archivers.ArchiveEntry", "ai.djl.basicmodelzoo.BasicModelZoo")) {
            try {
                CodeSource cs = Class.forName(name, false, EngineGuard.class.getClassLoader()).getProtectionDomain()
                        .getCodeSource();
                if (cs != null && cs.getLocation() != null) {
                    addUrl(entries, cs.getLocation());
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // optional on this class path
            }
        }
        for (String resource : List.of("native/lib/pytorch.properties", "jnilib/pytorch.properties")) {
            try {
                for (URL url : java.util.Collections.list(EngineGuard.class.getClassLoader().getResources(resource))) {
                    String s = url.toString();
                    if (s.startsWith("jar:file:") && s.contains("!/")) {
                        addUrl(entries, new URL(s.substring(4, s.indexOf("!/"))));
                    }
                }
            } catch (IOException e) {
                // the engine finds its natives in its cache folder then
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void addUrl(Set<String> entries, URL url) {
        try {
            if ("file".equals(url.getProtocol())) {
                entries.add(Path.of(url.toURI()).toString());
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // not a local file
        }
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

    // --- cache -----------------------------------------------------------------------------------

    static Path cacheFile(Cpu cpu, String engine) {
        String dir = setting(CACHE_SETTING, null);
        Path base;
        if (dir != null) {
            base = Path.of(dir);
        } else if (System.getenv("XDG_CACHE_HOME") != null && !System.getenv("XDG_CACHE_HOME").isBlank()) {
            base = Path.of(System.getenv("XDG_CACHE_HOME"), "prunekit");
        } else {
            base = Path.of(System.getProperty("user.home"), ".cache", "prunekit");
        }
        StringBuilder key = new StringBuilder().append(cpu.model()).append('\n').append(cpu.identity()).append('\n')
                .append(String.join(" ", cpu.flags())).append('\n').append(engine).append('\n');
        for (String env : List.of("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "ONEDNN_CPU_ISA_HINTS",
                "ATEN_CPU_CAPABILITY", "OMP_NUM_THREADS")) {
            key.append(env).append('=').append(System.getenv(env)).append('\n');
        }
        key.append(System.getProperty("ai.djl.pytorch.num_threads")).append('\n');
        key.append(setting(EngineCheck.SIMULATE_FAULT, null)).append('\n');
        EngineCheck.labels().forEach(l -> key.append(l).append('\n'));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return base.resolve("engine-check-" + HexFormat.of().formatHex(h, 0, 8) + ".properties");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<Remedy, Probe> readCache(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            Map<Remedy, Probe> probes = new EnumMap<>(Remedy.class);
            for (Remedy r : Remedy.values()) {
                String k = "probe." + r.settingName() + ".";
                if (p.getProperty(k + "passed") == null) {
                    continue;
                }
                String failures = p.getProperty(k + "failures", "");
                probes.put(r, new Probe(Boolean.parseBoolean(p.getProperty(k + "passed")), Integer.parseInt(
                        p.getProperty(k + "checks", "0")), failures.isEmpty() ? List.of() : List.of(failures.split("\n")),
                        Double.parseDouble(p.getProperty(k + "stepMillis", "NaN"))));
            }
            return probes.containsKey(Remedy.NONE) ? probes : null;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or from another version: check again
        }
    }

    private static String readCheckedAt(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            return "?";
        }
        return p.getProperty("checkedAt", "?");
    }

    /** @return the file written, or null if the cache folder cannot be written (the check then runs on every start) */
    static Path writeCache(Path file, Cpu cpu, String engine, Map<Remedy, Probe> probes, String checkedAt) {
        Properties p = new Properties();
        p.setProperty("cpu", cpu.toString());
        p.setProperty("engine", engine);
        p.setProperty("checkedAt", checkedAt);
        for (Map.Entry<Remedy, Probe> e : probes.entrySet()) {
            String k = "probe." + e.getKey().settingName() + ".";
            p.setProperty(k + "passed", Boolean.toString(e.getValue().passed()));
            p.setProperty(k + "checks", Integer.toString(e.getValue().checks()));
            p.setProperty(k + "failures", String.join("\n", e.getValue().failures()));
            p.setProperty(k + "stepMillis", Double.toString(e.getValue().stepMillis()));
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "engine-check", ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "PruneKit engine check (org.prunekit.engine.EngineGuard); delete to check again");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException | UncheckedIOException e) {
            System.err.println("PruneKit: could not keep the engine check in " + file + " (" + e.getMessage()
                    + "); it will run again on the next start.");
            return null;
        }
    }

    static String setting(String property, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Forgets this process's decision (tests only: the native settings it applied stay). */
    static synchronized void resetForTests() {
        remedy = null;
        status = null;
        noticePrinted = false;
    }
}
