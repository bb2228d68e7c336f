package org.prunekit.course;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.prunekit.model.Layer;
import org.prunekit.model.Models;
import org.prunekit.model.Net;
import org.prunekit.notebook.Mode;
import org.prunekit.prune.Importance;
import org.prunekit.prune.IterativePruning;
import org.prunekit.prune.Pruner;
import org.prunekit.prune.Schedule;
import org.prunekit.prune.Scope;
import org.prunekit.prune.Sensitivity;
import org.prunekit.prune.SensitivityScan;
import org.prunekit.train.Progress;
import org.prunekit.train.TrainConfig;

/**
 * The checks of assignment 3, "Schedules, sensitivity and the lottery ticket" (notebook
 * {@code assignment-03-schedules-sensitivity-lottery.ipynb}). {@link #setUp()} trains LeNet-300-100
 * as in assignment 1 and keeps its own copy of the model and data.
 *
 * <ol>
 *   <li>{@link #check1}: the targets of Han's iterative and Zhu and Gupta's cubic schedule,
 *       computed by hand, against the formulas (15 points).</li>
 *   <li>{@link #check2}: iterative global magnitude pruning to 90 % in 3 steps: the masks against
 *       the checker's own iterative run (a one-shot plan does not match), the accuracy (25 points).</li>
 *   <li>{@link #check3}: from a sensitivity analysis, each layer's safe sparsity and the most
 *       sensitive layer, against the checker's own analysis (20 points).</li>
 *   <li>{@link #check4}: a lottery ticket before retraining: the masks of an 80 % global magnitude
 *       plan and every kept weight rewound to its initial value (20 points).</li>
 *   <li>{@link #check5}: the ticket retrained, and a control with the same masks but other random
 *       initial weights, retrained the same way: masks, accuracy, the control really re-initialised;
 *       both accuracies reported (20 points).</li>
 * </ol>
 */
public final class Assignment3 {

    /** The assignment's name in the {@link Gradebook}. */
    public static final String NAME = "assignment-03";

    /** The exercises and their points. */
    public static final List<Exercise> EXERCISES = List.of(
            new Exercise(1, "schedules by hand", 15),
            new Exercise(2, "iterative pruning to 90 %", 25),
            new Exercise(3, "sensitivity analysis", 20),
            new Exercise(4, "lottery ticket: masks and rewind", 20),
            new Exercise(5, "ticket vs random re-initialisation", 20));

    /** The sparsities of exercise 3's sensitivity analysis. */
    public static final double[] SENSITIVITY_LEVELS = {0.5, 0.8, 0.9, 0.95};

    /** Exercise 2: the least share of the checker's iterative run's kept weights a submission must keep. */
    static final double ITERATIVE_OVERLAP = 0.97;

    private static final ReferenceSlot REF = new ReferenceSlot(NAME, "Assignment3");
    private static int epochs;

    private Assignment3() {}

    /**
     * Trains LeNet-300-100 as assignment 1 does (10 epochs on 8,000 images; quick mode 4 epochs on
     * 4,000), keeps a copy for the checks and forgets earlier grades of this assignment.
     *
     * @return the data and the student's copy of the trained model
     */
    public static Start setUp() {
        return setUp(Mode.rows(0, 4_000), Mode.rows(0, 2_000), Mode.epochs(10, 4));
    }

    static synchronized Start setUp(int trainRows, int testRows, int trainEpochs) {
        epochs = trainEpochs;
        return REF.setUp(trainRows, testRows, trainEpochs);
    }

    /** @return the training recipe of the set-up (seed 42), for retraining a ticket */
    public static TrainConfig recipe() {
        ref();
        return Reference.recipe(epochs);
    }

    private static Reference ref() {
        return REF.get();
    }

    /** @return Han's s_k = 1 - (1 - s)^(k/n) and the cubic s_f + (s_i - s_f)(1 - k/n)^3, k = 1..n */
    static double[][] schedules(double sf, int n) {
        double[][] out = new double[2][n];
        for (int k = 1; k <= n; k++) {
            out[0][k - 1] = 1 - Math.pow(1 - sf, k / (double) n);
            out[1][k - 1] = sf + (0 - sf) * Math.pow(1 - k / (double) n, 3);
        }
        return out;
    }

