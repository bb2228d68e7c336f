package org.prunekit.course;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.prunekit.data.CorpusSplit;
import org.prunekit.data.Datasets;
import org.prunekit.data.Examples;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Mode;
import org.prunekit.train.TrainConfig;

/**
 * The language model of assignment 4's exercise 6 and the checker's arithmetic on it: a tiny causal
 * transformer (TinyGPT: character embedding of 32, learned positions, 2 pre-LN blocks of 4 heads of 8
 * and an MLP of 64, a last layer norm and one score per character) trained on windows of 32 characters
 * of <em>Moby Dick</em>; a head's importance is the rise of the test perplexity when it is removed,
 * and the heads kept under a budget are the most important, at least one per layer.
 *
 * <p>A head is removed by zeroing the columns of the output projection that read it: the head's
 * whole contribution to the residual stream, exactly.
 *
 * <p>The model is trained once, at Adam 3e-3 with seed 42, with no fallback: its training used to
 * end in a NaN loss now and then (about one set-up in four in CI), caused by attention's scale being
 * freed by the garbage collector before the backward pass; that is fixed in the layer (see
 * {@code Tensors.times}), and a divergence would now be a real error the checker reports.
 */
final class Lm4 {

    /** Characters per window (the model's context). */
    static final int WINDOW = 32;

    /** The self-attention layers, in order. */
    static final List<String> ATTENTION = List.of("t1_attn.sa", "t2_attn.sa");

    /** Heads per layer and their width. */
    static final int HEADS = 4;
    static final int HEAD_SIZE = 8;

    private static LmStart ref;
    private static double[][] refImportance;

    private Lm4() {}

    /**
     * @return the checker's model and text, trained on the first call (quick mode: 3,000 windows,
     *     2 epochs; full mode 8,000 windows, 3 epochs; tested on 100 windows)
     */
    static LmStart reference() {
        return reference(Mode.rows(8_000, 3_000), Mode.epochs(3, 2));
    }

    /**
     * @param windows training windows (the tests train small)
     * @param epochs training epochs
     * @return the checker's model and text, trained with these sizes if not trained yet
     */
    static synchronized LmStart reference(int windows, int epochs) {
        if (ref == null) {
            CorpusSplit text = Datasets.mobyDick().optWindow(WINDOW).optBatchSize(32).optLimit(windows)
                    .optTestLimit(100).optSeed(42).build();
            int v = text.vocabulary().size();
            Net lm = Models.sequential("TinyGPT", WINDOW).embedding(v, 32).positionEmbedding(WINDOW)
                    .transformerBlock(HEADS, 64, true).transformerBlock(HEADS, 64, true).layerNorm().dense(v).build(42);
            lm.fit(text, TrainConfig.builder().optEpochs(epochs).optLearningRate(3e-3f).optSeed(42).build());
            ref = new LmStart(text, lm, lm.perplexity(text.test()));
        }
        return ref;
    }

    /** @return the checker's own head importances on its own model (measured once, a copy) */
    static synchronized double[][] referenceImportance() {
        if (refImportance == null) {
            LmStart r = reference();
            refImportance = importance(r.trained(), r.text().test());
        }
        double[][] out = new double[refImportance.length][];
        for (int l = 0; l < out.length; l++) {
            out[l] = refImportance[l].clone();
        }
        return out;
    }

    /** @return a check that {@code keep} is layers × heads and keeps a head in every layer, or null if so */
    static String emptyLayer(boolean[][] keep) {
        if (keep == null || keep.length != ATTENTION.size()) {
            return "give one row per attention layer (" + ATTENTION.size() + ")";
        }
        for (int l = 0; l < keep.length; l++) {
            if (keep[l] == null || keep[l].length != HEADS) {
                return "give " + HEADS + " values for layer " + ATTENTION.get(l);
            }
            boolean any = false;
            for (boolean k : keep[l]) {
                any |= k;
            }
            if (!any) {
                return "layer " + ATTENTION.get(l) + " would keep no head: a layer without heads passes nothing on and"
                        + " is refused; keep at least one head per layer";
            }
        }
        return null;
    }

