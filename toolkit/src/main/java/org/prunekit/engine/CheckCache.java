package org.prunekit.engine;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the engine check's outcome is kept between starts: one properties file per CPU (model,
 * identity, flags), engine version, relevant environment and set of checks, in PruneKit's cache
 * folder ({@code prunekit.cache.dir}, else {@code $XDG_CACHE_HOME/prunekit}, else
 * {@code ~/.cache/prunekit}). A file that cannot be read is ignored (the check runs again); one
 * that cannot be written is reported once.
 */
final class CheckCache {

    private CheckCache() {}

    static Path file(Cpu cpu, String engine) {
        String dir = EngineGuard.setting(EngineGuard.CACHE_SETTING, null);
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
        key.append(EngineGuard.setting(EngineCheck.SIMULATE_FAULT, null)).append('\n');
        EngineCheck.labels().forEach(l -> key.append(l).append('\n'));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return base.resolve("engine-check-" + HexFormat.of().formatHex(h, 0, 8) + ".properties");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<Remedy, Probe> read(Path file) {
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

    static String checkedAt(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            return "?";
        }
        return p.getProperty("checkedAt", "?");
    }

    /** @return the file written, or null if the cache folder cannot be written (the check then runs on every start) */
    static Path write(Path file, Cpu cpu, String engine, Map<Remedy, Probe> probes, String checkedAt) {
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
}
