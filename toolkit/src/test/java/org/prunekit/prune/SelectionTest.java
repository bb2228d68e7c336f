package org.prunekit.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SelectionTest {

    @Test
    void tiesArePrunedInIndexOrderAndCountsAreExact() {
        float[] s = {0.5f, 0.1f, 0.5f, 0.5f, 0.9f, 0.1f};
        boolean[] drop = Selection.lowest(s, 3);
        assertArrayEquals(new boolean[] {true, true, false, false, false, true}, drop);
        for (int k = 0; k <= s.length; k++) {
            int count = 0;
            for (boolean b : Selection.lowest(s, k)) {
                count += b ? 1 : 0;
            }
            assertEquals(k, count);
        }
        float[] same = new float[1000];
        int c = 0;
        for (boolean b : Selection.lowest(same, 333)) {
            c += b ? 1 : 0;
        }
        assertEquals(333, c, "all-equal scores: still exactly k");
    }

    @Test
    void kthSmallestMatchesSorting() {
        Random r = new Random(1);
        float[] s = new float[10_001];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) r.nextGaussian();
        }
        float[] sorted = s.clone();
        java.util.Arrays.sort(sorted);
        for (int k : new int[] {1, 2, 5000, 9000, 10_001}) {
            assertEquals(sorted[k - 1], Selection.kthSmallest(s, k));
        }
        assertThrows(IllegalArgumentException.class, () -> Selection.lowest(s, s.length + 1));
    }
}
