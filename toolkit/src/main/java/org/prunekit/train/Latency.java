package org.prunekit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.prunekit.PruneKit;
import org.prunekit.data.Examples;

/**
 * Measured inference time of a net on one batch: it warms up until the pass time is steady (the
 * first passes through a new net or a new batch size are several times slower while memory is set
 * up, and small batches are several times slower until the JIT has compiled the Java side of the
 * engine calls), then times a number of passes and reports their median and spread.
 *
 * <p>What is timed: one pass is {@code net.forward(x, false)} on the batch (inference mode) plus
 * copying the logits out to a Java array, nothing else. The batch is built once, before the clock
 * starts, and stays in native memory for the whole measurement (one batch per net in
 * {@link #compare}).
 *
 * <p>Memory: every pass's arrays are freed when the pass ends, warm-up passes included. The input's
 * layout copy, every intermediate activation and the logits belong to a manager of that pass
 * alone and are freed right after the clock has stopped, the same way for every net and every
 * pass: freeing is never part of a timed pass. A measurement therefore holds the native memory of
 * one pass however many passes it runs (before issue 19, item 4, it kept every pass's activations
 * until it ended: +290 MB per 1,000-image pass of ResNet-8, and passes several times slower as it
 * grew).
 *
 * <p>Warm-up lasts at least {@value #MIN_WARMUP_MILLIS} ms and then stops when the pass time is
 * steady, after {@value #MAX_WARMUP_PASSES} passes, or once 10 s have passed (the pass under way
 * finishes). The minimum is for small batches: a one-image pass of LeNet-300-100 took 121 µs over
 * its first 50 passes, 52 µs over passes 200-500, 41 µs over 1,000-2,000 and 35 µs from 4,000 on
 * (LeNet-5: 470, 236, 192, 175 µs) while the JIT compiled DJL's Java code, and five passes in a row
 * look steady long before that (issue 23: the first batch-1 comparisons with PyTorch were up to 1.3x
 * too slow for this reason). A large batch reaches its steady time within the minimum anyway.
 *
 * <pre>{@code
 * Latency.Result r = Latency.measure(net, data.test(), 1000);   // r.medianMillis(), r.minMillis(), r
 * }</pre>
 */
public final class Latency {

    /** Passes timed by {@link #measure(Trainable, Examples, int)}. */
    public static final int DEFAULT_PASSES = 21;

    /** The most untimed warm-up passes one net gets (fewer if 10 s have passed). */
    public static final int MAX_WARMUP_PASSES = 100_000;

    /** The least time one net warms up, in milliseconds (see the class comment). */
    public static final int MIN_WARMUP_MILLIS = 1000;

    private static final int WINDOW = 5;
    private static final double STEADY = 0.05;
    private static final long WARMUP_NANOS = 10_000_000_000L;

    private Latency() {}

    /**
     * One measurement.
     *
     * @param batchSize images per pass
     * @param warmupPasses untimed passes run until the time per pass was steady
     * @param millis every timed pass, in milliseconds, in the order measured
     */
    public record Result(int batchSize, int warmupPasses, double[] millis) {

        /** @return the median pass, in milliseconds */
        public double medianMillis() {
            return quantile(0.5);
        }

        /** @return the fastest pass */
        public double minMillis() {
            return quantile(0);
        }

        /** @return the slowest pass */
        public double maxMillis() {
            return quantile(1);
        }

        /**
         * @param q in [0, 1]
         * @return that quantile of the timed passes (nearest rank)
         */
        public double quantile(double q) {
            double[] s = millis.clone();
            Arrays.sort(s);
            return s[(int) Math.round(q * (s.length - 1))];
        }

        /** @return the spread, (75th − 25th percentile) / median */
        public double relativeSpread() {
            return (quantile(0.75) - quantile(0.25)) / medianMillis();
        }

        @Override
        public String toString() {
            return String.format("%.3f ms per %d images (median of %d passes, min %.3f, max %.3f, after %d warm-up"
                    + " passes)", medianMillis(), batchSize, millis.length, minMillis(), maxMillis(), warmupPasses);
        }
    }

    /**
     * @param net the net
     * @param images the first {@code batchSize} images are classified
     * @param batchSize images per pass
     * @return the median, spread and every timed pass of {@value #DEFAULT_PASSES} passes after a steady warm-up
     */
    public static Result measure(Trainable net, Examples images, int batchSize) {
        return measure(net, images, batchSize, DEFAULT_PASSES);
    }

