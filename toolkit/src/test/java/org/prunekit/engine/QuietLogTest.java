package org.prunekit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.NetIO;

/**
 * What a user's program prints on its own: libtorch's warnings about itself (c10's log, e.g. the
 * deprecation warning that writing into a weight triggers, or NNPACK's "Unsupported hardware") and
 * DJL's "Model ... was not closed explicitly" for a net left to the garbage collector stay out of
 * standard error. Each run is a JVM of its own, as the log level is read when libtorch starts.
 */
class QuietLogTest {

    /** Writes into a weight (c10 warns "AutoNonVariableTypeMode is deprecated" once), then drops a loaded net. */
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("prunekit-quiet", ".pk");
        try (Net net = Models.lenet300100()) {
            float[] w = net.layer("fc1").weight().getArray().toFloatArray();
            net.layer("fc1").weight().getArray().set(w);
            NetIO.save(net, file);
        }
        Net loaded = NetIO.load(file);
        loaded.parameterCount();
        loaded = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
            System.runFinalization();
            Thread.sleep(100);
        }
        Files.delete(file);
        System.err.println("QUIET-LOG-DONE");
    }

    private static String stderrOf(Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.awt.headless=true", "-Dai.djl.offline=true",
                QuietLogTest.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove(EngineGuard.LOG_LEVEL_VARIABLE);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        String text = new String(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("QUIET-LOG-DONE"), text);
        return text;
    }

    @Test
    void libtorchAndDjlStayQuietUnlessAskedToSpeak() throws Exception {
        String quiet = stderrOf(Map.of());
        assertFalse(quiet.contains("Warning:") || quiet.contains("AutoNonVariableTypeMode"), quiet);
        assertFalse(quiet.contains("NNPACK"), quiet);
        assertFalse(quiet.contains("was not closed explicitly"), quiet);
        // the same program with c10's warnings asked for: the line the default keeps out is really there
        String loud = stderrOf(Map.of(EngineGuard.LOG_LEVEL_VARIABLE, "WARNING"));
        assertTrue(loud.contains("AutoNonVariableTypeMode is deprecated"), loud);
    }
}
