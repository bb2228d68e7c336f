package org.prunekit.course;

import java.util.List;
import java.util.Map;
import org.prunekit.model.Net;
import org.prunekit.notebook.Mode;
import org.prunekit.prune.Granularity;
import org.prunekit.prune.Importance;
import org.prunekit.prune.LayerStats;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Scope;

/**
 * The checks of assignment 2, "Regularisation, entropy and OBD" (notebook
 * {@code assignment-02-regularisation-entropy-obd.ipynb}). {@link #setUp()} trains LeNet-300-100
 * as in assignment 1 and keeps its own copy of the model and data.
 *
 * <ol>
 *   <li>{@link #check1}: a net trained with an L1 penalty ({@code TrainConfig.optL1}): many more
 *       near-zero weights in fc2 than the dense model, accuracy kept; the accuracy after 90 % magnitude
 *       pruning, its and the dense model's (pruned by the checker, on copies), reported (30 points).</li>
 *   <li>{@link #check2}: the OBD saliencies ½·h·w² of {@code fc2}, computed by hand, against the
 *       checker's own computation on its own copy (30 points).</li>
 *   <li>{@link #check3}: half of the units of each hidden layer masked by entropy, and by OBD:
 *       the units kept against the checker's own plan with each criterion (a magnitude plan does
 *       not match); both accuracies reported (40 points).</li>
 * </ol>
 */
public final class Assignment2 {

    /** The assignment's name in the {@link Gradebook}. */
    public static final String NAME = "assignment-02";

    /** The exercises and their points. */
    public static final List<Exercise> EXERCISES = List.of(
            new Exercise(1, "L1 regularisation", 30),
            new Exercise(2, "OBD saliency by hand", 30),
            new Exercise(3, "entropy vs OBD, structured", 40));

    /**
     * Exercise 1: |w| below this counts as near zero (in fc2: fc1 has many near-zero weights in
     * any case, those of the blank border pixels). Measured on 3,000 images, 3 epochs: dense
     * model 3.1 %, L1 1e-4 15.2 %, L1 3e-5 8.4 %, weight decay 1e-3 instead of L1 4.5 %.
     */
    static final double NEAR_ZERO = 1e-3;

    /** Exercise 1: how many times the dense model's share of near-zero weights an L1 net must have. */
    static final double NEAR_ZERO_FACTOR = 2.5;

    /** Exercise 3: the least share of the checker's plan's kept units a submission must also keep. */
    static final double UNIT_OVERLAP = 0.9;

    private static final ReferenceSlot REF = new ReferenceSlot(NAME, "Assignment2");

    private Assignment2() {}

    /**
     * Trains LeNet-300-100 as assignment 1 does (10 epochs on 8,000 images; quick mode 4 epochs on
     * 4,000), keeps a copy for the checks and forgets earlier grades of this assignment.
     *
     * @return the data and the student's copy of the trained model
     */
    public static Start setUp() {
        return setUp(Mode.rows(0, 4_000), Mode.rows(0, 2_000), Mode.epochs(10, 4));
    }

    static synchronized Start setUp(int trainRows, int testRows, int epochs) {
        return REF.setUp(trainRows, testRows, epochs);
    }

    /** @return how many epochs the set-up trained (exercise 1 trains as long) */
    public static int epochs() {
        return ref().history.epochs().size();
    }

    private static Reference ref() {
        return REF.get();
    }

    private static double nearZero(Net net) {
        float[] w = net.layer("fc2").weightValues();
        long n = 0;
        for (float v : w) {
            n += Math.abs(v) < NEAR_ZERO ? 1 : 0;
        }
        return n / (double) w.length;
    }

    private static double prunedAccuracy(Net net, double sparsity) {
        try (Net c = net.copy()) {
            Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(sparsity).optScope(Scope.GLOBAL).build()
                    .plan(c).apply();
            return c.accuracy(ref().data.test());
        }
    }