    /**
     * @param net the net
     * @param images the first {@code batchSize} images are classified
     * @param batchSize images per pass
     * @param passes timed passes (at least 1)
     * @return the measurement
     */
    public static Result measure(Trainable net, Examples images, int batchSize, int passes) {
        PruneKit.noGrad();
        if (passes < 1 || batchSize < 1) {
            throw new IllegalArgumentException("Give at least one pass of at least one image, got " + passes
                    + " passes of " + batchSize + ".");
        }
        int b = Math.min(batchSize, images.size());
        int[] order = Examples.inOrder(b);
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = images.batch(m, order, 0, b, net.inputShape()).get(0);
            int warm = warmUp(net, x);
            double[] times = new double[passes];
            for (int r = 0; r < passes; r++) {
                times[r] = pass(net, x);
            }
            return new Result(b, warm, times);
        }
    }

    /**
     * @param net the net
     * @param images the first {@code batchSize} images are classified
     * @param batchSize images per pass
     * @param repetitions timed passes (after a warm-up until steady)
     * @return the median milliseconds per pass
     */
    public static double medianMillis(Trainable net, Examples images, int batchSize, int repetitions) {
        return measure(net, images, batchSize, repetitions).medianMillis();
    }

    /**
     * Times several nets fairly on a shared machine: each is warmed up until steady, then they
     * take turns, {@code rounds} rounds of {@code passes} timed passes each, and every net gets the
     * fastest of its round medians (other load only ever slows a pass down, and taking turns
     * exposes every net to the same drifts). Every net's batch stays in native memory until the last
     * round ends; every pass's own arrays are freed when the pass ends (see the class comment).
     *
     * @param nets the nets
     * @param images the first {@code batchSize} images are classified
     * @param batchSize images per pass
     * @param rounds rounds of turns (at least 1)
     * @param passes timed passes per turn (at least 1)
     * @return per net, in order, the best round median in milliseconds
     */
    public static double[] compare(java.util.List<? extends Trainable> nets, Examples images, int batchSize, int rounds,
            int passes) {
        PruneKit.noGrad();
        if (rounds < 1 || passes < 1) {
            throw new IllegalArgumentException("Give at least one round of one pass, got " + rounds + " and " + passes
                    + ".");
        }
        int b = Math.min(batchSize, images.size());
        int[] order = Examples.inOrder(b);
        double[] best = new double[nets.size()];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        java.util.List<NDManager> managers = new java.util.ArrayList<>();
        java.util.List<NDArray> inputs = new java.util.ArrayList<>();
        try {
            for (Trainable net : nets) {
                NDManager m = net.manager().newSubManager();
                managers.add(m);
                NDArray x = images.batch(m, order, 0, b, net.inputShape()).get(0);
                inputs.add(x);
                warmUp(net, x);
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < nets.size(); i++) {
                    double[] times = new double[passes];
                    for (int p = 0; p < passes; p++) {
                        times[p] = pass(nets.get(i), inputs.get(i));
                    }
                    best[i] = Math.min(best[i], median(times));
                }
            }
        } finally {
            managers.forEach(NDManager::close);
        }
        return best;
    }

    /**
     * Runs passes for at least {@value #MIN_WARMUP_MILLIS} ms, then until the median of the last five
     * is within 5 % of the five before (or {@value #MAX_WARMUP_PASSES} passes, 10 s).
     */
    static int warmUp(Trainable net, NDArray x) {
        return warmUp(inference(net), x);
    }

    /** @return the net's inference pass: {@code forward(x, false)} */
    static UnaryOperator<NDArray> inference(Trainable net) {
        return x -> net.forward(x, false);
    }

    /** {@link #warmUp(Trainable, NDArray)} for any pass: runs it until its time is steady. */
    static int warmUp(UnaryOperator<NDArray> net, NDArray x) {
        double[] recent = new double[2 * WINDOW];
        long start = System.nanoTime();
        int n = 0;
        while (n < MAX_WARMUP_PASSES && System.nanoTime() - start < WARMUP_NANOS) {
            recent[n % recent.length] = pass(net, x);
            n++;
            if (n >= recent.length && System.nanoTime() - start >= MIN_WARMUP_MILLIS * 1_000_000L) {
                double[] older = new double[WINDOW];
                double[] newer = new double[WINDOW];
                for (int i = 0; i < WINDOW; i++) {
                    older[i] = recent[(n - 2 * WINDOW + i) % recent.length];
                    newer[i] = recent[(n - WINDOW + i) % recent.length];
                }
                double a = median(older);
                double c = median(newer);
                if (Math.abs(a - c) <= STEADY * Math.max(a, c)) {
                    break;
                }
            }
        }
        return n;
    }

    /**
     * One timed pass. The pass gets its own manager, and {@code x} is attached to it for the pass
     * ({@link NDArray#tempAttach}): an operation's result goes to its first operand's manager, so
     * the layout copy, every intermediate activation and the logits of {@code net.forward(x)} all
     * land in the pass's manager and are freed when it closes, after the clock has stopped;
     * {@code x} then goes back to its own manager for the next pass.
     */
    static double pass(Trainable net, NDArray x) {
        return pass(inference(net), x);
    }

    /** {@link #pass(Trainable, NDArray)} for any pass that takes a batch and returns its outputs. */
    static double pass(UnaryOperator<NDArray> net, NDArray x) {
        try (NDManager pass = x.getManager().newSubManager()) {
            x.tempAttach(pass);
            long start = System.nanoTime();
            net.apply(x).toFloatArray(); // the result is really computed (and copied out, as a caller would)
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
