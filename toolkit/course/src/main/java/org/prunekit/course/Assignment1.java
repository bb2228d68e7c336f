package org.prunekit.course;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.prunekit.data.DataSplit;
import org.prunekit.model.Net;
import org.prunekit.notebook.Mode;
import org.prunekit.prune.Importance;
import org.prunekit.prune.LayerStats;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;
import org.prunekit.prune.SparsityReport;
import org.prunekit.train.Latency;

/**
 * The checks of assignment 1, "Pruning with Taylor importance" (notebook
 * {@code assignment-01-taylor-pruning.ipynb}). {@link #setUp()} trains LeNet-300-100 with fixed
 * seeds and keeps its own copy of the model and data; every check compares the student's result
 * with an independent computation on that copy, never with a notebook variable.
 *
 * <ol>
 *   <li>{@link #check1}: the sparsity of {@code fc2} and of all weights, counted by hand, against
 *       {@link SparsityReport} of the checker's own copy pruned the same way (20 points).</li>
 *   <li>{@link #check2}: 80 % global Taylor pruning: the sparsity, the masks against the checker's
 *       own global Taylor plan (a magnitude or per-layer plan does not match), the accuracy after
 *       fine-tuning (30 points).</li>
 *   <li>{@link #check3}: half of the units of <em>each</em> hidden layer physically removed:
 *       the weight shapes and the parameter count, the accuracy; the speed-up is measured and
 *       reported, not graded (30 points).</li>
 *   <li>{@link #check4}: the criterion |w| · |mean activation of the weight's unit|, compared
 *       score by score with the checker's own computation (20 points).</li>
 * </ol>
 *
 * Each check returns its {@link Grade}, which shows as {@code PASS exercise N (p/max points): ...}, or throws an {@link AssertionError}
 * {@code FAIL exercise N (0/max points): ...} with a hint per requirement not met, and records
 * the grade in the {@link Gradebook}.
 */
public final class Assignment1 {

    /** The assignment's name in the {@link Gradebook}. */
    public static final String NAME = "assignment-01";

    /** The exercises and their points. */
    public static final List<Exercise> EXERCISES = List.of(
            new Exercise(1, "sparsity by hand", 20),
            new Exercise(2, "80 % global Taylor pruning", 30),
            new Exercise(3, "half of each hidden layer removed", 30),
            new Exercise(4, "weight x activation criterion", 20));

    /**
     * Exercise 2: the least share of the checker's Taylor plan's kept weights a submission must also
     * keep. The same plan (the pruner's default sample of 512 images, seed 42) keeps 100 %; a
     * magnitude plan 56-67 %. Per-weight Taylor scores are noisy: on the full data a Taylor plan on
     * another sample (other seed or size) keeps only 67-73 % of the reference's weights, no more
     * than magnitude does, so the exercise requires the default sample and a Taylor plan on another
     * sample can fail this check.
     */
    static final double TAYLOR_OVERLAP = 0.6;

    /** Exercise 2: by how much more a submission's masks must match the Taylor plan than a magnitude plan. */
    static final double TAYLOR_MARGIN = 0.1;

    private static final ReferenceSlot REF = new ReferenceSlot(NAME, "Assignment1");

    private Assignment1() {}

    /**
     * Trains LeNet-300-100 (seed 42, Adam 2e-3, weight decay 5e-4, cosine; 10 epochs on the
     * 8,000/2,000 MNIST split, or 4 epochs on 4,000/2,000 in quick mode), keeps a copy for the
     * checks and forgets earlier grades of this assignment.
     *
     * @return the data and the student's copy of the trained model
     */
    public static Start setUp() {
        return setUp(Mode.rows(0, 4_000), Mode.rows(0, 2_000), Mode.epochs(10, 4));
    }

    static synchronized Start setUp(int trainRows, int testRows, int epochs) {
        return REF.setUp(trainRows, testRows, epochs);
    }

    private static Reference ref() {
        return REF.get();
    }

