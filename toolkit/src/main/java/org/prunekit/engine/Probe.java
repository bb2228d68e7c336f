package org.prunekit.engine;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What one check process found for one {@link Remedy}, and how such a process is run: a new JVM
 * with the same class path running {@link EngineProbe}, the remedy's environment, glibc's heap
 * checking for the check (a kernel writing past its buffers is caught at the next free), a
 * timeout, and the crash report kept out of the caller's working folder.
 *
 * @param passed whether every check passed (for a timing-only run: whether it ran)
 * @param checks how many comparisons the check made
 * @param failures what was wrong, or how the process died
 * @param stepMillis the time of a small training step with this remedy (NaN if not timed)
 */
record Probe(boolean passed, int checks, List<String> failures, double stepMillis) {

    private static final long TIMEOUT_SECONDS = 300;

        static Probe failed(String why) {
            return new Probe(false, 0, List.of(why), Double.NaN);
        }

        Probe timed(double millis) {
            return new Probe(passed, checks, failures, millis);
        }
    
    /**
     * Runs {@link EngineProbe} for one remedy in a new JVM with the same class path: either the
     * check, with glibc's heap checking on (so that a kernel writing past its buffers is caught at
     * the next free, not some time later), or, with {@code time}, only the timing of a training
     * step (without heap checking, which would distort it).
     */
    static Probe run(Remedy r, boolean time) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-XX:+UseSerialGC", "-Xmx1g",
                "-XX:ErrorFile=" + crashReport(), "-Djava.awt.headless=true", "-cp", classPath()));
        for (String key : List.of("ai.djl.offline", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                "ENGINE_CACHE_DIR", "DJL_CACHE_DIR", EngineCheck.SIMULATE_FAULT)) {
            String v = EngineGuard.setting(key, null);
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
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return Probe.failed("the check process did not finish within " + TIMEOUT_SECONDS + " s"
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
    static String crashReport() {
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
        for (ClassLoader l = Probe.class.getClassLoader(); l != null; l = l.getParent()) {
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
                CodeSource cs = Class.forName(name, false, Probe.class.getClassLoader()).getProtectionDomain()
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
                for (URL url : java.util.Collections.list(Probe.class.getClassLoader().getResources(resource))) {
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
}