    /**
     * @param lm the model (not changed)
     * @param keep per layer and head whether it is kept (at least one per layer)
     * @return a copy without the other heads (their output-projection columns masked)
     */
    static Net keepOnly(Net lm, boolean[][] keep) {
        String problem = emptyLayer(keep);
        if (problem != null) {
            throw new IllegalArgumentException("keepHeads: " + problem + ".");
        }
        Net out = lm.copy();
        for (int l = 0; l < keep.length; l++) {
            var w = out.layer(ATTENTION.get(l) + ".out").weight();
            long rows = w.getArray().getShape().get(0);
            float[] mask = new float[(int) (rows * HEADS * HEAD_SIZE)];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < HEADS * HEAD_SIZE; c++) {
                    mask[r * HEADS * HEAD_SIZE + c] = keep[l][c / HEAD_SIZE] ? 1f : 0f;
                }
            }
            try (NDArray m = out.manager().create(mask, w.getArray().getShape())) {
                out.addMask(w, m);
            }
        }
        return out;
    }

    /** @return a copy of {@code lm} without one head */
    static Net withoutHead(Net lm, int layer, int head) {
        boolean[][] keep = new boolean[ATTENTION.size()][HEADS];
        for (boolean[] row : keep) {
            java.util.Arrays.fill(row, true);
        }
        keep[layer][head] = false;
        return keepOnly(lm, keep);
    }

    /** @return per layer and head, the test perplexity without the head minus the model's */
    static double[][] importance(Net lm, Examples test) {
        double dense = lm.perplexity(test);
        double[][] out = new double[ATTENTION.size()][HEADS];
        for (int l = 0; l < out.length; l++) {
            for (int h = 0; h < HEADS; h++) {
                try (Net without = withoutHead(lm, l, h)) {
                    out[l][h] = without.perplexity(test) - dense;
                }
            }
        }
        return out;
    }

    /** @return the {@code budget} most important heads, each layer's best first (at least one per layer) */
    static boolean[][] keep(double[][] importance, int budget) {
        boolean[][] keep = new boolean[importance.length][importance[0].length];
        int kept = 0;
        for (int l = 0; l < importance.length; l++) {
            int best = 0;
            for (int h = 1; h < importance[l].length; h++) {
                best = importance[l][h] > importance[l][best] ? h : best;
            }
            keep[l][best] = true;
            kept++;
        }
        for (; kept < budget; kept++) {
            int bl = -1;
            int bh = -1;
            for (int l = 0; l < importance.length; l++) {
                for (int h = 0; h < importance[l].length; h++) {
                    if (!keep[l][h] && (bl < 0 || importance[l][h] > importance[bl][bh])) {
                        bl = l;
                        bh = h;
                    }
                }
            }
            keep[bl][bh] = true;
        }
        return keep;
    }

    /** @return per layer and head whether the head still reaches the output (its output-projection columns non-zero) */
    static boolean[][] headsPresent(Net lm) {
        boolean[][] out = new boolean[ATTENTION.size()][HEADS];
        for (int l = 0; l < out.length; l++) {
            float[] w = lm.layer(ATTENTION.get(l) + ".out").weightValues();
            int cols = HEADS * HEAD_SIZE;
            for (int i = 0; i < w.length; i++) {
                out[l][(i % cols) / HEAD_SIZE] |= w[i] != 0f;
            }
        }
        return out;
    }

    /**
     * Exercise 6's check (see {@link Assignment4#check6}).
     *
     * @param c the exercise's check
     * @param headImportance per layer and head, the test perplexity without the head minus the model's
     * @param keepHeads per layer and head whether it is kept
     * @param headNet the model with only the kept heads
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    static Grade check(Check c, double[][] headImportance, boolean[][] keepHeads, Net headNet) {
        if (headImportance == null && keepHeads == null && headNet == null) {
            return c.notDoneYet("headImportance, keepHeads and headNet are null", "measure the perplexity without each"
                    + " head (Assignment4.withoutHead), keep the 4 most important heads, at least one per layer.").verdict();
        }
        LmStart r = reference();
        double[][] want = referenceImportance();
        double[][] wantMinus = new double[want.length][want[0].length];
        double scale = 0;
        for (int l = 0; l < want.length; l++) {
            for (int h = 0; h < want[l].length; h++) {
                wantMinus[l][h] = -want[l][h];
                scale = Math.max(scale, Math.abs(want[l][h]));
            }
        }
        boolean shapeOk = Answers.sameShape(headImportance, want);
        boolean ok = shapeOk && Answers.close(headImportance, want, 1e-3 * Math.max(scale, 1e-3));
        c.require(ok, ok ? String.format("head importances equal the checker's own (largest rise of perplexity %.4f)", scale)
                        : "headImportance " + (shapeOk ? java.util.Arrays.deepToString(Answers.round(headImportance))
                        : Answers.describe(headImportance)),
                !shapeOk ? "give " + want.length + " rows (layers) of " + want[0].length + " (heads)."
                : Answers.close(headImportance, wantMinus, 1e-3 * Math.max(scale, 1e-3)) ? "you subtracted the other way:"
                        + " importance = perplexity without the head − perplexity of the model (higher = more important)."
                : "per layer l and head h: Assignment4.withoutHead(lm, l, h).perplexity(text.test()) − lm.perplexity(text.test()).");
        boolean[][] wantKeep = keep(want, Assignment4.HEAD_BUDGET);
        String empty = emptyLayer(keepHeads);
        int kept = 0;
        boolean same = empty == null;
        for (int l = 0; empty == null && l < wantKeep.length; l++) {
            for (int h = 0; h < wantKeep[l].length; h++) {
                kept += keepHeads[l][h] ? 1 : 0;
                same &= keepHeads[l][h] == wantKeep[l][h];
            }
        }
        c.require(same, same ? "the kept heads are the checker's selection " + heads(wantKeep)
                        : empty != null ? "keepHeads refused: " + empty : "kept heads " + heads(keepHeads),
                empty != null ? "a head budget that empties a layer is refused: keep each layer's most important head,"
                        + " then the most important of the others up to " + Assignment4.HEAD_BUDGET + "."
                : kept != Assignment4.HEAD_BUDGET ? "keep exactly " + Assignment4.HEAD_BUDGET + " heads in all."
                : "keep the heads with the highest importance (the largest rise of perplexity without them): each"
                        + " layer's best, then the best of the others, " + Assignment4.HEAD_BUDGET + " in all.");
        boolean netOk = headNet != null && Reference.sameShapes(headNet, r.trained())
                && java.util.Arrays.deepEquals(headsPresent(headNet), wantKeep);
        c.require(netOk, netOk ? "headNet has exactly those heads" : "headNet " + (headNet == null ? "is null"
                        : "has the heads " + heads(headsPresent(headNet))),
                "headNet = Assignment4.keepOnly(lm, keepHeads).");
        if (!c.failed()) {
            c.report(String.format("test perplexity: dense %.4f, %d of 8 heads %.4f (reported, not graded)",
                    r.perplexity(), Assignment4.HEAD_BUDGET, headNet.perplexity(r.text().test())));
        }
        return c.verdict();
    }

    private static String heads(boolean[][] keep) {
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < keep.length; l++) {
            sb.append(l == 0 ? "" : ", ").append(ATTENTION.get(l)).append(' ');
            java.util.List<Integer> hs = new java.util.ArrayList<>();
            for (int h = 0; h < keep[l].length; h++) {
                if (keep[l][h]) {
                    hs.add(h);
                }
            }
            sb.append(hs);
        }
        return sb.toString();
    }
}
