package org.prunekit.course;

import java.util.List;
import org.prunekit.model.Net;
import org.prunekit.prune.Calibration;

/**
 * The checks of assignment 4, "Pruning as LLMs are pruned: Wanda, 2:4, SparseGPT, perplexity,
 * attention heads" (notebook {@code assignment-04-wanda-sparsegpt-perplexity.ipynb}). {@link #setUp()}
 * trains LeNet-300-100 as in assignment 1 and keeps its own copy of the model and data; the
 * calibration set ({@link #calibration()}: 128 training images, seed 42) is the same for the
 * student and the checks. Every check recomputes the answer in plain Java doubles on the checker's
 * own copy (see {@code Given4}), or runs the library on it with the settings the exercise asks for.
 *
 * <ol>
 *   <li>{@link #check1}: Wanda's scores |W_ij|·‖X_j‖₂ of {@code fc2} from its weights and calibration
 *       inputs, score by score ({@code ‖X_j‖²}, the output row's norm, |W| alone are named) (15 points).</li>
 *   <li>{@link #check2}: Wanda's 50 % mask of {@code fc2} from exercise 1's scores, per output row (a
 *       layer-wise ranking fails),
 *       and the net pruned by the library's {@code Importance.wanda()} against the checker's own plan;
 *       test losses of Wanda and magnitude reported (20 points).</li>
 *   <li>{@link #check3}: a 2:4 mask by hand from given scores: 2 of every 4 consecutive inputs of a
 *       row (4 consecutive rows of a column fail) (10 points).</li>
 *   <li>{@link #check4}: the OBS update of a tiny layer, one weight removed per row, against the
 *       checker's own (no update, H instead of H⁻¹, the smallest |w| removed are named); and SparseGPT
 *       at 50 % from the library against the checker's own run; reconstruction errors reported (20 points).</li>
 *   <li>{@link #check5}: the perplexity of a character bigram model on Moby Dick, exp of the mean
 *       cross-entropy, from given logits and targets (the mean of per-position perplexities, raw
 *       logits without softmax are named) (10 points).</li>
 *   <li>{@link #check6}: a tiny transformer language model ({@link #languageModel()}): each attention
 *       head's importance (the rise of the test perplexity without it) against the checker's own, the
 *       heads kept under a budget of 4 of 8 (at least one per layer: a selection that empties a layer is
 *       refused) against the checker's own selection, the pruned model; its perplexity reported (25 points).</li>
 * </ol>
 */
public final class Assignment4 {

    /** The assignment's name in the {@link Gradebook}. */
    public static final String NAME = "assignment-04";

    /** The exercises and their points. */
    public static final List<Exercise> EXERCISES = List.of(new Exercise(1, "Wanda scores by hand", 15),
            new Exercise(2, "Wanda mask per row, library Wanda", 20), new Exercise(3, "2:4 mask by hand", 10),
            new Exercise(4, "OBS update, SparseGPT", 20), new Exercise(5, "perplexity by hand", 10),
            new Exercise(6, "attention heads to a budget", 25));

    /** The self-attention layers of exercise 6's language model, in order. */
    public static final List<String> ATTENTION_LAYERS = Lm4.ATTENTION;

    /** Exercise 6: how many of its {@code 2 × 4} heads the language model keeps. */
    public static final int HEAD_BUDGET = 4;

    /** The layer of exercises 1 and 2. */
    public static final String LAYER = "fc2";

    /** The layer whose Wanda scores exercise 3 gives. */
    public static final String NM_LAYER = "fc1";

    /** The checker's reference; the tests set it up small with {@code REF.setUp(rows, testRows, epochs)}. */
    static final ReferenceSlot REF = new ReferenceSlot(NAME, "Assignment4");

    private Assignment4() {}

    /**
     * Trains LeNet-300-100 as assignment 1 does (10 epochs on 8,000 images; quick mode 4 epochs on
     * 4,000), keeps a copy for the checks and forgets earlier grades of this assignment.
     *
     * @return the data and the student's copy of the trained model
     */
    public static Start setUp() {
        return REF.setUp();
    }

    /** @return the calibration set of every exercise: 128 training images drawn with seed 42 */
    public static Calibration calibration() {
        return Calibration.builder().setData(REF.get().data.train()).optExamples(128).optSeed(42).build();
    }