    /**
     * The net of exercise 1, as the notebook's given cell builds it: a copy of the trained model
     * pruned globally by magnitude to 60 %, then {@code fc2} alone by a seeded random criterion.
     *
     * @param trained the trained model (not changed)
     * @return the pruned copy
     */
    public static Net pruneForExercise1(Net trained) {
        Net net1 = trained.copy();
        Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.6).optScope(Scope.GLOBAL)
                .build().plan(net1).apply();
        Pruner.builder().setImportance(Importance.random(7)).setSparsity(0.5 + new Random(2024).nextDouble() / 4)
                .optLayers("fc2").build().plan(net1).apply();
        return net1;
    }

    /**
     * Exercise 1: the sparsities counted by hand.
     *
     * @param fc2Sparsity the fraction of zero weights of {@code fc2}
     * @param overallSparsity the fraction of zero weights of fc1, fc2 and fc3 together
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check1(double fc2Sparsity, double overallSparsity) {
        Exercise e = EXERCISES.get(0);
        Check c = new Check(NAME, e);
        SparsityReport r;
        try (Net own = pruneForExercise1(ref().trained)) {
            r = SparsityReport.of(own);
        }
        if (Double.isNaN(fc2Sparsity) && Double.isNaN(overallSparsity)) {
            return c.notDoneYet("fc2Sparsity and overallSparsity are still NaN",
                    "write your code between // YOUR CODE HERE and // END OF YOUR CODE, run it, then this check.").verdict();
        }
        double fc2 = r.row("fc2").sparsity();
        double overall = r.sparsity();
        double layerMean = r.rows().stream().mapToDouble(SparsityReport.Row::sparsity).average().orElse(0);
        long biases = 300 + 100 + 10;
        double withBiases = (r.weights() - r.nonZero()) / (double) (r.weights() + biases);
        c.require(Math.abs(fc2Sparsity - fc2) < 1e-9, String.format("fc2 sparsity %.6f", fc2Sparsity),
                Double.isNaN(fc2Sparsity) ? "fc2Sparsity is not set yet."
                : fc2Sparsity > 1 ? "sparsity is a fraction between 0 and 1, not a percentage."
                : Math.abs(1 - fc2Sparsity - fc2) < 1e-9 ? "that is the density (non-zeros / weights); sparsity counts the zeros."
                : "count the weights of fc2 that are exactly 0f and divide by the number of weights of fc2"
                        + " (did you change the given cell that prunes net1?).");
        c.require(Math.abs(overallSparsity - overall) < 1e-9, String.format("overall sparsity %.6f", overallSparsity),
                Double.isNaN(overallSparsity) ? "overallSparsity is not set yet."
                : Math.abs(overallSparsity - layerMean) < 1e-9 ? "you averaged the three layer sparsities; the layers have"
                        + " very different sizes, so divide all zeros by all weights instead."
                : overallSparsity > 1 ? "sparsity is a fraction between 0 and 1, not a percentage."
                : Math.abs(overallSparsity - withBiases) < 1e-6 ? "count weights only, not biases."
                : "add up the zeros of all three layers and divide by the total number of their weights (biases excluded).");
        if (!c.failed()) {
            c.report(String.format("both equal to the checker's own SparsityReport (fc2 %.6f, overall %.6f)", fc2, overall));
        }
        return c.verdict();
    }

    /**
     * Exercise 2: 80 % global Taylor pruning, fine-tuned.
     *
     * @param net2 the student's pruned and fine-tuned net
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check2(Net net2) {
        Exercise e = EXERCISES.get(1);
        Reference r = ref();
        Check c = new Check(NAME, e);
        if (net2 == null || !Reference.sameShapes(net2, r.trained)) {
            return c.require(false, net2 == null ? "net2 is null" : "net2 has other layers or shapes than the trained model",
                    "start from net2 = trained.copy() and prune it; do not remove units in this exercise.").verdict();
        }
        double sparsity = Reference.sparsity(net2);
        if (sparsity < 0.01) {
            return c.notDoneYet(String.format("net2 has sparsity %.4f: it is not pruned", sparsity),
                    "build a Pruner with Importance.taylor(), setSparsity(0.8) and optScope(Scope.GLOBAL), plan(net2, data),"
                            + " apply() the plan, then fine-tune net2.").verdict();
        }
        List<boolean[]> mine = Reference.kept(net2);
        double taylor;
        double magnitude;
        try (Net t = r.trained.copy(); Net m = r.trained.copy()) {
            Pruner.builder().setImportance(Importance.taylor()).setSparsity(0.8).optScope(Scope.GLOBAL).build()
                    .plan(t, r.data).apply();
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(0.8).optScope(Scope.GLOBAL).build()
                    .plan(m).apply();
            taylor = Reference.keptOverlap(mine, Reference.kept(t));
            magnitude = Reference.keptOverlap(mine, Reference.kept(m));
        }
        double acc = net2.accuracy(r.data.test());
        double threshold = r.denseAccuracy - 0.02;
        c.require(sparsity >= 0.8 - 1e-9, String.format("sparsity %.4f (needed >= 0.80)", sparsity),
                "prune with setSparsity(0.8) and apply() the plan; weights you set to zero by hand come back during"
                        + " training, masked ones do not.");
        c.require(taylor >= TAYLOR_OVERLAP && taylor >= magnitude + TAYLOR_MARGIN, String.format("masks: %.1f %% of the"
                        + " weights the checker's global Taylor plan keeps are kept, %.1f %% of a magnitude plan's (needed:"
                        + " >= %.0f %% and %.0f points more than magnitude)", 100 * taylor, 100 * magnitude,
                        100 * TAYLOR_OVERLAP, 100 * TAYLOR_MARGIN),
                magnitude >= taylor ? "your masks match magnitude pruning better than Taylor pruning: use Importance.taylor(),"
                        + " planned with plan(net2, data) so it measures gradients."
                : "prune once with Importance.taylor(), setSparsity(0.8), optScope(Scope.GLOBAL) and plan(net2, data),"
                        + " before fine-tuning (Taylor scores depend on the sample: keep the pruner's default samples and seed).");
        SparsityReport layers = SparsityReport.of(net2);
        boolean allEqual = layers.rows().stream().allMatch(x -> Math.abs(x.sparsity() - sparsity) < 0.005);
        c.require(!allEqual, "per-layer sparsities " + layers.rows().stream()
                        .map(x -> String.format("%s %.2f", x.layer(), x.sparsity())).toList() + " (must differ: one global ranking)",
                "every layer has the same sparsity, which is what Scope.LAYER does; use optScope(Scope.GLOBAL) for one"
                        + " ranking over all layers.");
        c.require(acc >= threshold, String.format("accuracy %.4f (needed >= %.4f = dense %.4f - 0.02)", acc, threshold,
                        r.denseAccuracy),
                "fine-tune net2 after pruning, e.g. 3 epochs with a cosine learning-rate schedule"
                        + " (TrainConfig.builder()...optSchedule(LearningRateSchedule.COSINE)).");
        return c.verdict();
    }

    /**
     * Exercise 3: half of the units of fc1 and of fc2 physically removed, fine-tuned. Graded on
     * the structure (weight shapes, parameter count) and the accuracy; the speed-up over the
     * dense model is measured and reported, not graded (timings vary on a shared machine).
     *
     * @param net3 the student's shrunk net
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check3(Net net3) {
        Exercise e = EXERCISES.get(2);
        Reference r = ref();
        Check c = new Check(NAME, e);
        if (net3 == null || net3.prunableLayers().size() != 3) {
            return c.require(false, "net3 is " + (net3 == null ? "null" : "not a LeNet-300-100 copy"),
                    "start from net3 = trained.copy().").verdict();
        }
        long fc1 = Reference.rows(net3, "fc1");
        long fc2 = Reference.rows(net3, "fc2");
        boolean masked = net3.parameterCount() == r.trained.parameterCount() && Reference.sparsity(net3) > 0.2;
        if (fc1 == 300 && fc2 == 100 && !masked) {
            return c.notDoneYet("net3 still has all 300 + 100 hidden units",
                    "prune with optGranularity(Granularity.STRUCTURED) and setSparsity(0.5), apply(), then"
                            + " net3.removePrunedUnits(), then fine-tune.").verdict();
        }
        String shapes = String.format("fc1 %s, fc2 %s, fc3 %s", net3.layer("fc1").weight().getArray().getShape(),
                net3.layer("fc2").weight().getArray().getShape(), net3.layer("fc3").weight().getArray().getShape());
        c.require(fc1 <= 150, String.format("fc1 has %d units (needed <= 150)", fc1),
                masked ? "the units are masked but still there: call net3.removePrunedUnits() after apply()."
                : "remove half of the units of fc1 too: a structured pruner with setSparsity(0.5) and no optLayers(...)"
                        + " prunes every hidden layer.");
        c.require(fc2 <= 50, String.format("fc2 has %d units (needed <= 50)", fc2),
                masked ? "the units are masked but still there: call net3.removePrunedUnits() after apply()."
                : "remove half of the units of fc2 too: every hidden layer must lose half of its units, not only fc1"
                        + " (leave out optLayers(...); Scope.LAYER, the default, removes the same share from each).");
        long expected = 784 * fc1 + fc1 + fc1 * fc2 + fc2 + fc2 * 10 + 10;
        boolean consistent = net3.layer("fc2").weight().getArray().getShape().get(1) == fc1
                && net3.layer("fc3").weight().getArray().getShape().get(1) == fc2 && net3.parameterCount() == expected;
        c.require(consistent, String.format("weights %s, %,d parameters (%,d expected for these units)", shapes,
                        net3.parameterCount(), expected),
                "the weight matrices are not consistent; build net3 from trained.copy() and use removePrunedUnits().");
        double acc = net3.accuracy(r.data.test());
        double threshold = r.denseAccuracy - 0.03;
        c.require(acc >= threshold, String.format("accuracy %.4f (needed >= %.4f = dense %.4f - 0.03)", acc, threshold,
                        r.denseAccuracy),
                "fine-tune net3 after removing the units (net3.fit(...)), for more epochs if needed.");
        if (!c.failed()) {
            double[] ms = Latency.compare(List.of(r.trained, net3), r.data.test(), 1000, 3, 11);
            c.report(String.format("speed-up %.2fx on 1,000 images (dense %.2f ms, yours %.2f ms; reported, not graded)",
                    ms[0] / ms[1], ms[0], ms[1]));
        }
        return c.verdict();
    }

    /**
     * The criterion of exercise 4, computed independently: per weight |w| · |ā_u|, with ā_u the
     * mean activation of the weight's unit over the sample images; per unit the sum over its weights.
     *
     * @param s a layer's statistics (with data)
     * @return the reference weight scores
     */
    static float[] referenceScores(LayerStats s) {
        int units = s.units();
        double[] mean = new double[units];
        for (float[] sample : s.activations()) {
            for (int u = 0; u < units; u++) {
                mean[u] += sample[u];
            }
        }
        int per = s.perUnit();
        float[] out = new float[s.weight().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (Math.abs(s.weight()[i]) * Math.abs(mean[i / per] / s.activations().length));
        }
        return out;
    }

    /**
     * Exercise 4: the criterion {@code mine} must give, for every layer of the checker's own
     * copy, the scores |w| · |mean activation of the weight's unit| (within 1e-4 of the largest)
     * and their sums per unit.
     *
     * @param mine the student's criterion
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check4(Importance mine) {
        Exercise e = EXERCISES.get(3);
        Reference r = ref();
        Check c = new Check(NAME, e);
        if (mine == null) {
            return c.notDoneYet("mine is null", "assign your criterion to `mine`: mine = new Importance() { ... };")
                    .verdict();
        }
        try {
            c.require(mine.needsData(), "needsData() " + mine.needsData(),
                    "the criterion uses activations: needsData() must return true.");
            if (!mine.needsData()) {
                return c.verdict();
            }
            Map<String, LayerStats> stats = Pruner.builder().setImportance(Importance.taylor()).setSparsity(0.5).build()
                    .statistics(r.trained, r.data);
            String problem = null;
            String hint = null;
            long compared = 0;
            for (LayerStats s : stats.values()) {
                float[] want = referenceScores(s);
                float[] w = mine.weightScores(s);
                if (w == null || w.length != want.length) {
                    problem = s.layer() + ": weightScores gave " + (w == null ? "null" : w.length + " scores");
                    hint = "return one score per weight: " + want.length + " for " + s.layer() + ".";
                    break;
                }
                int bad = firstMismatch(w, want, 1e-4f * maxAbs(want));
                if (bad >= 0) {
                    problem = String.format("%s: weight %d scored %s, expected %s", s.layer(), bad, w[bad], want[bad]);
                    hint = diagnose(w, s);
                    break;
                }
                float[] u = mine.unitScores(s);
                float[] wantU = s.sumPerUnit(want);
                if (u == null || u.length != s.units()) {
                    problem = s.layer() + ": unitScores gave " + (u == null ? "null" : u.length + " scores");
                    hint = "return one score per unit: " + s.units() + " for " + s.layer() + "; s.sumPerUnit(...) helps.";
                    break;
                }
                int badU = firstMismatch(u, wantU, 1e-4f * maxAbs(wantU));
                if (badU >= 0) {
                    problem = String.format("%s: unit %d scored %s, expected %s", s.layer(), badU, u[badU], wantU[badU]);
                    hint = "a unit's score is the sum of its weights' scores: return s.sumPerUnit(weightScores(s)).";
                    break;
                }
                compared += w.length + u.length;
            }
            c.require(problem == null, problem == null
                    ? String.format("%,d scores equal the checker's own |w| x |mean activation|", compared) : problem, hint);
        } catch (RuntimeException ex) {
            c.require(false, "your criterion threw " + ex.getClass().getSimpleName() + ": " + ex.getMessage(),
                    "fix the error; the LayerStats cell above shows the sizes to expect.");
        }
        return c.verdict();
    }

    /** @return the largest absolute value, the scale of a relative tolerance */
    private static float maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static int firstMismatch(float[] got, float[] want, float tolerance) {
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= tolerance)) {
                return i;
            }
        }
        return -1;
    }

    private static String diagnose(float[] w, LayerStats s) {
        boolean index = true;
        boolean magnitude = true;
        for (int i = 0; i < w.length; i++) {
            index &= w[i] == i;
            magnitude &= Math.abs(w[i] - Math.abs(s.weight()[i])) <= 1e-6f;
        }
        if (index) {
            return "your scores are the weights' positions; a score must measure importance: |w| times |mean activation|.";
        }
        if (magnitude) {
            return "that is plain magnitude |w|; multiply by the absolute mean activation of the weight's unit.";
        }
        return "score weight i by |w[i]| * |mean over the samples of s.activations()[sample][i / s.perUnit()]|.";
    }

    /** @return the data the checks use (the same object the set-up handed out) */
    public static DataSplit data() {
        return ref().data;
    }
}
