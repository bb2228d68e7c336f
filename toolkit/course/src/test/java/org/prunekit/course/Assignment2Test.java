package org.prunekit.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.LayerStats;
import org.prunekit.prune.Pruner;

/** Correct answers to assignment 2 pass; the known wrong answers fail, each with its hint. */
class Assignment2Test {

    private static Start start;
    private static DataSplit data;

    @BeforeAll
    static void setUp() {
        start = Assignment2.setUp(3000, 1000, 3);
        data = start.data();
    }

    @AfterAll
    static void close() {
        start.trained().close();
    }

    private static AssertionError fails(Runnable check) {
        return assertThrows(AssertionError.class, check::run);
    }

    private static Net trainedWith(float l1, float weightDecay) {
        Net n = Models.lenet300100(42);
        n.fit(data, org.prunekit.train.TrainConfig.builder().optEpochs(3).optLearningRate(2e-3f).optL1(l1)
                        .optWeightDecay(weightDecay).optSchedule(org.prunekit.train.LearningRateSchedule.COSINE)
                        .optSeed(42).build());
        return n;
    }

    @Test
    void exercise1() {
        try (Net l1 = trainedWith(1e-4f, 0); Net l2 = trainedWith(0, 1e-3f)) {
            Grade g = Assignment2.check1(l1);
            assertEquals(30, g.points());
            AssertionError e = fails(() -> Assignment2.check1(l2));
            assertTrue(e.getMessage().contains("5 %) <- NOT MET") && e.getMessage().contains("L2 penalty"), e.getMessage());
            assertTrue(fails(() -> Assignment2.check1(null)).getMessage().contains("not done yet"));
        }
    }

    @Test
    void exercise2() {
        LayerStats s = Pruner.builder().setImportance(Importance.hessianDiagonal()).setSparsity(0.5).build()
                .statistics(start.trained(), data).get("fc2");
        float[] right = new float[s.weight().length];
        float[] noHalf = new float[right.length];
        float[] meanGrad = new float[right.length];
        for (int i = 0; i < right.length; i++) {
            right[i] = 0.5f * s.gradSquaredMean()[i] * s.weight()[i] * s.weight()[i];
            noHalf[i] = 2 * right[i];
            meanGrad[i] = 0.5f * s.gradMean()[i] * s.gradMean()[i] * s.weight()[i] * s.weight()[i];
        }
        assertEquals(30, Assignment2.check2(right).points());
        assertTrue(fails(() -> Assignment2.check2(noHalf)).getMessage().contains("left out the ½"));
        AssertionError e = fails(() -> Assignment2.check2(meanGrad));
        assertTrue(e.getMessage().contains("not the squared mean gradient"), e.getMessage());
        assertTrue(fails(() -> Assignment2.check2(null)).getMessage().contains("not done yet"));
    }

    private static Net structured(Importance importance) {
        Net n = start.trained().copy();
        Pruner.builder().setImportance(importance).setSparsity(0.5).optGranularity(Granularity.STRUCTURED).build()
                .plan(n, data).apply();
        return n;
    }

    @Test
    void exercise3() {
        try (Net entropy = structured(Importance.entropy()); Net obd = structured(Importance.hessianDiagonal());
                Net magnitude = structured(Importance.magnitudeL1())) {
            Grade g = Assignment2.check3(entropy, obd);
            assertEquals(40, g.points());
            AssertionError e = fails(() -> Assignment2.check3(magnitude, obd));
            assertTrue(e.getMessage().contains("entropyNet matches magnitude pruning better"), e.getMessage());
            e = fails(() -> Assignment2.check3(entropy, entropy));
            assertTrue(e.getMessage().contains("obdNet keeps"), e.getMessage());
            try (Net a = start.trained().copy(); Net b = start.trained().copy()) {
                assertTrue(fails(() -> Assignment2.check3(a, b)).getMessage().contains("not done yet"));
            }
        }
    }
}