    /**
     * Exercise 1: a LeNet-300-100 trained from scratch with an L1 penalty.
     *
     * @param l1Net the student's net
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check1(Net l1Net) {
        Reference r = ref();
        Check c = new Check(NAME, EXERCISES.get(0));
        if (l1Net == null) {
            return c.notDoneYet("l1Net is null", "train a fresh Models.lenet300100(42) with TrainConfig.builder()"
                    + "...optL1(...) and store it in l1Net.").verdict();
        }
        if (!Reference.sameShapes(l1Net, r.trained)) {
            return c.require(false, "l1Net is not a LeNet-300-100 with all its units",
                    "train a fresh Models.lenet300100(42); do not prune or remove units here.").verdict();
        }
        double dense = nearZero(r.trained);
        double mine = nearZero(l1Net);
        double acc = l1Net.accuracy(r.data.test());
        double denseCut = prunedAccuracy(r.trained, 0.9);
        double mineCut = prunedAccuracy(l1Net, 0.9);
        c.require(mine >= NEAR_ZERO_FACTOR * dense && mine >= 0.05, String.format("%.1f %% of fc2's weights are near zero"
                        + " (|w| < %.0e; dense model %.1f %%; needed >= %.1fx that and >= 5 %%)", 100 * mine, NEAR_ZERO,
                        100 * dense, NEAR_ZERO_FACTOR),
                "train with an L1 penalty, optL1(1e-4f): it pushes weights to zero; weight decay (optWeightDecay) is an"
                        + " L2 penalty, which shrinks large weights but leaves few near zero.");
        c.require(acc >= r.denseAccuracy - 0.03, String.format("accuracy %.4f (needed >= %.4f = dense %.4f - 0.03)", acc,
                        r.denseAccuracy - 0.03, r.denseAccuracy),
                "the penalty is too strong for the accuracy: lower optL1(...) or train for as many epochs as the dense model.");
        if (!c.failed()) {
            c.report(String.format("after 90 %% global magnitude pruning, no fine-tuning: accuracy %.4f (dense model"
                    + " pruned the same way: %.4f; reported, not graded)", mineCut, denseCut));
        }
        return c.verdict();
    }

    /**
     * Exercise 2: the OBD saliencies of {@code fc2}, one per weight, in the order of
     * {@code LayerStats.weight()}.
     *
     * @param obdFc2 the student's saliencies
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check2(float[] obdFc2) {
        Reference r = ref();
        Check c = new Check(NAME, EXERCISES.get(1));
        if (obdFc2 == null) {
            return c.notDoneYet("obdFc2 is null", "compute one saliency per weight of fc2 from the LayerStats"
                    + " (s.weight(), s.gradSquaredMean()) and store the array in obdFc2.").verdict();
        }
        LayerStats s = Pruner.builder().setImportance(Importance.hessianDiagonal()).setSparsity(0.5).build()
                .statistics(r.trained, r.data).get("fc2");
        float[] w = s.weight();
        float[] h = s.gradSquaredMean();
        float[] g = s.gradMean();
        float[] want = new float[w.length];
        float max = 0;
        for (int i = 0; i < w.length; i++) {
            want[i] = (float) (0.5 * h[i] * w[i] * w[i]);
            max = Math.max(max, want[i]);
        }
        if (obdFc2.length != want.length) {
            return c.require(false, "obdFc2 has " + obdFc2.length + " values", "give one saliency per weight of fc2: "
                    + want.length + ".").verdict();
        }
        int bad = -1;
        boolean twice = true;
        boolean meanGradient = true;
        boolean absW = true;
        for (int i = 0; i < want.length; i++) {
            float tol = 1e-4f * max;
            if (bad < 0 && !(Math.abs(obdFc2[i] - want[i]) <= tol)) {
                bad = i;
            }
            twice &= Math.abs(obdFc2[i] - 2 * want[i]) <= 2 * tol;
            meanGradient &= Math.abs(obdFc2[i] - 0.5 * g[i] * g[i] * w[i] * w[i]) <= tol + 1e-4f * Math.abs(obdFc2[i]);
            absW &= Math.abs(obdFc2[i] - 0.5 * h[i] * Math.abs(w[i])) <= 1e-4f * Math.abs(obdFc2[i]) + 1e-12f;
        }
        c.require(bad < 0, bad < 0 ? String.format("%,d saliencies equal the checker's own ½·h·w² (largest %.3e)",
                        want.length, max)
                        : String.format("weight %d: %s, expected %s", bad, obdFc2[bad], want[bad]),
                twice ? "you left out the ½ of ½·h·w²."
                : meanGradient ? "h is the mean of the squared gradients, s.gradSquaredMean(), not the squared mean gradient."
                : absW ? "the saliency uses w², not |w|."
                : "saliency of weight i: 0.5f * s.gradSquaredMean()[i] * s.weight()[i] * s.weight()[i].");
        return c.verdict();
    }

    private static Map<String, boolean[]> planUnits(Importance importance) {
        try (Net n = ref().trained.copy()) {
            Pruner.builder().setImportance(importance).setSparsity(0.5).optGranularity(Granularity.STRUCTURED).build()
                    .plan(n, ref().data).apply();
            return Reference.keptUnits(n, "fc1", "fc2");
        }
    }

    private static void criterion(Check c, String what, Net net, Importance wanted, String hintName) {
        if (net == null || !Reference.sameShapes(net, ref().trained)) {
            c.require(false, what + (net == null ? " is null" : " has other shapes (units removed?)"),
                    "mask the units of " + what + " = trained.copy() (apply the plan; do not call removePrunedUnits()).");
            return;
        }
        Map<String, boolean[]> mine = Reference.keptUnits(net, "fc1", "fc2");
        long fc1 = count(mine.get("fc1"));
        long fc2 = count(mine.get("fc2"));
        double own = Reference.unitOverlap(mine, planUnits(wanted));
        double magnitude = Reference.unitOverlap(mine, planUnits(Importance.magnitudeL1()));
        c.require(fc1 == 150 && fc2 == 50, String.format("%s keeps %d + %d units (needed 150 + 50)", what, fc1, fc2),
                "prune half of the units of each hidden layer: optGranularity(Granularity.STRUCTURED), setSparsity(0.5).");
        c.require(own >= UNIT_OVERLAP && own > magnitude, String.format("%s keeps %.1f %% of the units the checker's %s"
                        + " plan keeps (needed >= %.0f %%; magnitude plan %.1f %%)", what, 100 * own, hintName,
                        100 * UNIT_OVERLAP, 100 * magnitude),
                magnitude >= own ? what + " matches magnitude pruning better than " + hintName + ": use " + hintName
                        + " and plan(" + what + ", data)."
                : "prune " + what + " with " + hintName + ", structured, planned on data with the default sample.");
    }

    private static long count(boolean[] b) {
        long n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }

    /**
     * Exercise 3: half of the units of fc1 and of fc2 masked (not removed), one net by entropy,
     * one by OBD, no fine-tuning.
     *
     * @param entropyNet the net pruned with {@code Importance.entropy()}
     * @param obdNet the net pruned with {@code Importance.hessianDiagonal()}
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check3(Net entropyNet, Net obdNet) {
        Reference r = ref();
        Check c = new Check(NAME, EXERCISES.get(2));
        boolean untouched = (entropyNet == null || Reference.sparsity(entropyNet) < 0.01)
                && (obdNet == null || Reference.sparsity(obdNet) < 0.01);
        if (untouched) {
            return c.notDoneYet("neither entropyNet nor obdNet is pruned", "prune each with its criterion: a structured"
                    + " Pruner with setSparsity(0.5), plan(net, data), apply().").verdict();
        }
        criterion(c, "entropyNet", entropyNet, Importance.entropy(), "Importance.entropy()");
        criterion(c, "obdNet", obdNet, Importance.hessianDiagonal(), "Importance.hessianDiagonal()");
        if (!c.failed()) {
            c.report(String.format("accuracy without fine-tuning: entropy %.4f, OBD %.4f, dense %.4f (reported, not graded)",
                    entropyNet.accuracy(r.data.test()), obdNet.accuracy(r.data.test()), r.denseAccuracy));
        }
        return c.verdict();
    }
}
