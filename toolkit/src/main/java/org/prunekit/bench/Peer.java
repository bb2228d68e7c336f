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
 * Runs PyTorch scripts — the benchmark peers in {@code toolkit/bench/}, the torch conformance
 * script of the tests — with Debian's {@code /usr/bin/python3} (python3-torch with
 * libopenblas0-pthread, one thread) and reads the one JSON line they print last.
 */
public final class Peer {

    /** The Python that has Debian's python3-torch (not a pyenv or virtualenv one on the PATH). */
    public static final String PYTHON = "/usr/bin/python3";

    private final Path repo;

    Peer(Path repo) {
        this.repo = repo;
    }

    /**
     * @return a peer for the repository found by {@link #findRepo()}
     * @throws IllegalStateException if the repository cannot be found
     */
    public static Peer inRepo() {
        return new Peer(findRepo());
    }

    /**
     * @return the repository root: {@code -Dprunekit.repo}, else the first parent of the working
     *     directory holding toolkit/bench
     * @throws IllegalStateException if there is none
     */
    public static Path findRepo() {
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

    /** @return the repository root */
    public Path repo() {
        return repo;
    }

    /**
     * @param script a file name in toolkit/bench
     * @param args its arguments
     * @return the JSON line it printed last
     */
    String run(String script, List<String> args) {
        return runScript(Path.of("toolkit/bench").resolve(script), args);
    }

    /**
     * Runs a Python script with {@value #PYTHON}, one BLAS and OpenMP thread, without the
     * caller's {@code PYTHONPATH}.
     *
     * @param script the script, relative to the repository root (or absolute)
     * @param args its arguments
     * @return the line it printed last on standard output or error
     * @throws IllegalStateException if Python or torch is missing (the message says to run
     *     toolkit/bin/setup), or the script fails (the message holds its output)
     */
    public String runScript(Path script, List<String> args) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException(PYTHON + " is missing: run toolkit/bin/setup (it installs python3-torch and"
                    + " libopenblas0-pthread).");
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, repo.resolve(script).toString()));
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
                String text = new String(out, StandardCharsets.UTF_8);
                if (text.contains("No module named 'torch'") || text.contains("torch-missing")) {
                    throw new IllegalStateException(PYTHON + " cannot import torch: run toolkit/bin/setup (it installs"
                            + " Debian's python3-torch and libopenblas0-pthread). " + cmd + " said:\n" + text);
                }
                throw new IllegalStateException("PyTorch peer " + cmd + " failed:\n" + text);
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
