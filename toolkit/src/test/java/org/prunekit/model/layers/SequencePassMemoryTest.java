package org.prunekit.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.reliability.Memory;

/**
 * A pass of a transformer language model in a scoped manager leaves nothing behind: every
 * intermediate, also those made from a parameter (a layer norm's count of present channels), goes
 * with the pass's manager. Before, each pass left one scalar with the parameters, in training and
 * inference alike.
 */
class SequencePassMemoryTest {

    @Test
    void passesOfATransformerLeaveNoArraysBehind() {
        try (Net lm = Models.tinyTransformerLm(20, 8, 3)) {
            long before = -1;
            for (int pass = 0; pass < 6; pass++) {
                try (NDManager scope = lm.manager().newSubManager()) {
                    NDArray ids = scope.arange(0, 16, 1, DataType.FLOAT32).reshape(new Shape(2, 8)).mod(20);
                    lm.forward(ids, pass % 2 == 0).toFloatArray();
                }
                long now = Memory.liveArrays(lm.manager());
                if (pass == 1) {
                    before = now;
                } else if (pass > 1) {
                    assertEquals(before, now, "native arrays alive after pass " + (pass + 1));
                }
            }
        }
    }
}
