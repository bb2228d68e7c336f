package org.prunekit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /** How long a peer script may run: the longest (the criteria sweeps) take a few minutes. */
    static final Duration TIMEOUT = Duration.ofMinutes(30);

    /**
     * @param script a file name in toolkit/bench
     * @param args its arguments
     * @return the JSON line it printed last
     * @throws IllegalStateException if it fails, or runs longer than {@link #TIMEOUT} (then it is stopped)
     */
    String run(String script, List<String> args) {
        return runScript(Path.of("toolkit/bench").resolve(script), args, TIMEOUT);
    }

    /**
     * Runs a Python script with {@value #PYTHON}, one BLAS and OpenMP thread, without the
     * caller's {@code PYTHONPATH}, for at most {@link #TIMEOUT}.
     *
     * @param script the script, relative to the repository root (or absolute)
     * @param args its arguments
     * @return the line it printed last on standard output or error
     * @throws IllegalStateException if Python or torch is missing (the message says to run
     *     toolkit/bin/setup), the script fails (the message holds its output) or runs too long
     */
    public String runScript(Path script, List<String> args) {
        return runScript(script, args, TIMEOUT);
    }

    /**
     * @param script the script, relative to the repository root (or absolute)
     * @param args its arguments
     * @param timeout how long it may run before it is stopped (with its child processes)
     * @return the line it printed last on standard output or error
     * @throws IllegalStateException as {@link #runScript(Path, List)}
     */
    String runScript(Path script, List<String> args, Duration timeout) {
        List<String> cmd = pythonCommand(script, args);
        String text;
        try {
            text = execute(cmd, timeout).strip();
        } catch (IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("No module named 'torch'") || m.contains("torch-missing")) {
                throw new IllegalStateException(PYTHON + " cannot import torch: run toolkit/bin/setup (it installs"
                        + " Debian's python3-torch and libopenblas0-pthread). " + m, e);
            }
            throw e;
        }
        return text.substring(text.lastIndexOf('\n') + 1);
    }

    /**
     * Runs a command with one BLAS/OpenMP thread and no PYTHONPATH, its output (standard output and
     * error together) going to a temporary file, so the wait below is the only thing that blocks.
     * A command still running after {@code timeout} is stopped with its child processes.
     *
     * @param cmd the command and its arguments
     * @param timeout how long it may run
     * @return everything it printed
     * @throws IllegalStateException if it cannot start, exits with a non-zero status, or times out
     */
    static String execute(List<String> cmd, Duration timeout) {
        Path log = null;
        try {
            log = Files.createTempFile("prunekit-peer-", ".log");
            Process p = processBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stopTree(p);
                throw new IllegalStateException("PyTorch peer " + cmd + " did not finish within " + timeout.toSeconds()
                        + " s and was stopped (with its child processes). A peer run takes minutes at most: check"
                        + " that the machine is not overloaded and that /usr/bin/python3 has python3-torch and"
                        + " libopenblas0-pthread (without it torch is ~10x slower). Its output so far:\n"
                        + tail(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("PyTorch peer " + cmd + " failed with exit status " + p.exitValue()
                        + ":\n" + tail(log));
            }
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + cmd, e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /**
     * @param cmd a command and its arguments
     * @return a process builder for it with one BLAS/OpenMP thread and no PYTHONPATH, the environment
     *     every peer runs in
     */
    static ProcessBuilder processBuilder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("OMP_NUM_THREADS", "1");
        env.remove("PYTHONPATH");
        return pb;
    }

    /**
     * @param script a Python script, relative to the repository root (or absolute)
     * @param args its arguments
     * @return the command that runs it with {@value #PYTHON}
     * @throws IllegalStateException if that Python is missing (the message says to run toolkit/bin/setup)
     */
    List<String> pythonCommand(Path script, List<String> args) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException(PYTHON + " is missing: run toolkit/bin/setup (it installs python3-torch and"
                    + " libopenblas0-pthread).");
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, repo.resolve(script).toString()));
        cmd.addAll(args);
        return cmd;
    }

    /** Kills a process and every process it started (found before the parent dies and they are re-parented). */
    static void stopTree(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** @return the last 4,000 characters a command printed */
    private static String tail(Path log) throws IOException {
        String out = Files.readString(log, StandardCharsets.UTF_8);
        return out.length() <= 4000 ? out : "...\n" + out.substring(out.length() - 4000);
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
