package org.prunekit.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Importance;
import org.prunekit.prune.IterativePruning;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Schedule;
import org.prunekit.prune.Scope;
import org.prunekit.prune.Sensitivity;
import org.prunekit.prune.SensitivityScan;
import org.prunekit.prune.Snapshot;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;

/** Correct answers to assignment 3 pass; the known wrong answers fail, each with its hint. */
class Assignment3Test {

    private static Start start;
    private static DataSplit data;

    @BeforeAll
    static void setUp() {
        start = Assignment3.setUp(3000, 1000, 3);
        data = start.data();
    }

    @AfterAll
    static void close() {
        start.trained().close();
    }

    private static AssertionError fails(Runnable check) {
        return assertThrows(AssertionError.class, check::run);
    }

    private static Pruner magnitude(double s) {
        return Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(s).optScope(Scope.GLOBAL).build();
    }

    @Test
    void exercise1() {
        double[] it = Schedule.iterative(0.9, 4).targets().stream().mapToDouble(Double::doubleValue).toArray();
        double[] gr = Schedule.gradual(0, 0.9, 4).targets().stream().mapToDouble(Double::doubleValue).toArray();
        assertEquals(15, Assignment3.check1(it, gr).points());
        AssertionError e = fails(() -> Assignment3.check1(it, new double[] {0.225, 0.45, 0.675, 0.9}));
        assertTrue(e.getMessage().contains("linear steps"), e.getMessage());
        assertTrue(fails(() -> Assignment3.check1(null, null)).getMessage().contains("not done yet"));
    }

    @Test
    void exercise2() {
        try (Net it = start.trained().copy(); Net one = start.trained().copy()) {
            IterativePruning.builder().setPruner(magnitude(0.9)).setSchedule(Schedule.iterative(0.9, 3))
                    .optFineTune(TrainConfig.epochs(1)).optProgress(Progress.none()).build().run(it, data);
            assertEquals(25, Assignment3.check2(it).points());
            magnitude(0.9).plan(one).apply();
            one.fit(data, TrainConfig.epochs(3));
            AssertionError e = fails(() -> Assignment3.check2(one));
            assertTrue(e.getMessage().contains("one-shot pruning"), e.getMessage());
            assertTrue(fails(() -> Assignment3.check2(start.trained())).getMessage().contains("not done yet"));
        }
    }

    @Test
    void exercise3() {
        Sensitivity sens = SensitivityScan.builder().setImportance(Importance.magnitudeL1())
                .setSparsities(Assignment3.SENSITIVITY_LEVELS).optProgress(Progress.none()).build()
                .run(start.trained(), data);
        Map<String, Double> safe = new LinkedHashMap<>();
        Map<String, Double> five = new LinkedHashMap<>();
        String worst = null;
        double worstAcc = 2;
        for (String layer : sens.layers()) {
            safe.put(layer, sens.safeSparsity(layer, 0.01));
            five.put(layer, sens.safeSparsity(layer, 0.05));
            double acc = sens.of(layer).get(sens.of(layer).size() - 1).accuracy();
            if (acc < worstAcc) {
                worstAcc = acc;
                worst = layer;
            }
        }
        String answer = worst;
        assertEquals(20, Assignment3.check3(safe, answer).points());
        if (!five.equals(safe)) {
            AssertionError e = fails(() -> Assignment3.check3(five, answer));
            assertTrue(e.getMessage().contains("within 5 points"), e.getMessage());
        }
        String other = answer.equals("fc1") ? "fc2" : "fc1";
        assertTrue(fails(() -> Assignment3.check3(safe, other)).getMessage().contains("most sensitive layer " + other));
        assertTrue(fails(() -> Assignment3.check3(Map.of(), null)).getMessage().contains("not done yet"));
    }

    @Test
    void exercises4And5() {
        try (Net init = Models.lenet300100(42); Snapshot initial = Snapshot.of(init); Net ticket = start.trained().copy();
                Net noRewind = start.trained().copy(); Net otherInit = Models.lenet300100(7);
                Snapshot other = Snapshot.of(otherInit)) {
            magnitude(0.8).plan(ticket).apply();
            initial.rewind(ticket);
            assertEquals(20, Assignment3.check4(ticket).points());
            magnitude(0.8).plan(noRewind).apply();
            AssertionError e = fails(() -> Assignment3.check4(noRewind));
            assertTrue(e.getMessage().contains("still have their trained values"), e.getMessage());
            assertTrue(fails(() -> Assignment3.check4(start.trained())).getMessage().contains("not done yet"));

            ticket.fit(data, Assignment3.recipe());
            try (Net control = ticket.copy(); Net sameInit = ticket.copy()) {
                other.rewind(control);
                control.fit(data, Assignment3.recipe());
                assertEquals(20, Assignment3.check5(ticket, control).points());
                initial.rewind(sameInit);
                sameInit.fit(data, Assignment3.recipe().withSeed(7));
                e = fails(() -> Assignment3.check5(ticket, sameInit));
                assertTrue(e.getMessage().contains("starts from the ticket's own initial weights"), e.getMessage());
            }
        }
    }
}
