package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.model.Tensors;

/**
 * How many weights or units a {@link Pruner} removes: rounding half to even, the floors of
 * layer-wise and global plans, layers already sparser than their floor, and the plan's notes.
 */
class PrunerCountsTest {

    private static Pruner l1(double s, Scope scope) {
        return Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(s).optScope(scope).build();
    }

    private static long zeros(Net net, String layer) {
        NDArray w = net.layer(layer).weight().getArray();
        return w.size() - w.countNonzero().getLong();
    }

    /** Sets a layer's weights to seeded normal values times {@code scale}. */
    private static void setWeights(Net net, String layer, long seed, float scale) {
        NDArray w = net.layer(layer).weight().getArray();
        Random r = new Random(seed);
        float[] v = new float[(int) w.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        try (NDArray a = net.manager().create(v, w.getShape())) {
            Tensors.copy(a, w);
        }
    }

    @Test
    void countsRoundHalfToEvenLikePythonsRound() {
        assertEquals(2, Selection.count(0.25, 10));
        assertEquals(4, Selection.count(0.75, 6));
        assertEquals(4, Selection.count(0.35, 10)); // 0.35 x 10 is 3.5 in double arithmetic, as in Python
        assertEquals(3, Selection.count(0.9, 3));
        assertEquals(6, Selection.count(0.4, 16));
        assertEquals(0, Selection.count(0.05, 10));
        try (Net net = Models.sequential("ten", 5).dense(2).build()) { // fc1: 10 weights
            PruningPlan plan = l1(0.25, Scope.LAYER).plan(net);
            assertEquals(2, plan.layers().get(0).prunedAfter(), "round(2.5) = 2");
            assertEquals(2, l1(0.25, Scope.GLOBAL).plan(net).layers().get(0).prunedAfter());
            assertTrue(plan.notes().get(0).contains("rounded half to even"), plan.notes().toString());
        }
        try (Net net = Models.sequential("six", 1, 6, 6).conv(6, 3).relu().flatten().dense(2).build()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.75)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net);
            assertEquals(4, plan.layers().get(0).prunedAfter(), "round(4.5) = 4 filters");
        }
    }

    @Test
    void theRoundingNoteNamesRoundingNotTheMinimumDensity() {
        try (Net net = Models.sequential("sixteen", 8).dense(16).relu().dense(2).build()) {
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.4)
                    .optGranularity(Granularity.STRUCTURED).optScope(Scope.GLOBAL).build().plan(net);
            assertEquals(6, plan.layers().get(0).prunedAfter());
            assertEquals(1, plan.notes().size(), plan.toString());
            String note = plan.notes().get(0);
            assertTrue(note.contains("0.3750 instead of the target 0.4000"), note);
            assertTrue(note.contains("round(0.4 x 16) = 6 of 16 units"), note);
            assertFalse(plan.toString().contains("minimum density"), plan.toString());
            // a target the counts meet exactly has no note
            assertTrue(Pruner.builder().setImportance(Importance.magnitudeL2()).setSparsity(0.5)
                    .optGranularity(Granularity.STRUCTURED).build().plan(net).notes().isEmpty());
        }
    }

    @Test
    void theMinimumDensityNoteNamesTheLayersItHolds() {
        try (Net net = Models.sequential("floor", 100).dense(10).relu().dense(2).build()) {
            setWeights(net, "fc2", 1, 1e-3f);
            PruningPlan plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.9)
                    .optScope(Scope.GLOBAL).optMinDensity(0.05).build().plan(net);
            assertEquals(19, plan.layers().get(1).prunedAfter(), "fc2 keeps 5 % of its 20 weights, rounded up");
            assertEquals(918 - 19, plan.layers().get(0).prunedAfter(), "fc1 makes up for it");
            assertEquals(List.of(), plan.notes(), "reachable: no note");
            plan = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.99).optScope(Scope.GLOBAL)
                    .optMinDensity(0.05).build().plan(net);
            assertEquals(950 + 19, plan.layers().get(0).prunedAfter() + plan.layers().get(1).prunedAfter());
            String note = plan.notes().get(0);
            assertTrue(note.contains("capped by the minimum density per layer (optMinDensity(0.05))"), note);
            assertTrue(note.contains("[fc1, fc2]"), note);
            assertFalse(note.contains("rounded"), note);
        }
    }

    @Test
    void layerWisePlansNeverEmptyALayer() {
        try (Net net = Models.sequential("tiny", 3).dense(1).relu().dense(2).build()) { // fc1: 3 weights
            PruningPlan plan = l1(0.9, Scope.LAYER).plan(net);
            assertEquals(2, plan.layers().get(0).prunedAfter(), "round(2.7) = 3 would empty fc1");
            assertEquals(1, plan.layers().get(1).prunedAfter(), "round(1.8) = 2 would empty fc2");
            assertTrue(plan.notes().get(0).contains("a layer-wise plan never empties a layer, so [fc1, fc2]"),
                    plan.notes().toString());
        }
    }

    @Test
    void zeroMinimumDensityLetsAGlobalPlanEmptyALayer() {
        try (Net net = Models.sequential("tiny", 100).dense(10).relu().dense(3).build()) {
            setWeights(net, "fc2", 2, 1e-3f); // 30 weights far below fc1's
            SparsityReport r = Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optScope(Scope.GLOBAL).optMinDensity(0).build().plan(net).apply();
            assertEquals(0, r.row("fc2").nonZero(), "no floor: the tiny layer goes first, all of it");
            assertEquals(Selection.count(0.5, 1030), r.weights() - r.nonZero());
        }
        try (Net net = Models.sequential("tiny", 100).dense(10).relu().dense(3).build()) {
            setWeights(net, "fc2", 2, 1e-3f);
            SparsityReport r = l1(0.5, Scope.GLOBAL).plan(net).apply();
            assertEquals(1, r.row("fc2").nonZero(), "the default floor, 1 % rounded up, keeps one weight");
            assertEquals(Selection.count(0.5, 1030), r.weights() - r.nonZero(), "fc1 makes up for it");
        }
    }

    @Test
    void aLayerSparserThanItsFloorCountsItsRealZerosAgainstTheGlobalBudget() {
        try (Net net = Models.sequential("t", 100).dense(10).relu().dense(10).relu().dense(2).build()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.999).optLayers("fc1").build()
                    .plan(net).apply();
            assertEquals(999, zeros(net, "fc1"));
            PruningPlan plan = l1(0.9, Scope.GLOBAL).plan(net);
            assertEquals(999, plan.layers().get(0).prunedAfter(), "fc1 keeps its 999 zeros, more than its floor of 990");
            SparsityReport r = plan.apply();
            assertEquals(Math.round(0.9 * 1120), r.weights() - r.nonZero(), "exactly the target: 1,008 zeros");
            assertEquals(9, zeros(net, "fc2") + zeros(net, "fc3"), "the rest of the budget");
            assertTrue(plan.notes().isEmpty(), plan.toString());
        }
    }

    @Test
    void aTargetBelowWhatIsPrunedSaysSo() {
        try (Net net = Models.sequential("t", 100).dense(10).relu().dense(2).build()) {
            l1(0.8, Scope.LAYER).plan(net).apply();
            PruningPlan plan = l1(0.5, Scope.LAYER).plan(net);
            assertEquals(0.8, plan.sparsityAfter(), 1e-9);
            assertTrue(plan.notes().get(0).contains("above the target 0.5000: [fc1, fc2] already had more weights"),
                    plan.notes().toString());
        }
    }

    @Test
    void anEmptyLayerListIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5).optLayers());
        assertTrue(e.getMessage().contains("no layer names"), e.getMessage());
        assertTrue(e.getMessage().contains("leave optLayers out"), e.getMessage());
        // null still means every layer
        try (Net net = Models.sequential("t", 4).dense(3).relu().dense(2).build()) {
            assertEquals(2, Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.5)
                    .optLayers((String[]) null).build().plan(net).layers().size());
        }
    }
}
