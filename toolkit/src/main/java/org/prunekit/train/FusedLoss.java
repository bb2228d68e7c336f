package org.prunekit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The training loss of a small classifier's batch, computed on the Java side in one pass over
 * the logits: the mean softmax cross-entropy, the number of correct answers and the loss's
 * gradient with respect to the logits, {@code (softmax(z) − onehot(y)) / rows}. The engine then
 * only has to propagate that gradient back: {@link #objective} is {@code Σ z·G} with the gradient
 * {@code G} as a constant, whose derivative is {@code G} exactly.
 *
 * <p>What this saves per batch, against the loss as engine operations (log-softmax, gather, mean,
 * negation, each recorded and differentiated, then argmax and three read-backs): about ten native
 * calls, replaced by one copy of the logits into the heap, one array made from the gradient and two
 * recorded operations. The values are computed in double precision, the gradient rounded to float
 * once; the engine's float computation agrees within float rounding (tested against a
 * double-precision reference and against {@link Training#crossEntropy}).
 *
 * @param loss the mean cross-entropy over the rows
 * @param correct the rows whose largest logit (the first, on ties, as the engine's argmax) is the target
 * @param gradient d loss / d logits, row-major like the logits
 */
record FusedLoss(double loss, long correct, float[] gradient) {

    /** Logits up to this many values take the fused loss (a classifier's batch; a language model's does not). */
    static final long MAX_VALUES = 1 << 16;

    /**
     * @param logits the logits, row-major, {@code targets.length} rows of {@code classes}
     * @param classes the number of classes
     * @param targets the target class of every row
     * @return the loss, the correct count and the gradient
     * @throws IllegalArgumentException if a target is outside {@code 0..classes-1}
     */
    static FusedLoss of(float[] logits, int classes, int[] targets) {
        int rows = targets.length;
        if ((long) rows * classes != logits.length) {
            throw new IllegalArgumentException(logits.length + " logits are not " + rows + " rows of " + classes
                    + " classes.");
        }
        float[] grad = new float[logits.length];
        double lossSum = 0;
        long correct = 0;
        double invRows = 1.0 / rows;
        double[] exps = new double[classes]; // each logit's exp, once per row
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            int y = targets[r];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("Target " + y + " of row " + r + " is not one of the " + classes
                        + " classes 0.." + (classes - 1) + ".");
            }
            float max = logits[base];
            int best = 0;
            for (int j = 1; j < classes; j++) {
                if (logits[base + j] > max) {
                    max = logits[base + j];
                    best = j;
                }
            }
            correct += best == y ? 1 : 0;
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                exps[j] = Math.exp((double) logits[base + j] - max);
                sum += exps[j];
            }
            lossSum += Math.log(sum) - ((double) logits[base + y] - max);
            for (int j = 0; j < classes; j++) {
                grad[base + j] = (float) ((exps[j] / sum - (j == y ? 1 : 0)) * invRows);
            }
        }
        return new FusedLoss(lossSum * invRows, correct, grad);
    }

    /**
     * @param logits the recorded logits the gradient belongs to
     * @param manager the batch's manager (the gradient array is freed with the batch)
     * @return a scalar whose gradient with respect to {@code logits} is {@link #gradient()}
     */
    NDArray objective(NDArray logits, NDManager manager) {
        NDArray g = manager.create(gradient, logits.getShape());
        return logits.mul(g).sum();
    }
}
