package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Every criterion on a hand-computed 2-unit x 3-input layer. */
class CriteriaTest {

    private static final float[] W = {1f, -2f, 0.5f, 0f, 3f, -1f};
    private static final float[] G = {0.1f, 0.2f, -0.4f, 1f, 0f, 0.5f};
    private static final float[] G2 = {0.02f, 0.04f, 0.16f, 1f, 0f, 0.25f};

    private static LayerStats stats(float[][] activations, float[] zeros) {
        return new LayerStats("fc1", new Shape(2, 3), W, new float[] {0.5f, -0.5f}, new float[] {1, 1, 1, 1, 1, 1}, G,
                G2, new float[] {0.25f, 4f}, activations, zeros, 1);
    }

    private static final LayerStats S = stats(new float[][] {{0f, 1f}, {0f, 2f}, {0f, 3f}, {0f, 4f}},
            new float[] {1f, 0.25f});

    @Test
    void magnitude() {
        assertArrayEquals(new float[] {1f, 2f, 0.5f, 0f, 3f, 1f}, Importance.magnitudeL1().weightScores(S));
        assertArrayEquals(new float[] {3.5f, 4f}, Importance.magnitudeL1().unitScores(S));
        assertArrayEquals(new float[] {1f, 4f, 0.25f, 0f, 9f, 1f}, Importance.magnitudeL2().weightScores(S));
        assertArrayEquals(new float[] {5.25f, 10f}, Importance.magnitudeL2().unitScores(S));
    }

    @Test
    void gradientTaylorAndObd() {
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.4f, 1f, 0f, 0.5f}, Importance.gradient().weightScores(S));
        assertArrayEquals(new float[] {0.7f, 1.5f}, Importance.gradient().unitScores(S), 1e-6f);
        assertArrayEquals(G2, Importance.gradientSquared().weightScores(S));
        assertArrayEquals(new float[] {0.22f, 1.25f}, Importance.gradientSquared().unitScores(S), 1e-6f);
        // |w·g|
        assertArrayEquals(new float[] {0.1f, 0.4f, 0.2f, 0f, 0f, 0.5f}, Importance.taylor().weightScores(S), 1e-6f);
        assertArrayEquals(new float[] {0.25f, 4f}, Importance.taylor().unitScores(S));
        // ½·h·w² with h = mean g²
        assertArrayEquals(new float[] {0.01f, 0.08f, 0.02f, 0f, 0f, 0.125f},
                Importance.hessianDiagonal().weightScores(S), 1e-6f);
    }

    @Test
    void entropyOfActivationHistograms() {
        // unit 0 is constant: entropy 0; unit 1 spreads 4 samples over 4 of 4 bins: ln 4
        float[] h = Importance.entropy(4).unitScores(S);
        assertEquals(0f, h[0]);
        assertEquals(Math.log(4), h[1], 1e-6);
        // two bins, values 1,2,3,4 -> {1,2} {3,4}: ln 2; weights inherit their unit's score
        assertEquals(Math.log(2), Importance.entropy(2).unitScores(S)[1], 1e-6);
        assertArrayEquals(new float[] {0f, 0f, 0f, h[1], h[1], h[1]}, Importance.entropy(4).weightScores(S));
        assertEquals(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)),
                Criteria.Entropy.entropy(new int[] {3, 1, 0}, 4), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Importance.entropy(1));
    }

    @Test
    void apozAndRandom() {
        assertArrayEquals(new float[] {0f, 0.75f}, Importance.apoz().unitScores(S));
        assertArrayEquals(Importance.random(3).weightScores(S), Importance.random(3).weightScores(S));
        assertEquals(6, Importance.random(3).weightScores(S).length);
        assertEquals(2, Importance.random(3).unitScores(S).length);
    }

    @Test
    void fpgmScoresEachFilterByItsDistanceToTheOthers() {
        // three filters of two weights: (0,0), (3,4), (0,1); distances 5, 1 and sqrt(18)
        LayerStats s = new LayerStats("conv", new Shape(3, 2), new float[] {0, 0, 3, 4, 0, 1}, null,
                new float[] {1, 1, 1, 1, 1, 1}, null, null, null, null, null, 0);
        float[] u = Importance.fpgm().unitScores(s);
        // the mean distance to the two others
        assertArrayEquals(new float[] {3f, (float) (5 + Math.sqrt(18)) / 2, (float) (1 + Math.sqrt(18)) / 2}, u,
                1e-5f);
        assertArrayEquals(new float[] {u[0], u[0], u[1], u[1], u[2], u[2]}, Importance.fpgm().weightScores(s));
        assertEquals(false, Importance.fpgm().needsData());
    }

    @Test
    void fpgmScoresDoNotShrinkWithTheLayersWidth() {
        // two filters at distance 5 score 5 each, as the first of the three-filter layer above scores 3
        LayerStats narrow = new LayerStats("fc", new Shape(2, 2), new float[] {0, 0, 3, 4}, null,
                new float[] {1, 1, 1, 1}, null, null, null, null, null, 0);
        assertArrayEquals(new float[] {5f, 5f}, Importance.fpgm().unitScores(narrow), 1e-6f);
        LayerStats single = new LayerStats("fc", new Shape(1, 2), new float[] {3, 4}, null, new float[] {1, 1}, null,
                null, null, null, null, 0);
        assertArrayEquals(new float[] {0f}, Importance.fpgm().unitScores(single));
    }

    @Test
    void lampDividesEachSquaredWeightByTheSumOfTheLargerOnes() {
        // W² = 1, 4, 0.25, 0, 9, 1; ascending (ties by position): w3, w2, w0, w5, w1, w4;
        // sums from the top: 9, 13, 14, 15, 15.25, 15.25
        assertArrayEquals(new float[] {1f / 15f, 4f / 13f, 0.25f / 15.25f, 0f, 1f, 1f / 14f},
                Importance.lamp().weightScores(S), 1e-6f);
        // per unit: Σw² = 5.25 and 10
        assertArrayEquals(new float[] {5.25f / 15.25f, 1f}, Importance.lamp().unitScores(S), 1e-6f);
        assertEquals(true, Importance.lamp().comparableAcrossLayers());
        assertEquals(false, Importance.magnitudeL1().comparableAcrossLayers());
    }

    @Test
    void dataNeedsAreDeclared() {
        assertEquals(false, Importance.magnitudeL1().needsData());
        assertEquals(false, Importance.random(1).needsData());
        for (Importance i : new Importance[] {Importance.gradient(), Importance.gradientSquared(), Importance.taylor(),
            Importance.hessianDiagonal(), Importance.entropy(), Importance.apoz()}) {
            assertEquals(true, i.needsData(), i.name());
        }
    }
}
