package org.prunekit.prune;

import java.util.ArrayList;
import java.util.List;

/**
 * A pruning schedule: a pure function from a pruning step to the sparsity target at that step.
 * Steps are numbered 1..{@link #steps()}; the last step reaches the final sparsity.
 *
 * <ul>
 *   <li>{@link #oneShot(double)}: one step straight to the target.</li>
 *   <li>{@link #iterative(double, int)}: Han et al. 2015, prune → fine-tune → repeat, each step
 *       removing the same fraction of the weights that remain: s_k = 1 − (1 − s_f)^(k/n).</li>
 *   <li>{@link #gradual(double, double, int)}: Zhu and Gupta 2017, cubic:
 *       s_t = s_f + (s_i − s_f)(1 − (t − t₀)/(nΔt))³, here sampled at t = t₀ + kΔt, k = 1..n —
 *       fast at first, when there are many redundant weights, slow at the end.</li>
 * </ul>
 */
public interface Schedule {

    /** @return the number of pruning steps */
    int steps();

    /**
     * @param step from 1 to {@link #steps()}
     * @return the sparsity target after that step
     */
    double sparsityAt(int step);

    /** @return the targets of all steps, in order */
    default List<Double> targets() {
        List<Double> out = new ArrayList<>();
        for (int k = 1; k <= steps(); k++) {
            out.add(sparsityAt(k));
        }
        return out;
    }

    /**
     * @param sparsity the target
     * @return a single step to it
     */
    static Schedule oneShot(double sparsity) {
        double s = Pruner.checkSparsity(sparsity);
        return of("one-shot " + s, 1, k -> s);
    }

    /**
     * @param finalSparsity the target after the last step
     * @param steps how many prune/fine-tune rounds
     * @return Han et al.'s geometric schedule: the same fraction of the remaining weights each round
     */
    static Schedule iterative(double finalSparsity, int steps) {
        double s = Pruner.checkSparsity(finalSparsity);
        checkSteps(steps);
        return of(String.format("iterative to %.4f in %d steps", s, steps), steps,
                k -> 1 - Math.pow(1 - s, k / (double) steps));
    }

    /**
     * @param initialSparsity s_i, the sparsity at t₀ (often 0)
     * @param finalSparsity s_f
     * @param steps n, the number of pruning events after t₀
     * @return Zhu and Gupta's cubic schedule
     */
    static Schedule gradual(double initialSparsity, double finalSparsity, int steps) {
        double si = Pruner.checkSparsity(initialSparsity);
        double sf = Pruner.checkSparsity(finalSparsity);
        checkSteps(steps);
        if (si > sf) {
            throw new IllegalArgumentException("The initial sparsity " + si + " is above the final " + sf + ".");
        }
        return of(String.format("gradual (cubic) %.4f to %.4f in %d steps", si, sf, steps), steps,
                k -> sf + (si - sf) * Math.pow(1 - k / (double) steps, 3));
    }

    private static void checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("A schedule needs at least 1 step, got " + steps + ".");
        }
    }

    private static Schedule of(String description, int steps, java.util.function.IntToDoubleFunction f) {
        return new Schedule() {
            @Override
            public int steps() {
                return steps;
            }

            @Override
            public double sparsityAt(int step) {
                if (step < 1 || step > steps) {
                    throw new IllegalArgumentException("Step " + step + " is outside 1.." + steps + ".");
                }
                return f.applyAsDouble(step);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }
}