    /**
     * @param net a LeNet-300-100 (not changed)
     * @param layer a layer's name, e.g. {@code "fc2"}
     * @return its weight matrix, {@code w[i][j]}: output unit i, input feature j
     */
    public static float[][] weights(Net net, String layer) {
        return Given4.weights(net, layer);
    }

    /**
     * @param net a LeNet-300-100 (not changed)
     * @param layer a layer's name, e.g. {@code "fc2"}
     * @return what the layer multiplies for each calibration example, {@code x[n][j]}: example n,
     *     input feature j (for {@code fc2}: the 300 outputs of {@code fc1} after its ReLU)
     */
    public static float[][] inputs(Net net, String layer) {
        return Given4.inputs(net, calibration(), layer);
    }

    /**
     * Exercise 1: Wanda's score of every weight of {@code fc2}.
     *
     * @param scores {@code scores[i][j] = |W_ij|·‖X_j‖₂}, 100 rows of 300
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check1(float[][] scores) {
        Reference r = REF.get();
        Check c = new Check(NAME, EXERCISES.get(0));
        if (scores == null) {
            return c.notDoneYet("wandaScores is null", "compute |W_ij| times the L2 norm of input column j of X"
                    + " (over the calibration examples) for every weight of fc2, into a float[100][300].").verdict();
        }
        float[][] w = Given4.weights(r.trained, LAYER);
        float[][] x = Given4.inputs(r.trained, calibration(), LAYER);
        double[][] want = Given4.wanda(w, x);
        if (!Answers.sameShape(scores, want)) {
            return c.require(false, "wandaScores has " + Answers.describe(scores), "give one score per weight, laid out like"
                    + " the weights: " + want.length + " rows (output units) of " + want[0].length + " (inputs).").verdict();
        }
        double[] norms = Given4.columnNorms(x);
        double max = Answers.max(want);
        int[] bad = Answers.mismatch(scores, want, 1e-4 * max);
        boolean squared = true;
        boolean rowNorm = true;
        boolean magnitude = true;
        boolean signed = true;
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                double a = Math.abs(w[i][j]);
                squared &= Answers.near(scores[i][j], a * norms[j] * norms[j]);
                rowNorm &= Answers.near(scores[i][j], a * norms[i]);
                magnitude &= Answers.near(scores[i][j], a);
                signed &= Answers.near(scores[i][j], w[i][j] * norms[j]);
            }
        }
        c.require(bad == null, bad == null ? String.format("%,d scores equal the checker's own |W_ij|·‖X_j‖₂ (largest %.4f)",
                        want.length * want[0].length, max)
                        : String.format("weight (%d, %d): %s, expected %.6f", bad[0], bad[1], scores[bad[0]][bad[1]],
                        want[bad[0]][bad[1]]),
                squared ? "you used ‖X_j‖² (the sum of squares); Wanda uses the norm, its square root."
                : rowNorm ? "you used the norm of input column i, the weight's output row; W_ij multiplies input feature j:"
                        + " use ‖X_j‖ of column j."
                : magnitude ? "that is plain magnitude |W|; multiply by the norm of the input column the weight multiplies."
                : signed ? "take the absolute value of the weight: |W_ij|·‖X_j‖₂."
                : "score (i, j) = |W[i][j]| * sqrt(sum over examples n of X[n][j]²).");
        return c.verdict();
    }

    /**
     * Exercise 2: Wanda's 50 % mask of {@code fc2} computed by hand, per output row, from the scores
     * of exercise 1, and a copy of the trained model pruned to 50 % by the library's Wanda on
     * {@link #calibration()}. The mask is judged against the scores it was made from (exercise 1
     * checks those), so a mistake in exercise 1 does not cost exercise 2 again; without them (null or
     * another shape) against the checker's own Wanda scores.
     *
     * @param wandaScores the scores of exercise 1
     * @param keep {@code keep[i][j]}: whether weight (i, j) of fc2 is kept
     * @param wandaNet the net pruned with {@code Importance.wanda()}
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check2(float[][] wandaScores, boolean[][] keep, Net wandaNet) {
        Reference r = REF.get();
        Check c = new Check(NAME, EXERCISES.get(1));
        if (keep == null && (wandaNet == null || Reference.sparsity(wandaNet) < 0.01)) {
            return c.notDoneYet("keepFc2 is null and wandaNet is not pruned", "keep the 150 highest-scoring weights of"
                    + " each row of fc2; then prune wandaNet with Importance.wanda() on Assignment4.calibration().").verdict();
        }
        double[][] scores = Given4.wanda(Given4.weights(r.trained, LAYER), Given4.inputs(r.trained, calibration(), LAYER));
        if (Answers.sameShape(wandaScores, scores)) {
            for (int i = 0; i < scores.length; i++) {
                for (int j = 0; j < scores[i].length; j++) {
                    scores[i][j] = wandaScores[i][j];
                }
            }
        }
        if (keep == null || !Answers.sameShape(keep, scores)) {
            c.require(false, "keepFc2 is " + (keep == null ? "null" : "of another shape"),
                    "give a boolean[100][300], true for the kept weights of fc2.");
        } else {
            int wrongCount = -1;
            int unordered = -1;
            int perRow = scores[0].length / 2;
            for (int i = 0; i < scores.length; i++) {
                if (Answers.count(keep[i]) != perRow && wrongCount < 0) {
                    wrongCount = i;
                }
                if (!Answers.topK(keep[i], scores[i], 1e-6 * Answers.max(scores)) && unordered < 0) {
                    unordered = i;
                }
            }
            long kept = 0;
            for (boolean[] row : keep) {
                kept += Answers.count(row);
            }
            c.require(wrongCount < 0 && unordered < 0, wrongCount >= 0 ? String.format("row %d keeps %d weights (needed"
                            + " %d in every row; %,d kept in all)", wrongCount, Answers.count(keep[wrongCount]), perRow, kept)
                    : unordered >= 0 ? String.format("row %d keeps a weight with a lower score than one it drops", unordered)
                    : String.format("every row keeps its %d highest Wanda scores", perRow),
                    wrongCount >= 0 && kept == scores.length * (long) perRow ? "half of the layer is kept, but not half of"
                            + " every row: you ranked the whole layer at once. Wanda compares the weights of each output row"
                            + " only among themselves."
                    : wrongCount >= 0 ? "keep exactly half (150) of the weights of every row."
                    : "in every row keep the weights with the highest |W_ij|·‖X_j‖₂ (not the lowest, not by |W| alone).");
        }
        return LibraryRuns4.wandaNet(c, r, wandaNet, calibration()).verdict();
    }

    /**
     * @return the Wanda scores of {@code fc1} (300 rows of 784), for exercise 3 (a fresh copy)
     */
    public static float[][] nmScores() {
        Reference r = REF.get();
        double[][] s = Given4.wanda(Given4.weights(r.trained, NM_LAYER), Given4.inputs(r.trained, calibration(), NM_LAYER));
        float[][] out = new float[s.length][s[0].length];
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s[i].length; j++) {
                out[i][j] = (float) s[i][j];
            }
        }
        return out;
    }

    /**
     * Exercise 3: the 2:4 mask of the scores {@link #nmScores()}: in every row, of every 4
     * consecutive inputs {@code 4g..4g+3}, the 2 with the highest scores kept.
     *
     * @param keep {@code keep[i][j]}: whether weight (i, j) is kept
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check3(boolean[][] keep) {
        Check c = new Check(NAME, EXERCISES.get(2));
        if (keep == null) {
            return c.notDoneYet("keep24 is null", "in every row, keep the 2 highest of each group of 4 consecutive"
                    + " scores (columns 4g..4g+3).").verdict();
        }
        float[][] s = nmScores();
        if (!Answers.sameShape(keep, s)) {
            return c.require(false, "keep24 is " + Answers.describe(keep), "give a boolean[300][784] laid out like the scores.")
                    .verdict();
        }
        double tol = 1e-6 * Answers.max(s);
        String problem = null;
        boolean rowsOk = true;
        for (int i = 0; i < s.length && problem == null; i++) {
            for (int g = 0; g + 4 <= s[i].length && problem == null; g += 4) {
                boolean[] k = java.util.Arrays.copyOfRange(keep[i], g, g + 4);
                double[] v = {s[i][g], s[i][g + 1], s[i][g + 2], s[i][g + 3]};
                if (Answers.count(k) != 2) {
                    problem = String.format("row %d, inputs %d..%d keep %d weights (needed 2)", i, g, g + 3, Answers.count(k));
                } else if (!Answers.topK(k, v, tol)) {
                    problem = String.format("row %d, inputs %d..%d keep a lower score than one they drop", i, g, g + 3);
                }
            }
        }
        for (int j = 0; j < s[0].length && rowsOk; j++) {
            for (int i = 0; i + 4 <= s.length && rowsOk; i += 4) {
                rowsOk = Answers.count(new boolean[] {keep[i][j], keep[i + 1][j], keep[i + 2][j], keep[i + 3][j]}) == 2;
            }
        }
        c.require(problem == null, problem == null ? String.format("every row keeps 2 of each of its %d groups of 4 inputs,"
                        + " the highest scores", s[0].length / 4) : problem,
                rowsOk ? "you grouped 4 consecutive rows of a column; N:M groups run along a row: the 4 consecutive inputs"
                        + " 4g..4g+3 of one output unit, the weights a sparse tensor core multiplies together."
                : problem != null && problem.contains("lower score") ? "keep the 2 highest scores of each group, not the"
                        + " lowest or the first two."
                : "per row i and group g (columns 4g..4g+3) keep exactly the 2 weights with the highest scores.");
        return c.verdict();
    }

    /** @return the tiny layer of exercise 4: 4 output rows of 8 weights (a fresh copy) */
    public static double[][] tinyWeights() {
        return Given4.tinyWeights();
    }

    /** @return the tiny layer's 64 calibration inputs of 8 features (a fresh copy) */
    public static double[][] tinyInputs() {
        return Given4.tinyInputs();
    }

    /** @return H⁻¹ of the tiny layer, with H = 2XᵀX + λI (λ = 0.01 × mean of the diagonal), 8 × 8 */
    public static double[][] tinyHessianInverse() {
        return Given4.inverse(Given4.tinyHessian());
    }

    /**
     * Exercise 4: the tiny layer after one OBS step per row (the weight with the least
     * w_q²/[H⁻¹]_qq removed, the others updated), and a copy of the trained model pruned to 50 % by
     * the library's SparseGPT on {@link #calibration()}.
     *
     * @param updated the tiny layer's weights after the step, 4 × 8
     * @param gptNet the net pruned by SparseGPT
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check4(double[][] updated, Net gptNet) {
        Reference r = REF.get();
        Check c = new Check(NAME, EXERCISES.get(3));
        if (updated == null && (gptNet == null || Reference.sparsity(gptNet) < 0.01)) {
            return c.notDoneYet("obsWeights is null and gptNet is not pruned", "apply δ = −w_q/[H⁻¹]_qq · H⁻¹[:, q] to"
                    + " each row of the tiny layer; then prune gptNet with SparseGpt at 50 %.").verdict();
        }
        double[][] w = Given4.tinyWeights();
        double[][] x = Given4.tinyInputs();
        double[][] h = Given4.tinyHessian();
        double[][] hInv = Given4.inverse(h);
        double[][] want = Given4.obs(w, hInv, null);
        if (updated == null || !Answers.sameShape(updated, want)) {
            c.require(false, "obsWeights is " + Answers.describe(updated), "give the tiny layer's 4 rows of 8 weights after the step.");
        } else {
            int[] obsPick = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                obsPick[i] = Given4.obsChoice(w[i], hInv);
            }
            double[][] zeroed = new double[w.length][];
            for (int i = 0; i < w.length; i++) {
                zeroed[i] = w[i].clone();
                zeroed[i][obsPick[i]] = 0;
            }
            boolean ok = Answers.close(updated, want, 1e-6);
            c.require(ok, ok ? String.format("equal to the checker's own OBS step: output error ‖ΔW·X‖² %.4f (zeroing the"
                            + " same weights without update: %.4f)", Given4.outputError(w, want, x),
                            Given4.outputError(w, zeroed, x))
                            : "obsWeights " + java.util.Arrays.deepToString(Answers.round(updated)),
                    Answers.close(updated, zeroed, 1e-6) ? "you zeroed the right weights but did not update the others: add"
                            + " δ = −w_q/[H⁻¹]_qq · H⁻¹[:, q] to the row."
                    : Answers.close(updated, Given4.obs(w, h, obsPick), 1e-6) ? "you used a column of H; the update uses H⁻¹."
                    : Answers.close(updated, Given4.obs(w, hInv, Given4.magnitudeChoice(w)), 1e-6) ? "you removed the smallest |w|"
                            + " of each row; OBS removes the weight of least w_q²/[H⁻¹]_qq, which is not always the smallest."
                    : "per row: q = the column of least w_q²/[H⁻¹]_qq; row -= (w_q/[H⁻¹]_qq) · H⁻¹[:, q]; then row[q] = 0.");
        }
        LibraryRuns4.gptNet(c, r, gptNet, calibration());
        return c.verdict();
    }

    /** @return the logits of a character bigram model for 2,000 positions of the Moby Dick test text, [position][character] */
    public static float[][] lmLogits() {
        return Given4.lmLogits();
    }

    /** @return the character after each of those positions (its index in the vocabulary) */
    public static int[] lmTargets() {
        return Given4.lmTargets();
    }

    /**
     * Exercise 5: the perplexity of the bigram model on those positions, exp of the mean over
     * positions of the cross-entropy −log softmax(logits)[target].
     *
     * @param perplexity the student's value
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check5(double perplexity) {
        REF.get();
        Check c = new Check(NAME, EXERCISES.get(4));
        if (Double.isNaN(perplexity)) {
            return c.notDoneYet("perplexity is NaN", "compute exp(mean over positions of −log softmax(logits[t])[targets[t]]).")
                    .verdict();
        }
        float[][] logits = Given4.lmLogits();
        int[] targets = Given4.lmTargets();
        double[] ce = Given4.crossEntropies(logits, targets);
        double mean = 0;
        double meanPpl = 0;
        double raw = 0;
        for (int t = 0; t < ce.length; t++) {
            mean += ce[t] / ce.length;
            meanPpl += Math.exp(ce[t]) / ce.length;
            raw += -logits[t][targets[t]] / ce.length;
        }
        double want = Math.exp(mean);
        boolean ok = Math.abs(perplexity - want) <= 1e-4 * want;
        c.require(ok, String.format("perplexity %.4f%s", perplexity, ok ? String.format(" equals the checker's exp(mean"
                        + " cross-entropy) (%.4f nats, %.3f bits per character; a uniform guess over %d characters: %d)",
                        mean, mean / Math.log(2), logits[0].length, logits[0].length) : ""),
                Math.abs(perplexity - meanPpl) <= 1e-4 * meanPpl ? "you averaged the per-position perplexities exp(CE_t);"
                        + " perplexity is exp of the mean cross-entropy."
                : Math.abs(perplexity - Math.exp(raw)) <= 1e-4 * Math.exp(raw) ? "the logits are not log-probabilities:"
                        + " apply log-softmax first (subtract log Σ_k exp(logits[t][k]))."
                : Math.abs(perplexity - mean) <= 1e-4 * mean ? "that is the mean cross-entropy; perplexity is its exp."
                : "CE_t = log Σ_k exp(logits[t][k]) − logits[t][targets[t]]; perplexity = exp(mean over t of CE_t).");
        return c.verdict();
    }

    /**
     * The language model of exercise 6, trained on the first call (a few seconds to a minute): TinyGPT,
     * 2 causal transformer blocks of 4 attention heads, on windows of 32 characters of Moby Dick
     * (3,000 windows for 2 epochs in quick mode, 8,000 for 3 epochs in full mode), tested on 100 windows.
     * The checks keep their own copy.
     *
     * @return the text, the student's copy of the model and its test perplexity
     */
    public static LmStart languageModel() {
        LmStart r = Lm4.reference();
        return new LmStart(r.text(), r.trained().copy(), r.perplexity());
    }

    /**
     * @param lm a copy of the language model (not changed)
     * @param layer the attention layer's index in {@link #ATTENTION_LAYERS}
     * @param head the head, 0..3
     * @return a copy of {@code lm} without that head (the output projection's columns that read it zeroed)
     */
    public static Net withoutHead(Net lm, int layer, int head) {
        return Lm4.withoutHead(lm, layer, head);
    }

    /**
     * @param lm a copy of the language model (not changed)
     * @param keepHeads per layer and head whether it is kept
     * @return a copy of {@code lm} with only those heads
     * @throws IllegalArgumentException if a layer would keep no head (such a model is refused)
     */
    public static Net keepOnly(Net lm, boolean[][] keepHeads) {
        return Lm4.keepOnly(lm, keepHeads);
    }

    /**
     * Exercise 6: every head's importance, the heads kept under {@link #HEAD_BUDGET} (the most
     * important, at least one per layer) and the model with only those.
     *
     * @param headImportance per layer and head, the test perplexity without the head minus the model's
     * @param keepHeads per layer and head whether it is kept
     * @param headNet the model with only the kept heads
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check6(double[][] headImportance, boolean[][] keepHeads, Net headNet) {
        return Lm4.check(new Check(NAME, EXERCISES.get(5)), headImportance, keepHeads, headNet);
    }
}
