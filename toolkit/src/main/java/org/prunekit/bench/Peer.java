package org.prunekit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the PyTorch peer scripts in {@code toolkit/bench/} with Debian's {@code /usr/bin/python3}
 * (python3-torch with libopenblas0-pthread, one thread) and reads the one JSON line they print.
 */
final class Peer {

    static final String PYTHON = "/usr/bin/python3";

    private final Path repo;

    Peer(Path repo) {
        this.repo = repo;
    }

    /** @return the repository root: {@code -Dprunekit.repo}, else the first parent of the working directory holding toolkit/bench */
    static Path findRepo() {
        String prop = System.getProperty("prunekit.repo");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("toolkit/bench"))) {
                return p;
            }
        }
        throw new IllegalStateException("Cannot find the PruneKit repository (a folder with toolkit/bench/);"
                + " run from inside it or pass -Dprunekit.repo=DIR.");
    }

    Path repo() {
        return repo;
    }

    /**
     * @param script a file name in toolkit/bench
     * @param args its arguments
     * @return the JSON line it printed last
     */
    String run(String script, List<String> args) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException(PYTHON + " is missing: install python3-torch and libopenblas0-pthread"
                    + " (toolkit/bin/setup does).");
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, repo.resolve("toolkit/bench").resolve(script).toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("OMP_NUM_THREADS", "1");
        env.remove("PYTHONPATH");
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("PyTorch peer " + cmd + " failed:\n"
                        + new String(out, StandardCharsets.UTF_8));
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            return text.substring(text.lastIndexOf('\n') + 1);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + cmd, e);
        }
    }

    /**
     * @param json a flat JSON object
     * @param key a key whose value is a list of numbers
     * @return the numbers
     */
    static double[] numbers(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("No list '" + key + "' in peer output: " + json);
        }
        String body = m.group(1).strip();
        if (body.isEmpty()) {
            return new double[0];
        }
        String[] parts = body.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i].strip());
        }
        return out;
    }

    /**
     * @param json a flat JSON object
     * @param key a key whose value is a number
     * @return the number
     */
    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\\s*([-0-9.eE+]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("No number '" + key + "' in peer output: " + json);
        }
        return Double.parseDouble(m.group(1));
    }
}
