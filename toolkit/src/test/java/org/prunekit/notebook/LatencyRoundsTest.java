package org.prunekit.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.reliability.Memory;
import org.prunekit.train.Trainable;

/** Nets timed in turns, round by round: every round kept, speed-ups against the first net, no arrays left behind. */
class LatencyRoundsTest {

    @Test
    void keepsEveryRoundAndComparesWithTheFirstNet() {
        DataSplit data = Datasets.mnist().optLimit(100).optTestLimit(300).build();
        try (Net wide = Models.mlp(256); Net narrow = Models.mlp(8)) {
            Map<String, Net> nets = new LinkedHashMap<>();
            nets.put("wide", wide);
            nets.put("narrow", narrow);
            LatencyRounds t = LatencyRounds.of(nets, data.test(), 200, 3, 2);
            assertEquals(List.of("wide", "narrow"), t.names());
            assertEquals("wide", t.reference());
            assertEquals(3, t.rounds());
            assertEquals(3, t.millis("narrow").count());
            double[] sorted = t.millis("wide").values();
            java.util.Arrays.sort(sorted);
            assertEquals(sorted[1], t.time("wide"), 0, "the median round");
            assertEquals(1, t.speedUp("wide"), 0);
            double[] w = t.millis("wide").values();
            double[] n = t.millis("narrow").values();
            double[] ratio = {w[0] / n[0], w[1] / n[1], w[2] / n[2]};
            assertArrayEquals(ratio, t.speedUpPerRound("narrow").values(), 1e-12);
            java.util.Arrays.sort(ratio);
            assertEquals(ratio[1], t.speedUp("narrow"), 1e-12, "the median of the rounds' ratios");
            assertEquals(5, t.toTable().columnCount());
            assertEquals(2, t.toTable().rowCount());
            assertTrue(t.toString().contains("3 rounds of 2 passes of 200 images"), t.toString());
            assertThrows(IllegalArgumentException.class, () -> t.time("other"));
            assertThrows(IllegalArgumentException.class, () -> LatencyRounds.of(nets, data.test(), 200, 0, 2));
            assertThrows(IllegalArgumentException.class, () -> LatencyRounds.of(nets, data.test(), 200, 1, 0));
        }
    }

    @Test
    void everyPassFreesItsArrays() {
        DataSplit data = Datasets.fashionMnist().optLimit(100).optTestLimit(200).build();
        try (Net lenet = Models.lenet5()) {
            List<Long> live = new ArrayList<>();
            Trainable counted = (Trainable) Proxy.newProxyInstance(Trainable.class.getClassLoader(),
                    new Class<?>[] {Trainable.class}, (proxy, method, args) -> {
                        if (method.getName().equals("forward")) {
                            live.add(Memory.liveArrays(lenet.manager()));
                        }
                        try {
                            return method.invoke(lenet, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            long before = Memory.liveArrays(lenet.manager());
            int rounds = 10;
            int passes = 5;
            LatencyRounds t = LatencyRounds.of(Map.of("LeNet-5", counted), data.test(), 200, rounds, passes);
            assertEquals(rounds, t.rounds());
            assertEquals(before, Memory.liveArrays(lenet.manager()), "arrays left behind");
            // the timed passes are the last rounds x passes forward calls: the same live arrays before each
            List<Long> timed = live.subList(live.size() - rounds * passes, live.size());
            assertEquals(1, timed.stream().distinct().count(), "live arrays before each timed pass: " + timed);
        }
    }
}
