package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link Peer} runs Python scripts: output, failures, a timeout that fires, and what to do
 * when torch is missing.
 */
class PeerTest {

    private static List<String> python(String code) {
        return List.of(Peer.PYTHON, "-c", code);
    }

    @Test
    void aCommandThatOverrunsItsTimeoutIsStoppedWithItsChildren() throws Exception {
        // prints its child's pid, then sleeps far longer than the timeout, as a hung peer would
        List<String> hung = python("import subprocess, time\n"
                + "child = subprocess.Popen(['sleep', '120'])\n"
                + "print('child', child.pid, flush=True)\n"
                + "time.sleep(120)\n");
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Peer.execute(hung, Duration.ofSeconds(2)));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 30, "the timeout fired after " + seconds + " s");
        assertTrue(e.getMessage().contains("did not finish within 2 s and was stopped (with its child processes)"),
                e.getMessage());
        Matcher m = Pattern.compile("child (\\d+)").matcher(e.getMessage());
        assertTrue(m.find(), "the output so far is in the message: " + e.getMessage());
        long child = Long.parseLong(m.group(1));
        for (int i = 0; i < 50 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertTrue(!ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false),
                "child " + child + " still runs");
    }

    @Test
    void outputAndFailuresAreReported() {
        assertEquals("one\ntwo\n{\"x\": 1}\n", Peer.execute(python("print('one'); print('two'); print('{\"x\": 1}')"),
                Duration.ofSeconds(30)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Peer.execute(
                python("import sys; print('no torch here'); sys.exit(3)"), Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("failed with exit status 3:\nno torch here"), e.getMessage());
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> Peer.execute(List.of("/nonexistent/python3"), Duration.ofSeconds(5)));
        assertTrue(missing.getMessage().startsWith("Cannot run [/nonexistent/python3]"), missing.getMessage());
    }


    @Test
    void aScriptsLastLineIsItsAnswer(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("ok.py"), "import sys\nprint('noise')\nprint(sys.argv[1])\n");
        assertEquals("{\"x\": 1}", Peer.inRepo().runScript(script, List.of("{\"x\": 1}")));
    }

    @Test
    void withoutTorchTheMessageSaysToRunSetup(@TempDir Path dir) throws IOException {
        // what /usr/bin/python3 prints when python3-torch is not installed
        Path script = Files.writeString(dir.resolve("no_torch.py"), "import sys\n"
                + "sys.stderr.write(\"ModuleNotFoundError: No module named 'torch'\\n\")\nsys.exit(1)\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Peer.inRepo().runScript(script, List.of()));
        assertTrue(e.getMessage().contains("cannot import torch: run toolkit/bin/setup"), e.getMessage());
        Path failing = Files.writeString(dir.resolve("fails.py"), "raise SystemExit('bad input')\n");
        e = assertThrows(IllegalStateException.class, () -> Peer.inRepo().runScript(failing, List.of()));
        assertTrue(e.getMessage().contains("failed") && e.getMessage().contains("bad input"), e.getMessage());
    }
}
