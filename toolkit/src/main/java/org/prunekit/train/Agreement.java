package org.prunekit.train;

import ai.djl.ndarray.NDManager;
import org.prunekit.PruneKit;
import org.prunekit.data.Examples;

/**
 * Whether two nets compute the same outputs on a set of images: the largest absolute difference
 * between their logits, and how often they predict the same class. A value; printing it gives a
 * one-line summary.
 *
 * <p>Its main use is the check that structured pruning kept its promise: a net with masks and
 * its copy after {@code removePrunedUnits()} compute the same logits (up to float rounding), since
 * a removed unit was exactly zero wherever it was read.
 *
 * <pre>{@code
 * Net masked = net.copy();           // after plan.apply(), before the removal
 * net.removePrunedUnits();
 * Agreement.of(masked, net, data.test()).requireWithin(1e-5);
 * }</pre>
 */
public final class Agreement {

    private static final int BATCH = 500;

    private final String first;
    private final String second;
    private final String data;
    private final String unit;
    private final int images;
    private final int samePredictions;
    private final double maxDifference;
    private final int worstImage;
    private final int worstClass;
    private final float worstFirst;
    private final float worstSecond;

    private Agreement(String first, String second, String data, String unit, int images, int samePredictions,
            double maxDifference, int worstImage, int worstClass, float worstFirst, float worstSecond) {
        this.first = first;
        this.second = second;
        this.data = data;
        this.unit = unit;
        this.images = images;
        this.samePredictions = samePredictions;
        this.maxDifference = maxDifference;
        this.worstImage = worstImage;
        this.worstClass = worstClass;
        this.worstFirst = worstFirst;
        this.worstSecond = worstSecond;
    }

    /**
     * Runs both nets on every image (inference mode, batches of 500, each batch in its own native
     * memory scope per net, so native memory does not grow) and compares their logits.
     *
     * @param a a net, e.g. the masked one
     * @param b another net with the same input shape and classes, e.g. {@code a}'s shrunk copy
     * @param images the examples to compare on (at least one); for token windows every position
     *     counts as one "image" of the result, and the text says "positions"
     * @return how far the two nets' outputs are apart
     * @throws IllegalArgumentException if the nets take other inputs or give another number of
     *     classes, or the set is empty
     */
    public static Agreement of(Trainable a, Trainable b, Examples images) {
        PruneKit.noGrad();
        if (!a.inputShape().equals(b.inputShape()) || a.numClasses() != b.numClasses()) {
            throw new IllegalArgumentException("Nets " + a.name() + " (input " + a.inputShape() + ", " + a.numClasses()
                    + " classes) and " + b.name() + " (input " + b.inputShape() + ", " + b.numClasses() + " classes)"
                    + " cannot be compared: they must take the same inputs and give the same number of outputs.");
        }
        if (images.size() == 0) {
            throw new IllegalArgumentException("Cannot compare nets on " + images.name() + ": it holds no images.");
        }
        int k = a.numClasses();
        int per = images.targetsPerExample(); // rows of logits per example: 1, or a language model's positions
        int[] order = Examples.inOrder(images.size());
        int same = 0;
        double max = 0;
        int worstImage = 0;
        int worstClass = 0;
        float worstA = 0;
        float worstB = 0;
        for (int from = 0; from < order.length; from += BATCH) {
            int to = Math.min(order.length, from + BATCH);
            float[] za = logits(a, images, order, from, to);
            float[] zb = logits(b, images, order, from, to);
            for (int i = 0; i < (to - from) * per; i++) {
                int argA = 0;
                int argB = 0;
                for (int c = 0; c < k; c++) {
                    float x = za[i * k + c];
                    float y = zb[i * k + c];
                    // a NaN or an infinity on either side makes the difference NaN, which sticks (the first kept)
                    double d = Float.isFinite(x) && Float.isFinite(y) ? Math.abs((double) x - y) : Double.NaN;
                    if (!Double.isNaN(max) && !(d <= max)) {
                        max = d;
                        worstImage = from * per + i;
                        worstClass = c;
                        worstA = x;
                        worstB = y;
                    }
                    argA = x > za[i * k + argA] ? c : argA;
                    argB = y > zb[i * k + argB] ? c : argB;
                }
                same += argA == argB ? 1 : 0;
            }
        }
        return new Agreement(a.name(), b.name(), images.name(), per == 1 ? images.noun() : "positions",
                images.size() * per, same, max, worstImage, worstClass,
                worstA, worstB);
    }

    private static float[] logits(Trainable net, Examples images, int[] order, int from, int to) {
        try (NDManager m = net.manager().newSubManager()) {
            return net.forward(images.batch(m, order, from, to, net.inputShape()).get(0), false).toFloatArray();
        }
    }

    /**
     * @return the largest |logit of a − logit of b| over every image and class; NaN if an output was
     *     NaN or infinite
     */
    public double maxDifference() {
        return maxDifference;
    }

    /** @return the number of images the two nets predict the same class for */
    public int samePredictions() {
        return samePredictions;
    }

    /** @return the fraction of images the two nets predict the same class for */
    public double samePredictionFraction() {
        return samePredictions / (double) images;
    }

    /** @return the number of images compared */
    public int images() {
        return images;
    }

    /**
     * @param tolerance the largest logit difference that counts as equal (float rounding: 1e-5)
     * @return whether every logit of the two nets is finite and within {@code tolerance}
     */
    public boolean isWithin(double tolerance) {
        checkTolerance(tolerance);
        return maxDifference <= tolerance;
    }

    /**
     * Asserts that the two nets compute the same outputs.
     *
     * @param tolerance the largest logit difference that counts as equal (float rounding: 1e-5)
     * @return this, when every logit is finite and within {@code tolerance}
     * @throws IllegalStateException otherwise, saying by how much and where they differ
     */
    public Agreement requireWithin(double tolerance) {
        if (isWithin(tolerance)) {
            return this;
        }
        throw new IllegalStateException(String.format("The %s do not compute the same outputs on %s: the largest"
                + " logit difference over %,d %s is %.3g (%s %d, class %d: %s vs %s), above the tolerance %.1g,"
                + " and they predict the same class for %,d of them (%.2f %%). Removing masked-out units"
                + " (removePrunedUnits()) must not change what a net computes, so if one net is the other's masked"
                + " copy made right before the removal, this is a fault of the engine (PruneKit.init() prints a"
                + " notice if the engine failed its self-check) or of the surgery, not of the pruning settings;"
                + " the numbers computed with these nets cannot be trusted.", nets(), data, images, unit,
                maxDifference, unit.substring(0, unit.length() - 1), worstImage, worstClass, worstFirst, worstSecond,
                tolerance, samePredictions, 100 * samePredictionFraction()));
    }

    private static void checkTolerance(double tolerance) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("The tolerance must be a finite number >= 0, got " + tolerance
                    + "; 1e-5 allows float rounding.");
        }
    }

    @Override
    public String toString() {
        return String.format("%s on %,d %s of %s: largest logit difference %.2e, same prediction for %,d"
                + " (%.2f %%)", nets(), images, unit, data, maxDifference, samePredictions, 100 * samePredictionFraction());
    }

    /** @return "two MyCNN nets" (a net and its copy share their name), else "LeNet-5 and SmallCNN" */
    private String nets() {
        return first.equals(second) ? "two " + first + " nets" : first + " and " + second;
    }
}
