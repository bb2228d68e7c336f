package org.prunekit.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.NativeLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;

/**
 * The engine's thread setting: one thread unless asked otherwise, also where DJL code started the
 * engine before PruneKit (DJL alone gives one thread per core); {@code prunekit.threads} /
 * {@code PRUNEKIT_THREADS} / {@code ai.djl.pytorch.num_threads} honoured, idle threads made to sleep
 * for more than one unless {@code OMP_WAIT_POLICY} is set; {@code PruneKit.setThreads} at run time.
 * Each start-up case is a JVM of its own, as the setting is applied when the engine starts.
 */
class EngineThreadsTest {

    /** Prints the engine's threads and the native OMP_WAIT_POLICY; with "djl-first", DJL starts the engine. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("djl-first")) {
            try (NDManager m = NDManager.newBaseManager()) {
                m.ones(new Shape(2)).sum().getFloat();
            }
        }
        int threads = PruneKit.threads();
        String policy = NativeLibrary.getInstance("c").getFunction("getenv").invokeString(
                new Object[] {EngineThreads.WAIT_POLICY}, false);
        System.out.println("THREADS=" + threads + " POLICY=" + policy);
    }

    private static String run(List<String> properties, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.awt.headless=true", "-Dai.djl.offline=true"));
        cmd.addAll(properties);
        cmd.add(EngineThreadsTest.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("PRUNEKIT_THREADS");
        pb.environment().remove(EngineThreads.WAIT_POLICY);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("THREADS=")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    @Test
    void oneThreadByDefaultEvenWhenDjlStartedTheEngineFirst() throws Exception {
        assertEquals("THREADS=1 POLICY=null", run(List.of(), Map.of()));
        // DJL alone would start libtorch with one thread per core (2 on the machine this was measured on)
        assertEquals("THREADS=1 POLICY=null", run(List.of(), Map.of(), "djl-first"));
    }

    @Test
    void settingsAreHonouredAndIdleThreadsSleep() throws Exception {
        assertEquals("THREADS=3 POLICY=PASSIVE", run(List.of("-Dprunekit.threads=3"), Map.of()));
        assertEquals("THREADS=2 POLICY=PASSIVE", run(List.of(), Map.of("PRUNEKIT_THREADS", "2")));
        assertEquals("THREADS=2 POLICY=PASSIVE", run(List.of("-Dai.djl.pytorch.num_threads=2"), Map.of()));
        // PruneKit's own setting wins over DJL's; a wait policy set by the user stays
        assertEquals("THREADS=3 POLICY=ACTIVE", run(List.of("-Dprunekit.threads=3",
                "-Dai.djl.pytorch.num_threads=2"), Map.of(EngineThreads.WAIT_POLICY, "ACTIVE")));
        // set after DJL started the engine: the number holds, the wait policy cannot change any more
        assertEquals("THREADS=2 POLICY=null", run(List.of("-Dprunekit.threads=2"), Map.of(), "djl-first"));
    }

    @Test
    void setThreadsChangesTheEngineAndRejectsNonsense() {
        int before = PruneKit.threads();
        try {
            PruneKit.setThreads(2);
            assertEquals(2, PruneKit.threads());
            PruneKit.setThreads(1);
            assertEquals(1, PruneKit.threads());
        } finally {
            PruneKit.setThreads(before);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PruneKit.setThreads(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }

    @Test
    void aBadSettingSaysWhatIsWrong() {
        String old = System.getProperty(EngineThreads.SETTING);
        try {
            System.setProperty(EngineThreads.SETTING, "two");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, EngineThreads::configured);
            assertTrue(e.getMessage().contains("prunekit.threads") && e.getMessage().contains("'two'"),
                    e.getMessage());
            System.setProperty(EngineThreads.SETTING, "0");
            assertThrows(IllegalArgumentException.class, EngineThreads::configured);
            System.setProperty(EngineThreads.SETTING, " 4 ");
            assertEquals(4, EngineThreads.configured());
        } finally {
            if (old == null) {
                System.clearProperty(EngineThreads.SETTING);
            } else {
                System.setProperty(EngineThreads.SETTING, old);
            }
        }
    }
}
