package org.prunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.prunekit.PruneKit;
import org.prunekit.data.DataSplit;
import org.prunekit.data.Datasets;
import org.prunekit.model.Models;
import org.prunekit.model.Net;

class TrainingProfileTest {

    private static final DataSplit SMALL = Datasets.mnist().optLimit(640).optTestLimit(200).build();

    @Test
    void profilesEveryPhaseOnDenseAndConvolutionalNets() {
        for (Net net : new Net[] {Models.lenet300100(1), Models.lenet5(1)}) {
            try (net) {
                float[] before = net.weightValues();
                TrainingProfile p = Training.profile(net, SMALL, TrainConfig.builder().build(), 2, 5);
                assertEquals(5, p.batches());
                assertEquals(TrainingProfile.PHASES.size(), p.micros().length);
                for (String phase : TrainingProfile.PHASES) {
                    assertTrue(p.micros(phase) >= 0, phase);
                }
                for (String phase : new String[] {"forward", "backward", "optimizer"}) {
                    assertTrue(p.micros(phase) > 0, phase + " was not timed");
                }
                assertTrue(p.toString().contains("optimizer"), p.toString());
                // the profile trains the net: 7 Adam steps moved the weights
                assertTrue(!java.util.Arrays.equals(before, net.weightValues()));
            }
        }
    }

    /**
     * Each phase's time lands under its own name. Adam multiplies each weight by its mask inside its
     * own update loop, so the "masks" phase (re-applying the masks Adam did not cover) stays next to
     * nothing with or without 90 % of the weights masked, far below the optimizer step; a profile
     * that filed the optimizer's time (or any other phase's) under "masks" fails here. (That a
     * phase's own time lands in its slot is {@link #thePhasesOfAKnownRunAreTimedInTheirOwnSlotsAndAddUpToTheWallClock}'s check.)
     */
    @Test
    void theMasksPhaseTimesTheMasksAndNothingElse() {
        try (Net dense = Models.lenet300100(1); Net masked = Models.lenet300100(1)) {
            org.prunekit.prune.Pruner.builder().setImportance(org.prunekit.prune.Importance.magnitudeL1())
                    .setSparsity(0.9).optScope(org.prunekit.prune.Scope.GLOBAL).build().plan(masked).apply();
            // 40 batches: one scheduling hiccup of a few hundred microseconds (a shared 2-core machine) in the
            // masks phase of one batch must not outweigh the optimizer's mean (with 8 batches it once did: 53 us)
            TrainingProfile d = Training.profile(dense, SMALL, TrainConfig.builder().build(), 3, 40);
            TrainingProfile m = Training.profile(masked, SMALL, TrainConfig.builder().build(), 3, 40);
            assertTrue(d.micros("masks") < d.micros("optimizer") / 4, "no masks, no mask time: " + d);
            assertTrue(m.micros("masks") < m.micros("optimizer") / 4, "Adam applies the three masks itself: " + m);
            assertEquals(Math.round(d.totalMicros()), d.toTable().longColumn("µs per batch")
                    .get(TrainingProfile.PHASES.size()), "the table's total row");
            for (int i = 0; i < TrainingProfile.PHASES.size(); i++) {
                assertEquals(TrainingProfile.PHASES.get(i), d.toTable().stringColumn("phase").get(i));
                assertEquals(Math.round(d.micros()[i]), d.toTable().longColumn("µs per batch").get(i));
                assertEquals(d.micros()[i] / d.totalMicros(), d.toTable().doubleColumn("share").get(i), 1e-12);
            }
        }
    }

    /**
     * A net whose phases take a known time: a real (small) net that also sleeps while the batch
     * is assembled (the input shape is read then), in its forward pass, while the loss is built
     * (the L1 penalty reads the prunable weights) and while the masks are re-applied. Each phase
     * gets its own duration, so a phase timed into the wrong slot moves a known amount of time.
     */
    private record SlowNet(Net net, Map<String, Integer> sleepMillis) implements Trainable {
        private static void sleep(int ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String name() {
            return "slow " + net.name();
        }

        @Override
        public Shape inputShape() {
            sleep(sleepMillis.get("assembly"));
            return net.inputShape();
        }

        @Override
        public int numClasses() {
            return net.numClasses();
        }

        @Override
        public NDManager manager() {
            return net.manager();
        }

        @Override
        public NDArray forward(NDArray x, boolean training) {
            sleep(sleepMillis.get("forward"));
            return net.forward(x, training);
        }

        @Override
        public Block block() {
            return net.block();
        }

        @Override
        public List<Parameter> prunableWeights() {
            sleep(sleepMillis.get("loss"));
            return net.prunableWeights();
        }

        @Override
        public Map<Parameter, NDArray> masks() {
            return net.masks();
        }

        @Override
        public void applyMasks() {
            sleep(sleepMillis.get("masks"));
            net.applyMasks();
        }
    }

