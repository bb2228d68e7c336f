package org.prunekit.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prunekit.PruneKit;

/**
 * The engine check: its reference is right, it covers what PruneKit relies on, it catches a wrong
 * or crashing engine, and the guard picks a remedy that passes, says so and remembers it.
 */
class EngineCheckTest {

    @Test
    void theEngineInForcePassesEveryCheckInThisProcess() {
        EngineStatus status = PruneKit.engineStatus();
        EngineCheck.Report report = EngineCheck.run();
        assertTrue(report.passed(), report + "\n" + status);
        assertTrue(status.trusted() || status.checkedAt().startsWith("not checked"), status.toString());
        assertTrue(report.toString().startsWith("engine check: all " + report.outcomes().size() + " checks passed"));
    }

    @Test
    void theCheckCoversWhatTheIssueNames() {
        List<String> labels = EngineCheck.labels();
        for (int c = 1; c <= 64; c++) {
            assertTrue(labels.contains("conv2d 3x3/1 " + c + "->" + c + " NCHW"), "3x3 with " + c + " channels");
        }
        for (String k : List.of("1x1/1", "1x1/2", "3x3/1", "3x3/2", "5x5/1", "5x5/2")) {
            assertTrue(labels.stream().anyMatch(l -> l.startsWith("conv2d " + k + " ")), k);
        }
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("conv2d 3x3/1 20->20 channels-last")));
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("conv2d 1x1/2 8->8")), "the shortcut that crashed");
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("batchnorm ") && l.endsWith("channels-last")));
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("linear 784->300")));
        assertTrue(labels.stream().anyMatch(l -> l.startsWith("maxpool ")));
        EngineCheck.Report r = EngineCheck.run();
        for (String q : List.of("output", "grad input", "grad weight", "grad bias", "grad gamma", "grad beta")) {
            assertTrue(r.outcomes().stream().anyMatch(o -> o.quantity().equals(q)), q);
        }
    }

    @Test
    void theReferenceComputesByHand() {
        // 1 image, 1 channel, 3x3 input, 2x2 kernel, stride 1, no padding: four dot products
        Reference.Conv g = new Reference.Conv(1, 1, 1, 3, 3, 2, 1, 0);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 0, 0, -1};
        Reference.Values y = Reference.convForward(g, x, w, new float[] {10});
        assertArrayEquals(new double[] {10 + 1 - 5, 10 + 2 - 6, 10 + 4 - 8, 10 + 5 - 9}, y.value(), 0);
        assertArrayEquals(new double[] {16, 18, 22, 24}, y.scale(), 0);
        // stride 2, padding 1 on a 3x3 input: output 2x2, the corners see one input each with the 3x3 centre tap
        Reference.Conv padded = new Reference.Conv(1, 1, 1, 3, 3, 3, 2, 1);
        float[] centre = {0, 0, 0, 0, 1, 0, 0, 0, 0};
        assertArrayEquals(new double[] {1, 3, 7, 9}, Reference.convForward(padded, x, centre, null).value(), 0);
        // backward of Σ y·dy: the gradient of the weight is the correlation of x with dy
        Reference.Values[] grads = Reference.convBackward(g, x, w, new float[] {1, 0, 0, 0});
        assertArrayEquals(new double[] {1, 2, 4, 5}, grads[1].value(), 0);
        assertArrayEquals(new double[] {1, 0, 0, 0, -1, 0, 0, 0, 0}, grads[0].value(), 0);
        assertArrayEquals(new double[] {1}, grads[2].value(), 0);
        Reference.Values lin = Reference.linearForward(1, 2, 1, new float[] {3, 4}, new float[] {0.5f, -1}, new float[] {1});
        assertArrayEquals(new double[] {1 + 1.5 - 4}, lin.value(), 0);
    }

    @Test
    void aWrongEngineResultFailsItsCaseOnly() {
        EngineCheck.Report r = EngineCheck.run(label -> { }, new EngineCheck.Fault("conv2d 3x3/1 20->20 NCHW", false));
        assertFalse(r.passed());
        assertEquals(1, r.failures().size(), r.toString());
        EngineCheck.Outcome bad = r.failures().get(0);
        assertEquals("conv2d 3x3/1 20->20 NCHW", bad.op());
        assertEquals(1.0, bad.maxError(), 1e-4);
        assertTrue(bad.tolerance() < 0.01, "tolerance " + bad.tolerance());
        assertTrue(r.toString().contains("1 of " + r.outcomes().size() + " checks WRONG"), r.toString());

        Reference.Values ref = new Reference.Values(new double[] {1, 2}, new double[] {10, 10});
        assertTrue(EngineCheck.compare("op", "output", new float[] {1.0005f, 2}, ref).passed());
        assertFalse(EngineCheck.compare("op", "output", new float[] {1.01f, 2}, ref).passed());
        assertFalse(EngineCheck.compare("op", "output", new float[] {Float.NaN, 2}, ref).passed(), "NaN never passes");
        assertFalse(EngineCheck.compare("op", "output", new float[] {1}, ref).passed(), "wrong length");
    }

    @Test
    void aCrashingEngineIsCaughtInItsOwnProcessAndNamed() {
        String old = System.getProperty(EngineCheck.SIMULATE_FAULT);
        System.setProperty(EngineCheck.SIMULATE_FAULT, "crash:conv2d 3x3/1 24->24");
        try {
            Probe p = Probe.run(Remedy.NONE, false);
            assertFalse(p.passed());
            assertEquals("the engine crashed (exit code 134) in conv2d 3x3/1 24->24 NCHW", p.failures().get(0));
        } finally {
            restore(old);
        }
    }

    @Test
    void whenTheEngineIsWrongTheFastestPassingRemedyIsChosenAndExplained(@TempDir Path dir) {
        String old = System.getProperty(EngineCheck.SIMULATE_FAULT);
        System.setProperty(EngineCheck.SIMULATE_FAULT, "conv2d 3x3/1 20->20");
        try {
            Cpu cpu = Cpu.current();
            StringBuilder progress = new StringBuilder();
            Map<Remedy, Probe> probes = EngineGuard.probeAll(cpu, s -> progress.append(s).append('\n'));
            Probe none = probes.get(Remedy.NONE);
            assertFalse(none.passed());
            // the simulated fault among the failures (on a CPU where the engine really is wrong, others come first)
            assertTrue(none.failures().stream().anyMatch(f -> f.startsWith("conv2d 3x3/1 20->20 NCHW output")),
                    none.failures().toString());
            assertTrue(probes.get(Remedy.ATEN_CONVOLUTIONS).passed(), "oneDNN off must pass: " + probes);
            Remedy chosen = EngineGuard.choose(probes, false);
            assertNotEquals(Remedy.NONE, chosen);
            assertTrue(probes.get(chosen).passed());
            for (Map.Entry<Remedy, Probe> e : probes.entrySet()) {
                if (e.getKey() != Remedy.NONE && e.getValue().passed()) {
                    assertTrue(probes.get(chosen).stepMillis() <= e.getValue().stepMillis(), probes.toString());
                }
            }
            assertEquals(Remedy.ATEN_CONVOLUTIONS, EngineGuard.choose(probes, true),
                    "once libtorch is loaded, only a run-time remedy can be applied");
            assertTrue(progress.toString().contains("checking remedies"), progress.toString());

            EngineStatus status = EngineGuard.statusOf(cpu, EngineGuard.engineDescription(), probes, chosen, "now",
                    dir.resolve("engine-check.properties"), false);
            assertTrue(status.notice().contains(cpu.model()), status.notice());
            String first = none.failures().get(0); // the simulated fault, or a real one listed before it
            assertTrue(status.notice().contains(first.substring(0, first.indexOf(':'))), status.notice());
            assertTrue(status.notice().contains(chosen.description()), status.notice());
            assertTrue(status.trusted());
            assertEquals(chosen, status.remedy());
            assertTrue(status.toString().contains("remedy: " + chosen.description()), status.toString());
        } finally {
            restore(old);
        }
    }

    @Test
    void theDecisionIsCachedAndReadBack(@TempDir Path dir) throws Exception {
        Map<Remedy, Probe> probes = new EnumMap<>(Remedy.class);
        probes.put(Remedy.NONE, new Probe(false, 872, List.of("conv2d 3x3/1 20->20 NCHW output: wrong",
                "the engine crashed (exit code 134) in conv2d 1x1/2 8->8 NCHW"), 10.0));
        probes.put(Remedy.ATEN_CONVOLUTIONS, new Probe(true, 872, List.of(), 30.0));
        probes.put(Remedy.ONEDNN_SSE41, new Probe(true, 872, List.of(), 24.0));
        probes.put(Remedy.ONEDNN_AVX2, new Probe(false, 872, List.of("conv2d ... wrong"), 11.0));
        Path file = dir.resolve("sub").resolve("engine-check.properties");
        assertEquals(file, CheckCache.write(file, Cpu.current(), "engine", probes, "2026-12-06 10:00 UTC"));
        Map<Remedy, Probe> back = CheckCache.read(file);
        assertEquals(probes, back);
        assertEquals(Remedy.ONEDNN_SSE41, EngineGuard.choose(back, false), "the fastest that passed");
        assertEquals(Remedy.ATEN_CONVOLUTIONS, EngineGuard.choose(back, true), "the only one that applies late");
        Files.writeString(file, "garbage = \\u12");
        assertEquals(null, CheckCache.read(file), "an unreadable cache is checked again, not trusted");
    }

    @Test
    void settingsAreValidated() {
        assertEquals(Remedy.ONEDNN_SSE41, Remedy.parse("ONEDNN_SSE41"));
        assertEquals(Remedy.ATEN_CONVOLUTIONS, Remedy.parse("aten-convolutions"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Remedy.parse("sse"));
        assertTrue(e.getMessage().contains("onednn-sse41"), e.getMessage());
    }

    @Test
    void oneDnnCanBeSwitchedOffAndBackAtRunTime() {
        PruneKit.init();
        boolean before = NativeSwitches.oneDnnEnabled();
        try {
            NativeSwitches.setOneDnnEnabled(false);
            assertFalse(NativeSwitches.oneDnnEnabled());
            EngineCheck.Report r = EngineCheck.run();
            assertTrue(r.passed(), "ATen's own convolutions: " + r);
            NativeSwitches.setOneDnnEnabled(true);
            assertTrue(NativeSwitches.oneDnnEnabled());
        } finally {
            NativeSwitches.setOneDnnEnabled(before);
        }
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty(EngineCheck.SIMULATE_FAULT);
        } else {
            System.setProperty(EngineCheck.SIMULATE_FAULT, old);
        }
    }
}
