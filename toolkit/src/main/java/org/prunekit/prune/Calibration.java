package org.prunekit.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Objects;
import java.util.function.Consumer;
import org.prunekit.data.ExampleSplit;
import org.prunekit.data.Examples;
import org.prunekit.model.Net;

/**
 * The calibration data of one-shot pruning methods (Wanda, SparseGPT): a seeded random draw of
 * a few examples (128 by default, as both papers use) whose inputs the methods measure at every
 * layer. It says what it is ({@code toString}: how many examples, from which set, which seed) and
 * is the one place examples are drawn, batched and checked against a net, so that other kinds
 * of data (token windows) only add a source here.
 *
 * <pre>{@code
 * Calibration cal = Calibration.builder().setData(data.train()).optExamples(128).optSeed(1).build();
 * cal;   // calibration: 128 examples of MNIST train (seed 1), batches of 32
 * }</pre>
 */
public final class Calibration {

    private final Examples source;
    private final Examples drawn;
    private final int examples;
    private final long seed;
    private final int batchSize;

    private Calibration(Builder b) {
        this.source = b.data;
        this.examples = b.examples;
        this.seed = b.seed;
        this.batchSize = b.batchSize;
        if (source.size() < examples) {
            throw new IllegalArgumentException("The calibration asks for " + examples + " examples but " + source.name()
                    + " has only " + source.size() + ": lower optExamples(...) or give a larger set.");
        }
        this.drawn = source.limit(examples, seed);
    }

    /** @return a builder; the data is required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param data the set to draw from
     * @return 128 examples of it, seed 42
     */
    public static Calibration of(Examples data) {
        return builder().setData(data).build();
    }

    /** @return how many examples are drawn */
    public int examples() {
        return examples;
    }

    /** @return the seed of the draw */
    public long seed() {
        return seed;
    }

    /** @return the examples in one measuring batch */
    public int batchSize() {
        return batchSize;
    }

    /** @return the name of the set drawn from */
    public String source() {
        return source.name();
    }

    /** @return the drawn examples, as a set (for criteria that measure on sets) */
    public Examples examplesDrawn() {
        return drawn;
    }

    /**
     * @param otherSeed another seed
     * @return the same calibration drawn with that seed
     */
    public Calibration withSeed(long otherSeed) {
        return builder().setData(source).optExamples(examples).optSeed(otherSeed).optBatchSize(batchSize).build();
    }

    /**
     * Checks that the examples fit the net's input.
     *
     * @param net the net
     * @throws IllegalArgumentException if they do not, saying what each has
     */
    void check(Net net) {
        try (NDManager bm = net.manager().newSubManager()) {
            drawn.batch(bm, new int[] {0}, 0, 1, net.inputShape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Calibration data " + source.name() + " does not fit net " + net.name()
                    + ", which reads inputs of shape " + net.inputShape() + " (" + e.getMessage() + "): calibrate"
                    + " with data of the task the net was trained on.", e);
        }
    }

    /**
     * Runs {@code body} on the input of every batch, each batch in its own sub-manager of the
     * net's manager (closed after the body returns).
     *
     * @param net the net (its input shape and manager)
     * @param body what to do with one batch's inputs
     */
    void forEachBatch(Net net, Consumer<NDArray> body) {
        check(net);
        int[] order = Examples.inOrder(drawn.size());
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            try (NDManager bm = net.manager().newSubManager()) {
                body.accept(drawn.batch(bm, order, from, to, net.inputShape()).get(0));
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Calibration c && c.source == source && c.examples == examples && c.seed == seed
                && c.batchSize == batchSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(source), examples, seed, batchSize);
    }

    /** @return e.g. {@code calibration: 128 examples of MNIST train (seed 42), batches of 32} */
    @Override
    public String toString() {
        return "calibration: " + examples + " examples of " + source.name() + " (seed " + seed + "), batches of "
                + batchSize;
    }

    /** Builder of a {@link Calibration}: {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        private Examples data;
        private int examples = 128;
        private long seed = 42;
        private int batchSize = 32;

        Builder() {}

        /**
         * @param data the set to draw from (required)
         * @return this builder
         */
        public Builder setData(Examples data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * @param split a split whose training part is drawn from (required, or {@link #setData(Examples)})
         * @return this builder
         */
        public Builder setData(ExampleSplit split) {
            return setData(Objects.requireNonNull(split, "data").train());
        }

        /**
         * @param examples how many examples to draw (default 128, as Wanda and SparseGPT use)
         * @return this builder
         */
        public Builder optExamples(int examples) {
            if (examples < 1) {
                throw new IllegalArgumentException("A calibration needs at least 1 example, got " + examples + ".");
            }
            this.examples = examples;
            return this;
        }

        /**
         * @param seed the seed of the draw (default 42)
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param batchSize examples per measuring batch (default 32: a convolution's patches are large)
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize + ".");
            }
            this.batchSize = batchSize;
            return this;
        }

        /** @return the calibration */
        public Calibration build() {
            if (data == null) {
                throw new IllegalStateException("setData(...) is required: the set to draw calibration examples from,"
                        + " e.g. data.train().");
            }
            return new Calibration(this);
        }
    }
}