    @Test
    void thePhasesOfAKnownRunAreTimedInTheirOwnSlotsAndAddUpToTheWallClock() {
        assertEquals(List.of("assembly", "forward", "loss", "backward", "optimizer", "masks", "read-back", "release"),
                TrainingProfile.PHASES, "the phases, in the order a batch runs them");
        Map<String, Integer> sleeps = Map.of("assembly", 900, "loss", 100, "masks", 200, "forward", 300);
        int batches = 3;
        try (Net net = Models.mlp("MLP-784-16-10", 1, 16)) { // small: its own work is short beside the sleeps
            SlowNet slow = new SlowNet(net, sleeps);
            TrainConfig l1 = TrainConfig.builder().optL1(1e-5f).build(); // the loss phase reads the weights
            Training.profile(net, SMALL, l1, 2, 1); // warm-up: the first batches of a net are slow in every phase
            long start = System.nanoTime();
            TrainingProfile p = Training.profile(slow, SMALL, l1, 0, batches);
            double wallMicros = (System.nanoTime() - start) / 1e3;
            assertEquals("slow MLP-784-16-10", p.net());
            assertEquals(batches, p.batches());
            assertPhases(p, sleeps);
            // the phases are the whole batch: their sum is the total, and the total is the wall clock less set-up
            double sum = 0;
            for (String phase : TrainingProfile.PHASES) {
                sum += p.micros(phase);
            }
            assertEquals(sum, p.totalMicros(), 1e-6);
            // no time counted twice (the phases never overlap) and none left out (only set-up is outside them)
            assertTrue(p.totalMicros() * batches <= wallMicros, p.totalMicros() * batches + " us > wall " + wallMicros);
            assertTrue(p.totalMicros() * batches >= 0.7 * wallMicros,
                    "the phases cover " + p.totalMicros() * batches + " us of a " + wallMicros + " us run");
            // the same profile with two phase slots swapped fails the check
            double[] swapped = p.micros();
            int forward = TrainingProfile.PHASES.indexOf("forward");
            int loss = TrainingProfile.PHASES.indexOf("loss");
            swapped[forward] = p.micros("loss");
            swapped[loss] = p.micros("forward");
            TrainingProfile wrong = new TrainingProfile(p.net(), p.batchSize(), p.batches(), swapped);
            assertThrows(org.opentest4j.AssertionFailedError.class, () -> assertPhases(wrong, sleeps));
        }
    }

    /**
     * Each phase that sleeps took at least its sleep (a sleep never ends early, however loaded
     * the machine), so a phase timed into another's slot, with a shorter sleep or none, fails.
     * The sleeps are 90 ms or more apart: the real work of a small net on one batch is far less.
     */
    private static void assertPhases(TrainingProfile p, Map<String, Integer> sleepMillis) {
        for (Map.Entry<String, Integer> e : sleepMillis.entrySet()) {
            double us = p.micros(e.getKey());
            assertTrue(us >= 1000 * e.getValue(), e.getKey() + " took " + us + " us, less than its " + e.getValue()
                    + " ms sleep: another phase's time was counted in its slot: " + p);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        try (Net net = Models.lenet300100(1)) {
            assertThrows(IllegalArgumentException.class, () -> Training.profile(net, SMALL, TrainConfig.builder().build(), 0, 0));
            assertThrows(IllegalArgumentException.class, () -> Training.profile(net, SMALL, TrainConfig.builder().build(), -1, 3));
        }
        TrainingProfile p = new TrainingProfile("x", 1, 1, new double[TrainingProfile.PHASES.size()]);
        assertThrows(IllegalArgumentException.class, () -> p.micros("nonsense"));
        assertThrows(IllegalArgumentException.class, () -> new TrainingProfile("x", 1, 1, new double[2]));
    }

    @Test
    void crossEntropyEqualsDjlsLoss() {
        PruneKit.init();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(7, 10));
            NDArray labels = m.create(new long[] {0, 3, 9, 2, 2, 5, 1});
            float ours = Training.crossEntropy(logits, labels).getFloat();
            float djl = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), new NDList(logits)).getFloat();
            assertEquals(djl, ours, 1e-6f);
        }
    }
}
