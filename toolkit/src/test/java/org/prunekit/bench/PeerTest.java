package org.prunekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link Peer} runs Python scripts and says what to do when torch is missing. */
class PeerTest {

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
