package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void oneShot() {
        assertEquals(List.of(0.9), Schedule.oneShot(0.9).targets());
    }

    @Test
    void iterativeRemovesTheSameFractionOfWhatRemainsEachStep() {
        Schedule s = Schedule.iterative(0.9375, 4); // keep 1/2 each step: 0.5, 0.75, 0.875, 0.9375
        assertEquals(0.5, s.sparsityAt(1), 1e-12);
        assertEquals(0.75, s.sparsityAt(2), 1e-12);
        assertEquals(0.875, s.sparsityAt(3), 1e-12);
        assertEquals(0.9375, s.sparsityAt(4), 1e-12);
    }

    @Test
    void gradualIsZhuAndGuptasCubic() {
        Schedule s = Schedule.gradual(0.0, 0.8, 4);
        // s_t = s_f + (s_i - s_f)(1 - k/n)^3
        assertEquals(0.8 - 0.8 * Math.pow(0.75, 3), s.sparsityAt(1), 1e-12);
        assertEquals(0.8 - 0.8 * Math.pow(0.5, 3), s.sparsityAt(2), 1e-12);
        assertEquals(0.8, s.sparsityAt(4), 1e-12);
        // fast first, slow last
        assertTrue(s.sparsityAt(1) - 0 > s.sparsityAt(4) - s.sparsityAt(3));
        assertEquals(s.targets(), Schedule.gradual(0.0, 0.8, 4).targets(), "a pure function");
    }

    @Test
    void badSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Schedule.iterative(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> Schedule.iterative(0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> Schedule.gradual(0.6, 0.5, 3));
        assertThrows(IllegalArgumentException.class, () -> Schedule.oneShot(0.5).sparsityAt(2));
    }
}
