package org.prunekit.train;

import java.util.Locale;
import org.prunekit.data.Examples;

/**
 * The number a result reports for a net on a test set: accuracy for a classifier (higher is
 * better), perplexity for a language model (lower is better). The runners pick the metric from
 * their data ({@link #of(Examples)}), measure it ({@link #measure}) and keep it in their result,
 * so tables, charts and comparisons know which way is better.
 */
public enum Metric {

    /** The fraction of targets predicted correctly (images, rows and texts classified). */
    ACCURACY("accuracy", true),
    /** {@code exp} of the mean cross-entropy per token of a language model: the vocabulary size for a uniform guess. */
    PERPLEXITY("perplexity", false);

    private final String label;
    private final boolean higherIsBetter;

    Metric(String label, boolean higherIsBetter) {
        this.label = label;
        this.higherIsBetter = higherIsBetter;
    }

    /**
     * @param data a test set
     * @return {@link #PERPLEXITY} for next-token windows, else {@link #ACCURACY}
     */
    public static Metric of(Examples data) {
        return data.task() == Examples.Task.NEXT_TOKEN ? PERPLEXITY : ACCURACY;
    }

    /**
     * @param net a net
     * @param data the examples to measure it on
     * @return the metric's value for the net on the data
     */
    public double measure(Trainable net, Examples data) {
        Evaluation e = Evaluation.of(net, data);
        return this == ACCURACY ? e.accuracy() : e.perplexity();
    }

    /** @return whether a higher value is better (accuracy) or a lower one (perplexity) */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * @param a a value
     * @param b another
     * @return whether {@code a} is better than {@code b}
     */
    public boolean isBetter(double a, double b) {
        return higherIsBetter ? a > b : a < b;
    }

    /**
     * How much worse a value is than a baseline, in the metric's own terms: for accuracy the
     * points lost ({@code baseline - value}), for perplexity the rise ({@code value - baseline}).
     *
     * @param baseline the reference (the dense net)
     * @param value a value
     * @return the loss of quality, positive when {@code value} is worse
     */
    public double drop(double baseline, double value) {
        return higherIsBetter ? baseline - value : value - baseline;
    }

    /**
     * Whether a value is close enough to a baseline: accuracy at most {@code margin} below it
     * (0.01 = one percentage point), perplexity at most the fraction {@code margin} above it
     * (0.01 = 1 % higher).
     *
     * @param value a value
     * @param baseline the reference
     * @param margin the loss accepted, in [0, 1)
     * @return whether {@code value} is within the margin
     */
    public boolean within(double value, double baseline, double margin) {
        return higherIsBetter ? value >= baseline - margin : value <= baseline * (1 + margin);
    }

    /** @return how {@link #within} reads its margin, for column titles: {@code "pp"} or {@code "%"} */
    public String marginUnit() {
        return higherIsBetter ? "pp" : "%";
    }

    /** @return the short name for table columns: {@code acc} or {@code ppl} */
    public String shortLabel() {
        return higherIsBetter ? "acc" : "ppl";
    }

    /**
     * @param value a value of this metric
     * @return it as text: accuracy with 4 decimals, perplexity with 2
     */
    public String format(double value) {
        return String.format(Locale.ROOT, this == ACCURACY ? "%.4f" : "%.2f", value);
    }

    /** @return {@code accuracy} or {@code perplexity} */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