    /**
     * Exercise 1: the targets after steps 1..4 of {@code Schedule.iterative(0.9, 4)} and of
     * {@code Schedule.gradual(0, 0.9, 4)}.
     *
     * @param iterative the four targets of the iterative schedule
     * @param gradual the four targets of the cubic schedule
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check1(double[] iterative, double[] gradual) {
        ref();
        Check c = new Check(NAME, EXERCISES.get(0));
        if (iterative == null && gradual == null) {
            return c.notDoneYet("iterativeTargets and gradualTargets are null",
                    "compute the four targets of each schedule from its formula.").verdict();
        }
        double[][] want = schedules(0.9, 4);
        double[] linear = {0.225, 0.45, 0.675, 0.9};
        check1One(c, "iterative", iterative, want[0], linear, "s_k = 1 - (1 - 0.9)^(k/4): each step removes the same"
                + " fraction of the weights that remain.");
        check1One(c, "gradual", gradual, want[1], linear, "s_k = 0.9 + (0 - 0.9) * (1 - k/4)^3: fast at first, slow at"
                + " the end.");
        return c.verdict();
    }

    private static void check1One(Check c, String what, double[] got, double[] want, double[] linear, String formula) {
        boolean ok = got != null && got.length == want.length;
        boolean isLinear = ok;
        for (int i = 0; ok && i < want.length; i++) {
            ok = Math.abs(got[i] - want[i]) < 1e-9;
        }
        for (int i = 0; isLinear && i < want.length; i++) {
            isLinear = Math.abs(got[i] - linear[i]) < 1e-9;
        }
        c.require(ok, what + " targets " + (got == null ? "null" : java.util.Arrays.toString(round(got))),
                got == null || got.length != 4 ? "give 4 targets, one per step." : isLinear
                        ? "those are linear steps 0.9·k/4; " + formula : formula);
    }

    private static double[] round(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.round(a[i] * 1e4) / 1e4;
        }
        return out;
    }

    private static Pruner magnitude(double sparsity) {
        return Pruner.builder().setImportance(Importance.magnitudeL1()).setSparsity(sparsity).optScope(Scope.GLOBAL)
                .build();
    }

    /**
     * Exercise 2: {@code IterativePruning} with global magnitude pruning, {@code Schedule.iterative(0.9, 3)}
     * and one epoch of fine-tuning per step ({@code TrainConfig.epochs(1)}).
     *
     * @param iterNet the student's pruned net
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check2(Net iterNet) {
        Reference r = ref();
        Check c = new Check(NAME, EXERCISES.get(1));
        if (iterNet == null || !Reference.sameShapes(iterNet, r.trained)) {
            return c.require(false, "iterNet is " + (iterNet == null ? "null" : "not a LeNet-300-100 with all its units"),
                    "start from iterNet = trained.copy().").verdict();
        }
        double sparsity = Reference.sparsity(iterNet);
        if (sparsity < 0.01) {
            return c.notDoneYet(String.format("iterNet has sparsity %.4f: it is not pruned", sparsity),
                    "run IterativePruning on iterNet (see the exercise text).").verdict();
        }
        List<boolean[]> mine = Reference.kept(iterNet);
        double own;
        double oneShot;
        try (Net it = r.trained.copy(); Net one = r.trained.copy()) {
            IterativePruning.builder().setPruner(magnitude(0.9)).setSchedule(Schedule.iterative(0.9, 3))
                    .optFineTune(TrainConfig.epochs(1)).optProgress(Progress.none()).build().run(it, r.data);
            magnitude(0.9).plan(one).apply();
            own = Reference.keptOverlap(mine, Reference.kept(it));
            oneShot = Reference.keptOverlap(mine, Reference.kept(one));
        }
        double acc = iterNet.accuracy(r.data.test());
        c.require(sparsity >= 0.9 - 1e-9, String.format("sparsity %.4f (needed >= 0.90)", sparsity),
                "the schedule must end at 0.9: Schedule.iterative(0.9, 3).");
        c.require(own >= ITERATIVE_OVERLAP && own > oneShot, String.format("masks: %.1f %% of the weights the checker's"
                        + " own iterative run keeps are kept (needed >= %.0f %%; a one-shot 90 %% plan: %.1f %%)", 100 * own,
                        100 * ITERATIVE_OVERLAP, 100 * oneShot),
                oneShot >= own ? "your masks are those of one-shot pruning: prune in 3 steps with IterativePruning and"
                        + " Schedule.iterative(0.9, 3), fine-tuning between the steps."
                : "use exactly: global magnitude pruning (optScope(Scope.GLOBAL)), Schedule.iterative(0.9, 3),"
                        + " optFineTune(TrainConfig.epochs(1)).");
        c.require(acc >= r.denseAccuracy - 0.02, String.format("accuracy %.4f (needed >= %.4f = dense %.4f - 0.02)", acc,
                        r.denseAccuracy - 0.02, r.denseAccuracy),
                "fine-tune between the steps: optFineTune(TrainConfig.epochs(1)).");
        return c.verdict();
    }

    /**
     * Exercise 3: from {@code SensitivityScan.builder().setImportance(Importance.magnitudeL1())
     * .setSparsities(SENSITIVITY_LEVELS).build().run(trained, data)}, each layer's safe sparsity (the highest measured
     * sparsity whose accuracy is within 1 point of the baseline, 0 if none) and the most sensitive
     * layer (the lowest accuracy at the highest level).
     *
     * @param safe layer name to safe sparsity
     * @param mostSensitive the most sensitive layer's name
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check3(Map<String, Double> safe, String mostSensitive) {
        Reference r = ref();
        Check c = new Check(NAME, EXERCISES.get(2));
        if ((safe == null || safe.isEmpty()) && mostSensitive == null) {
            return c.notDoneYet("safeSparsity is empty and mostSensitive is null",
                    "read the points of the sensitivity analysis: sens.of(layer) gives (sparsity, accuracy) per level.")
                    .verdict();
        }
        Sensitivity own = SensitivityScan.builder().setImportance(Importance.magnitudeL1())
                .setSparsities(SENSITIVITY_LEVELS).optProgress(Progress.none()).build().run(r.trained, r.data);
        Map<String, Double> want = new LinkedHashMap<>();
        String worst = null;
        double worstAcc = 2;
        double top = SENSITIVITY_LEVELS[SENSITIVITY_LEVELS.length - 1];
        for (String layer : own.layers()) {
            want.put(layer, own.safeSparsity(layer, 0.01));
            for (Sensitivity.Point p : own.of(layer)) {
                if (p.sparsity() == top && p.accuracy() < worstAcc) {
                    worstAcc = p.accuracy();
                    worst = layer;
                }
            }
        }
        boolean sameSafe = safe != null && safe.keySet().equals(want.keySet());
        for (String layer : want.keySet()) {
            sameSafe &= safe != null && safe.get(layer) != null && Math.abs(safe.get(layer) - want.get(layer)) < 1e-9;
        }
        Map<String, Double> five = new LinkedHashMap<>();
        for (String layer : own.layers()) {
            five.put(layer, own.safeSparsity(layer, 0.05));
        }
        c.require(sameSafe, "safe sparsities " + safe, safe != null && safe.equals(five)
                ? "those are within 5 points of the baseline; the exercise asks for within 1 point (0.01)."
                : "for each of fc1, fc2, fc3: the highest level whose accuracy is >= baseline - 0.01 (0 if none).");
        c.require(worst.equals(mostSensitive), "most sensitive layer " + mostSensitive,
                "the most sensitive layer has the lowest accuracy when pruned to " + top + " alone.");
        if (!c.failed()) {
            c.report(String.format("equal to the checker's own analysis (baseline %.4f)", own.baseline()));
        }
        return c.verdict();
    }

    /**
     * Exercise 4: the ticket before retraining: the masks of a global magnitude plan to 80 % of
     * the trained model, every kept weight back at its initial value ({@code Models.lenet300100(42)}).
     *
     * @param ticket the student's rewound net
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check4(Net ticket) {
        Reference r = ref();
        Check c = new Check(NAME, EXERCISES.get(3));
        if (ticket == null || !Reference.sameShapes(ticket, r.trained)) {
            return c.require(false, "ticket is " + (ticket == null ? "null" : "not a LeNet-300-100 with all its units"),
                    "start from ticket = trained.copy().").verdict();
        }
        double sparsity = Reference.sparsity(ticket);
        if (sparsity < 0.01) {
            return c.notDoneYet(String.format("ticket has sparsity %.4f: it is not pruned", sparsity),
                    "prune ticket to 80 % by global magnitude, then initial.rewind(ticket).").verdict();
        }
        double overlap;
        try (Net own = r.trained.copy()) {
            magnitude(0.8).plan(own).apply();
            overlap = Reference.keptOverlap(Reference.kept(ticket), Reference.kept(own));
        }
        long kept = 0;
        long atInit = 0;
        long atTrained = 0;
        try (Net init = Models.lenet300100(42)) {
            for (Layer l : ticket.prunableLayers()) {
                float[] w = l.weightValues();
                float[] w0 = init.layer(l.name()).weightValues();
                float[] wt = r.trained.layer(l.name()).weightValues();
                for (int i = 0; i < w.length; i++) {
                    if (w[i] != 0f) {
                        kept++;
                        atInit += Math.abs(w[i] - w0[i]) <= 1e-6f ? 1 : 0;
                        atTrained += Math.abs(w[i] - wt[i]) <= 1e-6f ? 1 : 0;
                    }
                }
            }
        }
        double rewound = kept == 0 ? 0 : atInit / (double) kept;
        c.require(sparsity >= 0.8 - 1e-9 && overlap >= 0.999, String.format("sparsity %.4f, %.1f %% of the weights the"
                        + " checker's global magnitude 80 %% plan keeps are kept (needed: 0.80 and 100 %%)", sparsity, 100 * overlap),
                "prune with Importance.magnitudeL1(), setSparsity(0.8), optScope(Scope.GLOBAL) on the trained copy.");
        c.require(rewound >= 0.999, String.format("%.1f %% of the kept weights are at their initial values (needed 100 %%)",
                        100 * rewound),
                atTrained > kept / 2 ? "the kept weights still have their trained values: rewind them with"
                        + " initial.rewind(ticket) after pruning."
                : "rewind to the initial weights of this very net: Snapshot.of(Models.lenet300100(42)), the seed"
                        + " `trained` started from.");
        return c.verdict();
    }

    private static double cosine(Net a, Net b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (Layer l : a.prunableLayers()) {
            float[] x = l.weightValues();
            float[] y = b.layer(l.name()).weightValues();
            for (int i = 0; i < x.length; i++) {
                ab += x[i] * (double) y[i];
                aa += x[i] * (double) x[i];
                bb += y[i] * (double) y[i];
            }
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    /**
     * Exercise 5: the ticket retrained with {@link #recipe()}, and a control: the same masks, other
     * random initial weights ({@code Models.lenet300100(7)}), retrained the same way.
     *
     * @param ticket the retrained ticket
     * @param control the retrained control
     * @return the grade (on failure an AssertionError is thrown instead)
     */
    public static Grade check5(Net ticket, Net control) {
        Reference r = ref();
        Check c = new Check(NAME, EXERCISES.get(4));
        if (ticket == null || control == null || !Reference.sameShapes(ticket, r.trained)
                || !Reference.sameShapes(control, r.trained)) {
            return c.notDoneYet("ticket or control is missing (null or not a LeNet-300-100)",
                    "retrain ticket with Assignment3.recipe(); make control from ticket.copy(), rewind it to"
                            + " Models.lenet300100(7)'s weights, retrain it the same way.").verdict();
        }
        List<boolean[]> plan;
        try (Net own = r.trained.copy()) {
            magnitude(0.8).plan(own).apply();
            plan = Reference.kept(own);
        }
        double ticketMasks = Reference.keptOverlap(Reference.kept(ticket), plan);
        double controlMasks = Reference.keptOverlap(Reference.kept(control), plan);
        double sparsityT = Reference.sparsity(ticket);
        double sparsityC = Reference.sparsity(control);
        double accT = ticket.accuracy(r.data.test());
        double accC = control.accuracy(r.data.test());
        double similarity = cosine(ticket, control);
        c.require(sparsityT >= 0.8 - 1e-9 && sparsityC >= 0.8 - 1e-9 && ticketMasks >= 0.999 && controlMasks >= 0.999,
                String.format("ticket and control keep the 80 %% plan's weights (%.1f %%, %.1f %%)", 100 * ticketMasks,
                        100 * controlMasks),
                "both must keep exactly the ticket's masks: retrain with net.fit(...) (masks stay put) and make the control"
                        + " from ticket.copy().");
        c.require(accT >= r.denseAccuracy - 0.03, String.format("ticket accuracy %.4f (needed >= %.4f = dense %.4f - 0.03)",
                        accT, r.denseAccuracy - 0.03, r.denseAccuracy),
                "retrain the ticket with Assignment3.recipe(), as long as the dense model was trained.");
        c.require(similarity < 0.5 && accC > 0.5, String.format("control: accuracy %.4f, weight similarity to the ticket"
                        + " %.2f (needed: retrained, > 0.5, and re-initialised, similarity < 0.5)", accC, similarity),
                similarity >= 0.5 ? "the control starts from the ticket's own initial weights: rewind it to another"
                        + " initialisation, Snapshot.of(Models.lenet300100(7)), before retraining."
                : "retrain the control the same way as the ticket.");
        if (!c.failed()) {
            c.report(String.format("ticket %.4f vs random re-initialisation %.4f (reported, not graded)", accT, accC));
        }
        return c.verdict();
    }
}
