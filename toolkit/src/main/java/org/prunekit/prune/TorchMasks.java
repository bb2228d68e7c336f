package org.prunekit.prune;

import java.util.Random;

/**
 * Torch's pruning steps for {@link TorchPrune}: among what is still unpruned, mask the lowest
 * scores — single entries ({@code *_unstructured}) or whole channels ({@code *_structured}) —
 * by torch's counting rules ({@link TorchAmount}), combined with the mask already there.
 */
final class TorchMasks {

    private TorchMasks() {}

    /**
     * Torch's unstructured step: among the entries whose mask is 1, the {@code amount} with the
     * lowest score are masked.
     */
    static float[] pruneLowest(float[] scores, float[] mask, TorchAmount amount, String what) {
        int[] alive = new int[mask.length];
        int count = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == 1f) {
                alive[count++] = i;
            }
        }
        int k = amount.of(count, "entries of " + what);
        float[] sub = new float[count];
        for (int j = 0; j < count; j++) {
            sub[j] = scores[alive[j]];
        }
        boolean[] drop = Selection.lowest(sub, k);
        float[] out = mask.clone();
        for (int j = 0; j < count; j++) {
            if (drop[j]) {
                out[alive[j]] = 0f;
            }
        }
        return out;
    }

    /**
     * Torch's structured step: among the channels with a non-zero mask entry, the {@code amount}
     * with the lowest score are masked entirely; channels already entirely pruned stay so.
     */
    static float[] pruneChannels(double[] scores, TorchParameter.Channels c, float[] mask, TorchAmount amount,
            String what) {
        boolean[] alive = new boolean[c.count()];
        for (int i = 0; i < mask.length; i++) {
            alive[c.of(i)] |= mask[i] != 0f;
        }
        int[] index = new int[c.count()];
        int count = 0;
        for (int ch = 0; ch < c.count(); ch++) {
            if (alive[ch]) {
                index[count++] = ch;
            }
        }
        int k = amount.of(count, "channels along dim " + c.dim() + " of " + what);
        double[] sub = new double[count];
        for (int j = 0; j < count; j++) {
            sub[j] = scores[index[j]];
        }
        boolean[] dropSub = Selection.lowest(sub, k);
        boolean[] drop = new boolean[c.count()];
        for (int j = 0; j < count; j++) {
            drop[index[j]] = dropSub[j];
        }
        float[] out = mask.clone();
        for (int i = 0; i < out.length; i++) {
            if (drop[c.of(i)]) {
                out[i] = 0f;
            }
        }
        return out;
    }

    static float[] abs(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }

    static float[] randomScores(int n, long seed) {
        Random r = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextFloat();
        }
        return out;
    }
}
